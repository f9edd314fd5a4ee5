"""Journeys 2 and 3: a practitioner reflects in about three minutes; a line manager or a
peer records an observation and the practitioner responds. Bad input saves nothing."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fidelity.models import FidelityCheck, FidelityRating, SupportAction
from fidelity.queries import checks_visible_to
from tests import factories as f
from tests.text import page_text

from .conftest import TODAY, ratings_for

NEW = reverse("fidelity:check_new")
OBSERVE = reverse("fidelity:observation_new")


def detail(check) -> str:
    return reverse("fidelity:check_detail", kwargs={"pk": check.pk})


def self_check_data(tool, **extra):
    return {"done_on": TODAY.isoformat(), "support_wanted": "no", **ratings_for(tool), **extra}


# --- The self-check --------------------------------------------------------------------------


def test_the_self_check_is_taps_in_fieldsets_with_the_scale_shown(client, world, tool, frozen):
    client.force_login(world.practitioner)
    body = client.get(NEW).content.decode()
    assert body.count('<fieldset class="tap-group') == 6 + 2  # items, themes, support
    assert body.count("<legend") >= 8
    for label in ("Not yet", "Sometimes", "Often", "Consistently"):
        assert body.count(f">{label}</label>") == 6
    assert 'type="radio"' in body and 'class="btn-check"' in body


def test_a_practitioner_reflects_and_asks_for_support(client, world, tool, frozen):
    workload = f.ChallengeThemeFactory(name="Workload")
    client.force_login(world.practitioner)
    data = self_check_data(
        tool,
        went_well="The family chose where we met.",
        got_in_the_way="Too many visits this week.",
        support_wanted="yes",
        themes=[workload.pk],
    )
    data[f"item_{tool.items.first().pk}"] = "1"
    response = client.post(NEW, data, follow=True)
    check = FidelityCheck.objects.get()
    assert check.kind == "self" and check.completed_by == world.practitioner
    assert check.tool == tool and check.support_wanted
    assert check.mean_rating == pytest.approx((1 + 3 * 5) / 6)
    assert list(check.themes.all()) == [workload]
    assert FidelityRating.objects.filter(check_record=check).count() == 6
    action = SupportAction.objects.get()
    assert action.owner == world.line_manager_staff and action.staff == world.practitioner_staff
    assert "Too many visits this week." in action.description
    assert action.due_on == TODAY + dt.timedelta(days=14)
    text = page_text(response)
    assert "A support action is now with the line manager." in text
    assert "Not yet" in text and "Workload" in text


def test_no_support_wanted_means_no_action(client, world, tool, frozen):
    client.force_login(world.practitioner)
    client.post(NEW, self_check_data(tool))
    assert FidelityCheck.objects.count() == 1
    assert not SupportAction.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rating": "5"}, "Choose one of the four ratings."),
        ({"rating": "0"}, "Choose one of the four ratings."),
        ({"rating": "often"}, "Choose one of the four ratings."),
        ({"rating": None}, "Choose how often this showed."),
        ({"done_on": "2026-11-27"}, "The date cannot be in the future."),
        ({"done_on": "2026-02-30"}, "Enter a real date"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(
    client, world, tool, frozen, change, message
):
    client.force_login(world.practitioner)
    data = self_check_data(tool, went_well="Kept this", support_wanted="yes")
    first = f"item_{tool.items.first().pk}"
    if "rating" in change:
        if change["rating"] is None:
            del data[first]
        else:
            data[first] = change["rating"]
    if "done_on" in change:
        data["done_on"] = change["done_on"]
    response = client.post(NEW, data)
    text = page_text(response)
    assert response.status_code == 200
    assert "There is a problem" in text and message in text
    assert "Kept this" in text  # what was typed stays
    assert not FidelityCheck.objects.exists() and not SupportAction.objects.exists()


def test_without_a_tool_the_page_says_so(client, world):
    client.force_login(world.practitioner)
    response = client.get(NEW)
    assert "has no reflection tool yet" in page_text(response)
    assert client.post(NEW, {"done_on": "2026-11-01"}).status_code == 200
    assert not FidelityCheck.objects.exists()


def test_people_without_a_staff_record_get_404(client, world, tool):
    for user in (world.commissioner, world.admin, world.nobody):
        client.force_login(user)
        assert client.get(NEW).status_code == 404
        assert client.get(OBSERVE).status_code == 404


def test_the_self_check_page_runs_a_fixed_number_of_queries(client, world, tool, frozen):
    client.force_login(world.practitioner)
    counts = []
    for _ in range(2):
        f.ChallengeThemeFactory()
        f.FidelityCheckFactory(tool=tool, staff=world.practitioner_staff)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(NEW).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] == 13


# --- Observations and responses ---------------------------------------------------------------


def observation_data(tool, staff, kind="peer", **extra):
    return {
        "staff": staff.pk,
        "kind": kind,
        "done_on": "2026-11-20",
        "support_wanted": "no",
        "went_well": "Warm, clear plan with the family.",
        **ratings_for(tool, 4),
        **extra,
    }


def test_a_line_manager_records_an_observation_and_the_practitioner_responds(
    client, world, tool, frozen
):
    client.force_login(world.line_manager)
    response = client.post(
        OBSERVE, observation_data(tool, world.practitioner_staff, kind="supervision"), follow=True
    )
    check = FidelityCheck.objects.get()
    assert check.kind == "supervision" and check.completed_by == world.line_manager
    assert check.staff == world.practitioner_staff and check.mean_rating == 4
    assert "Saved: in supervision on 20/11/2026." in page_text(response)

    client.force_login(world.practitioner)
    text = page_text(client.get(detail(check)))
    assert "Warm, clear plan with the family." in text and "Add your response" in text
    respond = reverse("fidelity:check_respond", kwargs={"pk": check.pk})
    empty = client.post(respond, {"response": "  "})
    assert "Write your response, or go back." in page_text(empty)
    response = client.post(respond, {"response": "Thank you, I will try it again."}, follow=True)
    check.refresh_from_db()
    assert check.response == "Thank you, I will try it again." and check.responded_at
    assert "Your response is saved." in page_text(response)

    client.force_login(world.line_manager)
    assert "Thank you, I will try it again." in page_text(client.get(detail(check)))
    assert client.post(respond, {"response": "Not mine"}).status_code == 403
    check.refresh_from_db()
    assert check.response == "Thank you, I will try it again."


def test_a_peer_records_an_observation_and_sees_it(client, world, tool, frozen):
    peer = f.UserFactory()
    world.colleague_staff.user = peer
    world.colleague_staff.save()
    client.force_login(peer)
    client.post(OBSERVE, observation_data(tool, world.practitioner_staff))
    check = FidelityCheck.objects.get()
    assert check.kind == "peer" and check.completed_by == peer
    assert check in checks_visible_to(peer)
    assert check in checks_visible_to(world.practitioner)
    assert check in checks_visible_to(world.line_manager)
    assert client.get(detail(check)).status_code == 200


def test_a_peer_may_not_record_a_supervision_check(client, world, tool, frozen):
    peer = f.UserFactory()
    world.colleague_staff.user = peer
    world.colleague_staff.save()
    client.force_login(peer)
    response = client.post(OBSERVE, observation_data(tool, world.practitioner_staff, "supervision"))
    assert "Choose observation or supervision." in page_text(response)
    assert not FidelityCheck.objects.exists()


def test_a_check_for_someone_outside_your_team_is_refused(client, world, tool, frozen):
    client.force_login(world.line_manager)
    response = client.post(OBSERVE, observation_data(tool, world.other_practitioner_staff))
    text = page_text(response)
    assert response.status_code == 200
    assert "There is a problem" in text and "Choose someone in your team." in text
    assert not FidelityCheck.objects.exists()


def test_nobody_observes_themselves(client, world, tool, frozen):
    client.force_login(world.practitioner)
    response = client.post(OBSERVE, observation_data(tool, world.practitioner_staff))
    assert "Choose someone in your team." in page_text(response)
    assert not FidelityCheck.objects.exists()


# --- Seeing and changing checks ---------------------------------------------------------------


def test_a_check_is_for_the_practitioner_their_line_manager_and_its_author_only(
    client, world, tool
):
    check = f.FidelityCheckFactory(
        tool=tool, staff=world.practitioner_staff, completed_by=world.practitioner
    )
    for user in (world.practitioner, world.line_manager):
        client.force_login(user)
        assert client.get(detail(check)).status_code == 200
    for user in (
        world.service_manager,
        world.commissioner,
        world.admin,
        world.other_practitioner,
        world.nobody,
    ):
        client.force_login(user)
        assert client.get(detail(check)).status_code == 404
        assert client.post(detail(check) + "edit/", {}).status_code == 404


def test_only_the_author_changes_a_check(client, world, tool, frozen):
    check = f.FidelityCheckFactory(
        tool=tool,
        staff=world.practitioner_staff,
        completed_by=world.practitioner,
        done_on=TODAY,
    )
    edit = reverse("fidelity:check_edit", kwargs={"pk": check.pk})
    client.force_login(world.line_manager)
    assert client.get(edit).status_code == 403
    assert client.post(edit, self_check_data(tool, went_well="Changed")).status_code == 403
    check.refresh_from_db()
    assert check.went_well == "" and not check.ratings.exists()

    client.force_login(world.practitioner)
    response = client.post(edit, self_check_data(tool, went_well="Better now"), follow=True)
    check.refresh_from_db()
    assert check.went_well == "Better now" and check.ratings.count() == 6
    assert "Your changes are saved." in page_text(response)


def test_the_practitioner_may_not_change_an_observation_about_them(client, world, tool):
    check = f.FidelityCheckFactory(
        tool=tool, staff=world.practitioner_staff, kind="peer", completed_by=world.line_manager
    )
    client.force_login(world.practitioner)
    assert client.get(reverse("fidelity:check_edit", kwargs={"pk": check.pk})).status_code == 403


# --- My practice and My team ------------------------------------------------------------------


def test_my_practice_shows_when_the_next_reflection_is_due(client, world, tool, frozen):
    f.FidelityCheckFactory(
        tool=tool, staff=world.practitioner_staff, done_on=TODAY - dt.timedelta(days=85)
    )
    client.force_login(world.practitioner)
    text = page_text(client.get(reverse("supervision:my_practice")))
    assert "Reflections" in text
    assert 'status-due">Due soon</span> 01/12/2026' in text  # 85 days ago + 90 days
    assert "Self-reflection, 02/09/2026" in text


def test_my_team_shows_each_reports_reflections(client, world, tool, frozen):
    f.FidelityCheckFactory(
        tool=tool, staff=world.practitioner_staff, done_on=TODAY - dt.timedelta(days=100)
    )
    f.SupportActionFactory(staff=world.practitioner_staff, owner=world.line_manager_staff)
    client.force_login(world.line_manager)
    response = client.get(reverse("supervision:team"))
    rows = {r.staff: r for r in response.context["team_reflections"]}
    mine = rows[world.practitioner_staff]
    assert mine.last_check_on == TODAY - dt.timedelta(days=100)
    assert mine.next_due == TODAY - dt.timedelta(days=10) and mine.state == "overdue"
    assert mine.open_actions == 1
    colleague = rows[world.colleague_staff]
    assert colleague.last_check_on is None and colleague.open_actions == 0
    assert "Team reflections" in page_text(response)


def test_the_observation_and_check_pages_run_a_fixed_number_of_queries(client, world, tool, frozen):
    check = f.FidelityCheckFactory(
        tool=tool, staff=world.practitioner_staff, completed_by=world.practitioner
    )
    client.force_login(world.line_manager)
    counts = []
    for n in (1, 5):
        for _ in range(n):
            f.StaffMemberFactory(service=world.service, line_manager=world.line_manager_staff)
            f.SupportActionFactory(
                staff=world.practitioner_staff, owner=world.line_manager_staff, check_record=check
            )
            check.themes.add(f.ChallengeThemeFactory())
        with CaptureQueriesContext(connection) as observe:
            assert client.get(OBSERVE).status_code == 200
        with CaptureQueriesContext(connection) as shown:
            assert client.get(detail(check)).status_code == 200
        counts.append((len(observe), len(shown)))
    assert counts[0] == counts[1] == (14, 13)
