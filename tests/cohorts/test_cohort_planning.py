"""Journey 6: cohort planning. A ranked shortlist from screening; nominate and confirm
within the places each service committed; members move nominated → confirmed → trained →
active champion, or are withdrawn with a reason. Wave 2 can be planned while wave 1 trains."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts import queries, services
from cohorts.models import Cohort, Membership, Screening, TrainingCompletion
from tests import factories as f
from tests.text import page_text

Status = Membership.Status


@pytest.fixture
def wave1(world):
    f.AgreedAgreementFactory(participation=world.participation, cohort_places_per_wave=2)
    return f.CohortFactory(programme=world.programme, wave=1, status=Cohort.Status.RECRUITING)


def nominate(world, cohort, staff):
    return services.membership_nominate(cohort=cohort, staff=staff, by=world.service_manager)


# --- membership_nominate -------------------------------------------------------------------------


def test_membership_nominate_within_the_places_agreed(world, wave1):
    membership = nominate(world, wave1, world.practitioner_staff)
    assert membership.status == Status.NOMINATED
    assert membership.nominated_by == world.service_manager
    assert LogEntry.objects.get_for_object(membership).count() == 1


def test_membership_nominate_refuses_beyond_the_places_with_a_clear_message(world, wave1):
    nominate(world, wave1, world.practitioner_staff)
    nominate(world, wave1, world.colleague_staff)
    third = f.StaffMemberFactory(service=world.service)
    with pytest.raises(ValidationError) as refused:
        nominate(world, wave1, third)
    assert "has committed 2 places per wave and already has 2" in refused.value.messages[0]
    assert wave1.memberships.count() == 2


def test_places_come_from_the_latest_agreed_version_only(world, wave1):
    # A newer version awaiting sign-off does not change what was agreed.
    f.AgreementFactory(participation=world.participation, version=2, cohort_places_per_wave=9)
    assert queries.committed_places(world.programme) == {world.service.pk: 2}


def test_membership_nominate_says_when_no_places_are_agreed_yet(world):
    cohort = f.CohortFactory(programme=world.programme, wave=1)
    f.AgreementFactory(participation=world.participation, cohort_places_per_wave=5)  # a draft
    with pytest.raises(ValidationError, match="has no agreed cohort places yet"):
        nominate(world, cohort, world.practitioner_staff)
    assert not Membership.objects.exists()


def test_membership_nominate_refuses_once_training_has_started(world, wave1):
    wave1.status = Cohort.Status.IN_TRAINING
    wave1.save()
    with pytest.raises(ValidationError, match="in training: nominate for a later wave"):
        nominate(world, wave1, world.practitioner_staff)


def test_wave_2_is_planned_while_wave_1_trains(world, wave1):
    nominate(world, wave1, world.practitioner_staff)
    wave1.status = Cohort.Status.IN_TRAINING
    wave1.save()
    wave2 = services.cohort_create(
        programme=world.programme, name="Widening out", wave=2, planned_size=20
    )
    # Someone already in wave 1 is not nominated again; others are, with wave 2's own places.
    with pytest.raises(ValidationError, match="is already in Wave 1"):
        nominate(world, wave2, world.practitioner_staff)
    assert nominate(world, wave2, world.colleague_staff).cohort == wave2
    assert nominate(world, wave2, f.StaffMemberFactory(service=world.service)).cohort == wave2


def test_a_withdrawn_member_frees_their_place(world, wave1):
    first = nominate(world, wave1, world.practitioner_staff)
    nominate(world, wave1, world.colleague_staff)
    services.membership_withdraw(membership=first, by=world.service_manager, reason="Long leave")
    assert nominate(world, wave1, f.StaffMemberFactory(service=world.service))
    with pytest.raises(ValidationError, match="was withdrawn from"):
        nominate(world, wave1, world.practitioner_staff)


# --- moving members on ---------------------------------------------------------------------------


def test_members_move_nominated_confirmed_trained_active(world, wave1):
    membership = nominate(world, wave1, world.practitioner_staff)
    services.membership_confirm(membership=membership, by=world.service_manager)
    wave1.status = Cohort.Status.IN_TRAINING
    wave1.save()
    services.membership_record_trained(membership=membership, by=world.service_manager)
    assert TrainingCompletion.objects.filter(
        staff=world.practitioner_staff, programme=world.programme
    ).exists()
    services.membership_make_active(membership=membership, by=world.service_manager)
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
    changes = [e.changes_dict.get("status") for e in LogEntry.objects.get_for_object(membership)]
    assert ["confirmed", "trained"] in changes and ["trained", "active"] in changes


def test_membership_confirm_refuses_when_places_have_shrunk(world, wave1):
    first = nominate(world, wave1, world.practitioner_staff)
    nominate(world, wave1, world.colleague_staff)
    f.AgreedAgreementFactory(participation=world.participation, version=2, cohort_places_per_wave=1)
    with pytest.raises(ValidationError, match="has committed 1 place per wave"):
        services.membership_confirm(membership=first, by=world.service_manager)


def test_steps_cannot_be_skipped_or_reversed(world, wave1):
    membership = nominate(world, wave1, world.practitioner_staff)
    with pytest.raises(ValidationError, match="cannot be marked trained now"):
        services.membership_record_trained(membership=membership, by=world.service_manager)
    with pytest.raises(ValidationError, match="cannot be marked active champion now"):
        services.membership_make_active(membership=membership, by=world.service_manager)
    services.membership_confirm(membership=membership, by=world.service_manager)
    with pytest.raises(ValidationError, match="cannot be marked confirmed now"):
        services.membership_confirm(membership=membership, by=world.service_manager)


def test_membership_record_trained_waits_for_training_to_start(world, wave1):
    membership = nominate(world, wave1, world.practitioner_staff)
    services.membership_confirm(membership=membership, by=world.service_manager)
    with pytest.raises(ValidationError, match="has not started training yet"):
        services.membership_record_trained(membership=membership, by=world.service_manager)


def test_membership_withdraw_needs_a_reason_and_is_final(world, wave1):
    membership = nominate(world, wave1, world.practitioner_staff)
    with pytest.raises(ValidationError, match="Give a reason"):
        services.membership_withdraw(membership=membership, by=world.service_manager, reason=" ")
    services.membership_withdraw(
        membership=membership, by=world.service_manager, reason="Moved to another team"
    )
    membership.refresh_from_db()
    assert membership.status == Status.WITHDRAWN
    assert membership.withdrawn_reason == "Moved to another team"
    with pytest.raises(ValidationError, match="has been withdrawn"):
        services.membership_confirm(membership=membership, by=world.service_manager)
    with pytest.raises(ValidationError, match="already withdrawn"):
        services.membership_withdraw(membership=membership, by=world.service_manager, reason="x")


# --- cohorts -------------------------------------------------------------------------------------


def test_cohort_create_and_update_refuse_a_wave_number_already_used(world, wave1):
    with pytest.raises(ValidationError, match="already has a wave 1"):
        services.cohort_create(programme=world.programme, name="Again", wave=1, planned_size=5)
    wave2 = services.cohort_create(
        programme=world.programme, name="Widening out", wave=2, planned_size=16
    )
    with pytest.raises(ValidationError, match="already has a wave 1"):
        services.cohort_update(
            cohort=wave2, name="Widening out", wave=1, planned_size=16, status="planned"
        )
    services.cohort_update(
        cohort=wave2, name="Second wave", wave=2, planned_size=18, status="recruiting"
    )
    wave2.refresh_from_db()
    assert (wave2.name, wave2.planned_size, wave2.status) == ("Second wave", 18, "recruiting")


# --- the shortlist and the planning page ---------------------------------------------------------


def test_the_shortlist_ranks_interest_then_score_and_leaves_out_members(world, wave1):
    keen = f.ScreeningFactory(
        staff=world.colleague_staff,
        programme=world.programme,
        total_score=9,
        practitioner_interest=Screening.Interest.INTERESTED,
    )
    high_but_not_now = f.ScreeningFactory(
        staff=world.practitioner_staff,
        programme=world.programme,
        total_score=15,
        practitioner_interest=Screening.Interest.NOT_NOW,
    )
    best = f.ScreeningFactory(
        staff=f.StaffMemberFactory(service=world.service),
        programme=world.programme,
        total_score=12,
        practitioner_interest=Screening.Interest.INTERESTED,
    )
    f.ScreeningFactory(staff=world.other_practitioner_staff, programme=world.programme)
    ranked = list(queries.shortlist(world.service_manager, wave1))
    assert ranked == [best, keen, high_but_not_now]
    nominate(world, wave1, best.staff)
    assert list(queries.shortlist(world.service_manager, wave1)) == [keen, high_but_not_now]
    team = queries.shortlist(
        world.service_manager, wave1, line_manager_id=world.line_manager_staff.pk
    )
    assert set(team) == {keen, high_but_not_now}


def test_a_service_manager_nominates_from_the_page_and_sees_a_message(client, world, wave1):
    f.ScreeningFactory(staff=world.colleague_staff, programme=world.programme)
    client.force_login(world.service_manager)
    url = reverse("cohorts:cohort_detail", args=[wave1.pk])
    page = client.get(url)
    assert world.colleague_staff.full_name in page_text(page)
    response = client.post(
        url, {"action": "nominate", "staff": world.colleague_staff.pk}, follow=True
    )
    assert f"{world.colleague_staff.full_name} nominated for" in page_text(response)
    membership = Membership.objects.get(cohort=wave1)
    response = client.post(
        url, {"action": "withdraw", "membership": membership.pk, "reason": ""}, follow=True
    )
    assert "Give a reason for withdrawing" in response.content.decode()
    response = client.post(url, {"action": "confirm", "membership": membership.pk}, follow=True)
    assert "place is confirmed" in response.content.decode()


def test_going_over_the_places_shows_a_message_on_the_page(client, world, wave1):
    nominate(world, wave1, world.practitioner_staff)
    nominate(world, wave1, world.line_manager_staff)
    f.ScreeningFactory(staff=world.colleague_staff, programme=world.programme)
    client.force_login(world.service_manager)
    url = reverse("cohorts:cohort_detail", args=[wave1.pk])
    response = client.post(
        url, {"action": "nominate", "staff": world.colleague_staff.pk}, follow=True
    )
    assert "has committed 2 places per wave and already has 2" in response.content.decode()
    assert wave1.memberships.count() == 2


def test_commissioners_see_places_per_service_but_no_names(client, world, wave1):
    nominate(world, wave1, world.practitioner_staff)
    client.force_login(world.commissioner)
    response = client.get(reverse("cohorts:cohort_detail", args=[wave1.pk]))
    body = response.content.decode()
    assert world.service.name in body
    assert world.practitioner_staff.full_name not in body
    [row] = response.context["places"]
    assert (row.places, row.n_nominated, row.places_left) == (2, 1, 1)
    refused = client.post(
        reverse("cohorts:cohort_detail", args=[wave1.pk]),
        {"action": "nominate", "staff": world.colleague_staff.pk},
    )
    assert refused.status_code == 403
    assert wave1.memberships.count() == 1


def test_other_service_managers_cannot_nominate_or_see(client, world, wave1):
    client.force_login(world.other_service_manager)
    url = reverse("cohorts:cohort_detail", args=[wave1.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"action": "nominate", "staff": world.practitioner_staff.pk})
    assert response.status_code == 404
    assert not Membership.objects.exists()


def test_a_service_manager_cannot_nominate_someone_from_another_service(client, world, wave1):
    f.ParticipationFactory(programme=world.programme, service=world.other_service)
    client.force_login(world.service_manager)
    response = client.post(
        reverse("cohorts:cohort_detail", args=[wave1.pk]),
        {"action": "nominate", "staff": world.other_practitioner_staff.pk},
    )
    assert response.status_code == 404
    assert not Membership.objects.exists()


def test_champions_per_service_counts_trained_and_active_members(world, wave1):
    for status in (Status.TRAINED, Status.ACTIVE, Status.CONFIRMED):
        f.MembershipFactory(
            cohort=wave1, staff=f.StaffMemberFactory(service=world.service), status=status
        )
    [row] = queries.champions_per_service(world.programme)
    assert row.champions == 2


def planning_queries(client, world, cohort) -> int:
    client.force_login(world.service_manager)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("cohorts:cohort_detail", args=[cohort.pk]))
    assert response.status_code == 200
    return len(captured)


def grow_planning(world, cohort, n):
    for _ in range(n):
        staff = f.StaffMemberFactory(service=world.service, line_manager=world.line_manager_staff)
        screening = f.ScreeningFactory(staff=staff, programme=world.programme)
        f.ScreeningRatingFactory(screening=screening)
        member = f.StaffMemberFactory(service=world.service, line_manager=world.line_manager_staff)
        f.MembershipFactory(cohort=cohort, staff=member)
        f.ScreeningFactory(staff=member, programme=world.programme)
        f.AgreedAgreementFactory(participation=f.ParticipationFactory(programme=world.programme))


def test_the_planning_page_runs_a_constant_number_of_queries(client, world, wave1):
    grow_planning(world, wave1, 1)
    small = planning_queries(client, world, wave1)
    grow_planning(world, wave1, 10)
    assert planning_queries(client, world, wave1) == small == 16
