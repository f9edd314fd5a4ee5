"""Journey 3 below the browser: a practitioner saves progress, finishes, sees their score
and cannot submit twice; bad answers and closed windows store nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from outcomes import services
from outcomes.models import MeasureResponse, ResponseDraft
from outcomes.queries import open_measures_for
from tests import factories as f
from tests.text import page_text

from .builders import open_pre_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(world):
    return open_pre_point(world)


def url(opened) -> str:
    return reverse("outcomes:response_complete", kwargs={"point_pk": opened.point.pk})


ALL = {"item_1": "4", "item_2": "2", "item_3": "4", "item_4": "5", "item_5": "3"}


def test_my_practice_lists_open_measures_with_a_link(client, world, opened):
    client.force_login(world.practitioner)
    page = client.get(reverse("supervision:my_practice"))
    text = page_text(page)
    assert "Measures to complete" in text
    closes = timezone.localdate() + dt.timedelta(days=10 - 21 + 27)
    assert f"open until {closes:%d/%m/%Y}" in text
    assert f'href="{url(opened)}"' in page.content.decode()


def test_the_page_is_one_form_with_a_fieldset_and_legend_per_item(client, world, opened):
    client.force_login(world.practitioner)
    body = client.get(url(opened)).content.decode()
    assert body.count("<fieldset") == 5 and body.count("<legend") == 5
    assert '<label class="form-check-label" for="id_item_1_4">Always</label>' in body
    assert "Save and finish later" in body


def test_save_and_finish_later_then_finish_and_see_the_score(client, world, opened):
    client.force_login(world.practitioner)
    response = client.post(url(opened), {"item_1": "4", "item_2": "2", "save": ""})
    assert response.status_code == 302
    draft = ResponseDraft.objects.get(staff=world.practitioner_staff)
    assert draft.answers == {"1": 4, "2": 2}
    assert not MeasureResponse.objects.exists()
    # Coming back: the answers are there, and My practice says it was started.
    again = client.get(url(opened)).content.decode()
    assert 'value="4" checked' in again
    assert "Started" in page_text(client.get(reverse("supervision:my_practice")))

    response = client.post(url(opened), ALL | {"submit": ""})
    assert response.status_code == 302
    saved = MeasureResponse.objects.get(staff=world.practitioner_staff)
    # Item 2 is reverse-scored: 2 → 4. Mean of 4, 4, 4, 5, 3 = 4.0.
    assert saved.score == 4.0 and not saved.prorated and saved.items_answered == 5
    assert saved.subscale_scores == {"Knowing": 4.0, "Doing": 4.0}
    assert saved.measure == opened.measure and saved.cohort == opened.cohort
    assert not ResponseDraft.objects.exists()
    page = page_text(client.get(url(opened)))
    assert "Your score" in page and "4" in page and "Version 1" in page
    assert "Measures to complete" not in page_text(client.get(reverse("supervision:my_practice")))


def test_it_cannot_be_submitted_twice(client, world, opened):
    client.force_login(world.practitioner)
    client.post(url(opened), ALL | {"submit": ""})
    response = client.post(url(opened), ALL | {"submit": ""}, follow=True)
    assert "already completed this measure" in page_text(response)
    assert MeasureResponse.objects.count() == 1
    with pytest.raises(ValidationError, match="already completed"):
        services.response_submit(
            staff=world.practitioner_staff, point_id=opened.point.pk, answers={"1": 3}
        )


def test_too_few_answers_are_refused_with_the_unanswered_items(client, world, opened):
    client.force_login(world.practitioner)
    response = client.post(url(opened), {"item_1": "4", "item_3": "4", "submit": ""})
    assert response.status_code == 200
    text = page_text(response)
    assert "There is a problem" in text
    assert "Answer at least 4 of the 5 items to finish. Not answered yet: 2, 4, 5." in text
    assert 'value="4" checked' in response.content.decode()  # kept what was typed
    assert not MeasureResponse.objects.exists()


def test_four_of_five_answers_are_scored_prorated(client, world, opened):
    client.force_login(world.practitioner)
    answers = {k: v for k, v in ALL.items() if k != "item_5"}
    client.post(url(opened), answers | {"submit": ""})
    saved = MeasureResponse.objects.get()
    assert saved.prorated and saved.items_answered == 4 and saved.score == pytest.approx(4.25)


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"item_1": "9"}, "Select a valid choice"),
        ({"item_1": "-1"}, "Select a valid choice"),
        ({"item_1": "three"}, "Select a valid choice"),
        ({"item_99": "3"}, "There is no item 99 in this measure."),
    ],
)
def test_bad_answers_store_nothing(client, world, opened, posted, message):
    client.force_login(world.practitioner)
    for action in ("save", "submit"):
        response = client.post(url(opened), ALL | posted | {action: ""})
        assert response.status_code == 200
        assert message in page_text(response)
    assert not MeasureResponse.objects.exists() and not ResponseDraft.objects.exists()


def test_the_service_refuses_bad_answers_too(world, opened):
    for answers in ({"1": 6, "2": 3, "3": 3, "4": 3}, {"1": 3, "2": 3, "3": 3, "4": 3, "77": 1}):
        with pytest.raises(ValidationError):
            services.response_submit(
                staff=world.practitioner_staff, point_id=opened.point.pk, answers=answers
            )
    assert not MeasureResponse.objects.exists()


def test_a_closed_window_is_said_so_and_stores_nothing(client, world, opened):
    today = timezone.localdate()
    opened.cohort.training_start = today - dt.timedelta(days=100)
    opened.cohort.training_end = today - dt.timedelta(days=80)
    opened.cohort.save()
    client.force_login(world.practitioner)
    page = page_text(client.get(url(opened)))
    assert "This measure is not open for you now." in page
    opens = today - dt.timedelta(days=121)
    assert f"open from {opens:%d/%m/%Y}" in page
    response = client.post(url(opened), ALL | {"submit": ""}, follow=True)
    assert "its window has closed or not yet opened" in page_text(response)
    with pytest.raises(ValidationError, match="not open for you"):
        services.response_submit(
            staff=world.practitioner_staff, point_id=opened.point.pk, answers={"1": 3}
        )
    with pytest.raises(ValidationError, match="not open for you"):
        services.response_draft_save(
            staff=world.practitioner_staff, point_id=opened.point.pk, answers={"1": 3}
        )
    assert not MeasureResponse.objects.exists() and not ResponseDraft.objects.exists()


def test_people_outside_the_cohort_get_404(client, world, opened):
    for user in (
        world.other_practitioner,
        world.line_manager,
        world.service_manager,
        world.commissioner,
        world.admin,
    ):
        client.force_login(user)
        assert client.get(url(opened)).status_code == 404
        assert client.post(url(opened), ALL | {"submit": ""}).status_code == 404
    assert not MeasureResponse.objects.exists()


def test_nobody_else_sees_a_persons_score(client, world, opened):
    services.response_submit(
        staff=world.practitioner_staff,
        point_id=opened.point.pk,
        answers={"1": 4, "2": 2, "3": 4, "4": 5, "5": 3},
    )
    # The colleague in the same cohort sees their own form, not the practitioner's score.
    colleague = f.UserFactory()
    world.colleague_staff.user = colleague
    world.colleague_staff.save()
    client.force_login(colleague)
    text = page_text(client.get(url(opened)))
    assert "Your score" not in text and "Save and finish later" in text


def test_a_draft_measure_is_never_open(world, opened):
    opened.measure.status = "draft"
    opened.measure.save()
    assert open_measures_for(world.practitioner_staff.pk, timezone.localdate()) == []


def test_withdrawn_and_nominated_people_are_not_asked(world, opened):
    membership = opened.cohort.memberships.get(staff=world.practitioner_staff)
    for status in ("withdrawn", "nominated"):
        membership.status = status
        membership.withdrawn_reason = "Moved team" if status == "withdrawn" else ""
        membership.save()
        assert open_measures_for(world.practitioner_staff.pk, timezone.localdate()) == []
