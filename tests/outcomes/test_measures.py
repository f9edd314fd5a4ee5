"""Measure pages: who reads and writes definitions, import with errors, publish, versions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outcomes.models import Measure
from tests import factories as f
from tests.text import page_text

from .test_measures_definitions import GOOD

pytestmark = pytest.mark.django_db


def test_commissioners_import_a_yaml_file_as_a_draft(client, world):
    client.force_login(world.commissioner)
    upload = SimpleUploadedFile("measure.yaml", GOOD.encode(), content_type="application/yaml")
    response = client.post(reverse("outcomes:measure_create"), {"file": upload})
    measure = Measure.objects.get(slug="practice-confidence-test")
    assert response.url == reverse("outcomes:measure_detail", args=[measure.pk])
    assert measure.status == "draft" and measure.items.count() == 3


def test_a_bad_file_shows_each_problem_and_stores_nothing(client, world):
    client.force_login(world.commissioner)
    text = GOOD.replace("{id: 3,", "{id: 2,").replace("reliability: 0.82", "reliability: 3")
    upload = SimpleUploadedFile("measure.yaml", text.encode())
    response = client.post(reverse("outcomes:measure_create"), {"file": upload})
    assert response.status_code == 200
    body = page_text(response)
    assert "There is a problem" in body
    assert "Item id 2 is used more than once." in body
    assert "Reliability must be between 0 and 1." in body
    assert not Measure.objects.exists()


def test_pasting_json_works_too(client, world):
    client.force_login(world.admin)
    text = (
        '{"name": "Wellbeing (test)", "scale": {"min": 0, "max": 3}, '
        '"items": [{"id": 1, "text": "I slept well."}]}'
    )
    client.post(reverse("outcomes:measure_create"), {"text": text})
    assert Measure.objects.get().slug == "wellbeing-test"


def test_service_managers_read_but_do_not_write(client, world):
    measure = f.MeasureFactory(status="draft")
    client.force_login(world.service_manager)
    assert client.get(reverse("outcomes:measure_list")).status_code == 200
    assert client.get(reverse("outcomes:measure_detail", args=[measure.pk])).status_code == 200
    assert client.get(reverse("outcomes:measure_edit", args=[measure.pk])).status_code == 403
    assert client.post(reverse("outcomes:measure_publish", args=[measure.pk])).status_code == 403
    assert client.get(reverse("outcomes:measure_create")).status_code == 404
    measure.refresh_from_db()
    assert measure.status == "draft"


@pytest.mark.parametrize("role", ["practitioner", "line_manager", "nobody"])
def test_practitioners_do_not_see_definitions_pages(client, world, role):
    measure = f.MeasureFactory()
    client.force_login(getattr(world, role))
    for name in ("measure_detail", "measure_export_json", "measure_new_version"):
        method = client.post if name == "measure_new_version" else client.get
        assert method(reverse(f"outcomes:{name}", args=[measure.pk])).status_code == 404
    assert Measure.objects.count() == 1


def test_publish_then_new_version_then_published_is_read_only(client, world):
    client.force_login(world.commissioner)
    client.post(reverse("outcomes:measure_create"), {"text": GOOD})
    draft = Measure.objects.get()
    client.post(reverse("outcomes:measure_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.is_published
    assert client.get(reverse("outcomes:measure_edit", args=[draft.pk])).status_code == 403
    response = client.post(reverse("outcomes:measure_new_version", args=[draft.pk]))
    second = Measure.objects.get(version="2")
    assert response.url == reverse("outcomes:measure_edit", args=[second.pk])
    assert second.status == "draft"


def test_exports_download_json_and_yaml(client, world):
    client.force_login(world.service_manager)
    measure = f.MeasureFactory(slug="calm", version="3")
    f.MeasureItemFactory(measure=measure, number=1, text="I stay calm.")
    json_response = client.get(reverse("outcomes:measure_export_json", args=[measure.pk]))
    assert json_response["Content-Disposition"] == 'attachment; filename="calm-v3.json"'
    assert json_response.json()["items"] == [{"id": 1, "text": "I stay calm."}]
    yaml_response = client.get(reverse("outcomes:measure_export_yaml", args=[measure.pk]))
    assert "- id: 1\n  text: I stay calm." in yaml_response.content.decode()
