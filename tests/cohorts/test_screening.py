"""Journey 5: managers screen practitioners against the alignment criteria; the person
screened sees their screening and adds their own reflection."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from cohorts import services
from cohorts.models import Criterion, Screening, ScreeningRating
from tests import factories as f

ALL_THREES = {c.value: (3, f"Seen it: {c.label}") for c in Criterion}


def screening_post(rating="2", evidence="Seen in a family visit", **extra):
    data = {
        f"{kind}_{c.value}": value
        for c in Criterion
        for kind, value in (("rating", rating), ("evidence", evidence))
    }
    data.update({"practitioner_interest": "interested", "already_practising": "on"}, **extra)
    return data


def screen_url(world, staff=None, programme=None):
    staff = staff or world.practitioner_staff
    programme = programme or world.programme
    return reverse("cohorts:screening_edit", args=[staff.pk, programme.pk])


# --- screening_record ----------------------------------------------------------------------------


def test_screening_record_stores_a_rating_per_criterion_and_the_total(world):
    screening = services.screening_record(
        staff=world.practitioner_staff,
        programme=world.programme,
        screened_by=world.line_manager,
        ratings=ALL_THREES,
        practitioner_interest=Screening.Interest.INTERESTED,
        already_practising=True,
    )
    assert screening.total_score == 15
    assert screening.ratings.count() == 5
    assert screening.already_practising
    assert LogEntry.objects.get_for_object(screening).exists()


def test_screening_record_again_updates_rather_than_duplicates(world):
    first = services.screening_record(
        staff=world.practitioner_staff,
        programme=world.programme,
        screened_by=world.line_manager,
        ratings=ALL_THREES,
        practitioner_interest=Screening.Interest.NOT_ASKED,
        already_practising=False,
    )
    lower = {**ALL_THREES, Criterion.CURIOSITY.value: (1, "Sometimes curious")}
    second = services.screening_record(
        staff=world.practitioner_staff,
        programme=world.programme,
        screened_by=world.service_manager,
        ratings=lower,
        practitioner_interest=Screening.Interest.INTERESTED,
        already_practising=False,
    )
    assert first.pk == second.pk
    assert Screening.objects.count() == 1
    assert second.total_score == 13
    assert second.screened_by == world.service_manager
    rating = ScreeningRating.objects.get(screening=second, criterion=Criterion.CURIOSITY)
    assert LogEntry.objects.get_for_object(rating).count() == 2  # created, then changed


def test_screening_record_needs_every_criterion(world):
    partial = dict(list(ALL_THREES.items())[:4])
    with pytest.raises(ValidationError, match="Rate every criterion"):
        services.screening_record(
            staff=world.practitioner_staff,
            programme=world.programme,
            screened_by=world.line_manager,
            ratings=partial,
            practitioner_interest=Screening.Interest.INTERESTED,
            already_practising=False,
        )
    assert not Screening.objects.exists()


def test_screening_record_needs_evidence_for_any_rating_above_zero(world):
    ratings = {**ALL_THREES, Criterion.NON_PUNITIVE.value: (2, "  ")}
    with pytest.raises(ValidationError, match="add a note of what you have seen"):
        services.screening_record(
            staff=world.practitioner_staff,
            programme=world.programme,
            screened_by=world.line_manager,
            ratings=ratings,
            practitioner_interest=Screening.Interest.INTERESTED,
            already_practising=False,
        )
    ratings[Criterion.NON_PUNITIVE.value] = (0, "")
    screening = services.screening_record(
        staff=world.practitioner_staff,
        programme=world.programme,
        screened_by=world.line_manager,
        ratings=ratings,
        practitioner_interest=Screening.Interest.INTERESTED,
        already_practising=False,
    )
    assert screening.total_score == 12


def test_screening_record_refuses_a_programme_the_service_is_not_in(world):
    with pytest.raises(ValidationError, match="is not taking part"):
        services.screening_record(
            staff=world.practitioner_staff,
            programme=world.other_programme,
            screened_by=world.line_manager,
            ratings=ALL_THREES,
            practitioner_interest=Screening.Interest.INTERESTED,
            already_practising=False,
        )


# --- screening_reflect ---------------------------------------------------------------------------


def test_screening_reflect_saves_the_practitioners_own_words_and_interest(world):
    screening = f.ScreeningFactory(staff=world.practitioner_staff, programme=world.programme)
    services.screening_reflect(
        screening=screening,
        by=world.practitioner,
        reflection="  I'd like to learn more about co-regulation.  ",
        practitioner_interest=Screening.Interest.INTERESTED,
    )
    screening.refresh_from_db()
    assert screening.practitioner_reflection == "I'd like to learn more about co-regulation."
    assert screening.practitioner_interest == Screening.Interest.INTERESTED
    assert screening.reflected_at is not None


def test_screening_reflect_is_for_the_person_screened_only(world):
    screening = f.ScreeningFactory(staff=world.practitioner_staff, programme=world.programme)
    with pytest.raises(ValidationError, match="Only the person screened"):
        services.screening_reflect(
            screening=screening,
            by=world.line_manager,
            reflection="Written for them",
            practitioner_interest=Screening.Interest.INTERESTED,
        )


# --- pages ---------------------------------------------------------------------------------------


def test_a_line_manager_screens_a_report_and_sees_a_message(client, world):
    client.force_login(world.line_manager)
    response = client.post(screen_url(world), screening_post(), follow=True)
    assert "Screening of" in response.content.decode()
    screening = Screening.objects.get(staff=world.practitioner_staff)
    assert screening.total_score == 10
    assert screening.screened_by == world.line_manager
    assert screening.already_practising


def test_the_screening_form_keeps_what_was_typed_and_explains_missing_evidence(client, world):
    client.force_login(world.service_manager)
    data = screening_post(evidence="")
    data[f"evidence_{Criterion.DIRECT_WORK.value}"] = "Runs the Tuesday parents' group"
    response = client.post(screen_url(world), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "every rating above 0 needs evidence" in body
    assert "Runs the Tuesday parents&#x27; group" in body
    assert not Screening.objects.exists()


def test_the_screening_list_shows_the_team_and_can_be_filtered(client, world):
    f.ScreeningFactory(staff=world.colleague_staff, programme=world.programme, total_score=11)
    client.force_login(world.service_manager)
    response = client.get(reverse("cohorts:screening_list"))
    rows = response.context["rows"]
    assert {row.staff for row in rows} == {
        world.line_manager_staff,
        world.practitioner_staff,
        world.colleague_staff,
    }
    team = client.get(reverse("cohorts:screening_list"), {"team": world.line_manager_staff.pk})
    assert {row.staff for row in team.context["rows"]} == {
        world.practitioner_staff,
        world.colleague_staff,
    }


def test_nobody_screens_themselves_and_practitioners_may_not_screen(client, world):
    client.force_login(world.practitioner)
    response = client.post(screen_url(world), screening_post())
    assert response.status_code == 403
    assert not Screening.objects.exists()
    client.force_login(world.line_manager)
    own = client.get(screen_url(world, staff=world.line_manager_staff))
    assert own.status_code == 403  # they may see their own record, not screen it


def test_outsiders_get_404_for_someone_elses_screening(client, world):
    for outsider in (world.other_service_manager, world.commissioner, world.nobody):
        client.force_login(outsider)
        assert client.get(screen_url(world)).status_code == 404
        assert client.post(screen_url(world), screening_post()).status_code == 404
    assert not Screening.objects.exists()


def test_a_practitioner_sees_their_own_screening_with_the_evidence(client, world):
    screening = f.ScreeningFactory(
        staff=world.practitioner_staff, programme=world.programme, screened_by=world.line_manager
    )
    f.ScreeningRatingFactory(screening=screening, evidence="Notices what behaviour communicates")
    other = f.ScreeningFactory(staff=world.colleague_staff, programme=world.programme)
    f.ScreeningRatingFactory(screening=other, evidence="About a colleague")
    client.force_login(world.practitioner)
    body = client.get(reverse("cohorts:my_screening")).content.decode()
    assert "Notices what behaviour communicates" in body
    assert "About a colleague" not in body
    assert client.get(reverse("cohorts:screening_reflect", args=[other.pk])).status_code == 404


def test_a_practitioner_adds_a_reflection_and_their_manager_sees_it(client, world):
    screening = f.ScreeningFactory(staff=world.practitioner_staff, programme=world.programme)
    client.force_login(world.practitioner)
    response = client.post(
        reverse("cohorts:screening_reflect", args=[screening.pk]),
        {"practitioner_interest": "interested", "practitioner_reflection": "Keen to take part."},
        follow=True,
    )
    assert "Your reflection has been saved" in response.content.decode()
    screening.refresh_from_db()
    assert screening.practitioner_reflection == "Keen to take part."
    client.force_login(world.line_manager)
    refused = client.post(
        reverse("cohorts:screening_reflect", args=[screening.pk]),
        {"practitioner_interest": "not_now", "practitioner_reflection": "Overwritten"},
    )
    assert refused.status_code == 403
    screening.refresh_from_db()
    assert screening.practitioner_reflection == "Keen to take part."


def test_my_screening_has_a_helpful_empty_state(client, world):
    client.force_login(world.practitioner)
    assert (
        "You have not been screened yet"
        in client.get(reverse("cohorts:my_screening")).content.decode()
    )
