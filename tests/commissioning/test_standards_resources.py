"""Standards (view, change, cadence rules) and the resource library."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from commissioning import queries, services
from commissioning.models import CadenceRule, Resource, Standards
from tests import factories as f

R = services.RuleValues


def _values(**changes):
    values = {
        name: Standards._meta.get_field(name).get_default() for name in services.STANDARD_FIELDS
    }
    values.update(changes)
    return values


def test_standards_are_created_with_defaults(world):
    standards = services.standards_ensure(programme=world.programme)
    assert services.standards_ensure(programme=world.programme) == standards
    assert CadenceRule.objects.filter(standards=standards).count() == len(services.DEFAULT_CADENCE)
    sentences = [c.sentence for c in queries.cadence_explained(queries.cadence_rules_of(standards))]
    assert (
        "Newly qualified staff: line management weekly for their first 6 weeks, "
        "fortnightly to 26 weeks, then monthly." in sentences
    )


def test_standards_update_changes_values_and_rules_with_audit(world):
    standards = services.standards_ensure(programme=world.programme)
    services.standards_update(
        standards=standards,
        updated_by=world.commissioner,
        values=_values(min_session_minutes=60),
        rules=[R("line_management", False, 0, None, 28), R("reflective", False, 0, 52, 30)],
    )
    standards.refresh_from_db()
    assert standards.min_session_minutes == 60
    rules = {
        (r.supervision_type, r.to_week, r.interval_days) for r in standards.cadence_rules.all()
    }
    assert rules == {("line_management", None, 28), ("reflective", 52, 30)}
    assert LogEntry.objects.get_for_object(standards).exists()


@pytest.mark.parametrize(
    "rules, message",
    [
        (
            [R("line_management", False, 0, 10, 7), R("line_management", False, 5, None, 7)],
            "overlaps",
        ),
        (
            [R("line_management", False, 0, None, 7), R("line_management", False, 5, None, 7)],
            "overlaps",
        ),
        ([R("line_management", False, 6, 6, 7)], "must end after"),
        ([R("line_management", False, 0, None, 0)], "between 1 and 366"),
    ],
)
def test_standards_update_refuses_bad_rules(world, rules, message):
    standards = services.standards_ensure(programme=world.programme)
    before = list(CadenceRule.objects.filter(standards=standards).values_list("pk", flat=True))
    with pytest.raises(ValidationError) as error:
        services.standards_update(
            standards=standards, updated_by=world.commissioner, values=_values(), rules=rules
        )
    assert message in " ".join(error.value.message_dict["cadence"])
    after = list(CadenceRule.objects.filter(standards=standards).values_list("pk", flat=True))
    assert before == after


def test_same_type_for_the_other_group_does_not_overlap(world):
    standards = services.standards_ensure(programme=world.programme)
    services.standards_update(
        standards=standards,
        updated_by=world.commissioner,
        values=_values(),
        rules=[R("line_management", False, 0, None, 30), R("line_management", True, 0, None, 7)],
    )
    assert standards.cadence_rules.count() == 2


def test_standards_update_refuses_bad_values_and_outsiders(world):
    standards = services.standards_ensure(programme=world.programme)
    with pytest.raises(ValidationError) as error:
        services.standards_update(
            standards=standards,
            updated_by=world.commissioner,
            values=_values(cpd_pieces_per_year=1, cpd_peer_reflection_pieces=3),
            rules=[],
        )
    assert "cpd_peer_reflection_pieces" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.standards_update(
            standards=standards, updated_by=world.service_manager, values=_values(), rules=[]
        )


def test_standards_pages(client, world):
    client.force_login(world.service_manager)
    page = client.get(reverse("commissioning:standards_detail", args=[world.programme.pk]))
    assert page.status_code == 200
    assert "fortnightly to 26 weeks" in page.content.decode()
    edit = reverse("commissioning:standards_edit", args=[world.programme.pk])
    assert client.get(edit).status_code == 403
    client.force_login(world.commissioner)
    data = {
        **{k: v for k, v in _values().items() if k != "clinical_supervision_available"},
        "clinical_supervision_available": "on",
        "rules-TOTAL_FORMS": "2",
        "rules-INITIAL_FORMS": "0",
        "rules-0-supervision_type": "line_management",
        "rules-0-from_week": "0",
        "rules-0-to_week": "10",
        "rules-0-interval_days": "7",
        "rules-1-supervision_type": "line_management",
        "rules-1-from_week": "4",
        "rules-1-interval_days": "30",
    }
    response = client.post(edit, data)
    assert response.status_code == 200
    assert "overlaps" in response.content.decode()
    data["rules-1-from_week"] = "10"
    response = client.post(edit, data)
    assert response.status_code == 302
    assert Standards.objects.get(programme=world.programme).cadence_rules.count() == 2


# --- Resources ---------------------------------------------------------------------------------


def _resource_values(**changes):
    today = timezone.localdate()
    values = {
        "title": "Reflective supervision guide",
        "description": "",
        "url": "",
        "evidence_level": Resource.Evidence.GUIDANCE,
        "source": "Research in Practice",
        "owner": "Workforce team",
        "last_reviewed": today - dt.timedelta(days=10),
        "review_by": today + dt.timedelta(days=300),
    }
    values.update(changes)
    return values


def test_resource_save_and_audit(world):
    organisation = world.programme.commissioning_organisation
    resource = services.resource_save(
        saved_by=world.service_manager, organisation=organisation, values=_resource_values()
    )
    assert resource.organisation == organisation
    assert LogEntry.objects.get_for_object(resource).exists()
    services.resource_save(
        saved_by=world.commissioner,
        organisation=organisation,
        values=_resource_values(owner="Practice lead"),
        resource=resource,
    )
    resource.refresh_from_db()
    assert resource.owner == "Practice lead"


def test_resource_save_refuses_bad_input(world):
    organisation = world.programme.commissioning_organisation
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.resource_save(
            saved_by=world.commissioner,
            organisation=organisation,
            values=_resource_values(review_by=today - dt.timedelta(days=20)),
        )
    assert "review_by" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.resource_save(
            saved_by=world.other_commissioner, organisation=organisation, values=_resource_values()
        )


def test_resources_visible_and_share(world):
    organisation = world.programme.commissioning_organisation
    today = timezone.localdate()
    f.ResourceFactory(organisation=organisation)
    f.ResourceFactory(
        organisation=organisation,
        last_reviewed=today - dt.timedelta(days=400),
        review_by=today - dt.timedelta(days=1),
    )
    f.ResourceFactory(organisation=world.other_programme.commissioning_organisation)
    for user in (world.commissioner, world.service_manager):
        visible = queries.resources_visible_to(user)
        assert visible.count() == 2
        share = queries.resources_current_share(visible, today)
        assert (share.current, share.total, share.percent) == (1, 2, 50)
    assert queries.resources_visible_to(world.practitioner).count() == 0


def test_resource_form_puts_bad_dates_on_the_field(client, world):
    client.force_login(world.commissioner)
    today = timezone.localdate()
    data = {
        **_resource_values(),
        "organisation": world.programme.commissioning_organisation.pk,
        "last_reviewed": today.isoformat(),
        "review_by": (today - dt.timedelta(days=1)).isoformat(),
    }
    response = client.post(reverse("commissioning:resource_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["review_by"]
    data["review_by"] = (today + dt.timedelta(days=1)).isoformat()
    response = client.post(reverse("commissioning:resource_create"), data)
    assert response.status_code == 302
    page = client.get(reverse("commissioning:resource_list")).content.decode()
    assert "Reflective supervision guide" in page
    assert "100%" in page


def test_programme_page_shows_service_managers_their_own_compliance_only(client, world):
    services.standards_ensure(programme=world.programme)
    neighbour = f.ServiceFactory(name="Neighbouring team")
    f.ParticipationFactory(programme=world.programme, service=neighbour)
    url = reverse("commissioning:programme_detail", args=[world.programme.pk])
    client.force_login(world.commissioner)
    scopes = [c.scope for c in client.get(url).context["compliance"].columns]
    assert neighbour.name in scopes and world.service.name in scopes
    client.force_login(world.service_manager)
    page = client.get(url)
    scopes = [c.scope for c in page.context["compliance"].columns]
    assert world.service.name in scopes and neighbour.name not in scopes
    assert "Standards compliance" in page.content.decode()
    service_page = client.get(reverse("commissioning:service_detail", args=[world.service.pk]))
    assert service_page.context["compliance"] is not None
