"""The commissioning pages: what each side sees and may do, messages after each change,
and bad input shown plainly with what was typed kept and nothing written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from commissioning import services
from commissioning.models import Agreement, AgreementComment, Programme, Stage
from tests import factories as f

pytestmark = pytest.mark.django_db

FORM = {
    "headcount": "20",
    "vacancies": "3",
    "agency_share_percent": "12.5",
    "typical_caseload": "18",
    "turnover_percent": "14",
    "pressures": "Court work squeezes supervision.",
    "protected_supervision_minutes_per_month": "90",
    "cpd_release_hours_per_year": "30",
    "cohort_places_per_wave": "4",
}


def url(name, world, **kwargs):
    return reverse(f"commissioning:{name}", kwargs=kwargs or {"pk": world.participation.pk})


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def typed(name, value):
    if name.endswith("_percent"):
        return Decimal(value)
    return int(value) if value.isdigit() else value


def agreement_for(world, status="awaiting"):
    saved = services.agreement_update(
        participation=world.participation,
        changed_by=world.service_manager,
        revision=0,
        values={k: typed(k, v) for k, v in FORM.items()},
    ).agreement
    if status != "draft":
        saved = services.agreement_submit(
            agreement=saved, submitted_by=world.service_manager, revision=saved.revision
        )
    return saved


# --- Programme set-up ----------------------------------------------------------------------------


def test_a_commissioner_sets_up_a_programme_from_the_form(client, world):
    client.force_login(world.commissioner)
    response = client.post(
        reverse("commissioning:programme_create"),
        {
            "name": "Early help",
            "commissioning_organisation": world.programme.commissioning_organisation_id,
            "practice_model": "Relational practice",
            "start_date": "2027-01-04",
            "end_date": "2029-01-03",
            "lead_commissioners": [world.commissioner.pk],
        },
    )
    programme = Programme.objects.get(name="Early help")
    assert response.url == reverse("commissioning:programme_detail", args=[programme.pk])
    assert "set up" in messages_of(response)[-1]


def test_end_before_start_is_shown_next_to_the_field_and_nothing_is_written(client, world):
    client.force_login(world.commissioner)
    response = client.post(
        reverse("commissioning:programme_create"),
        {
            "name": "Early help",
            "commissioning_organisation": world.programme.commissioning_organisation_id,
            "practice_model": "Relational practice",
            "start_date": "04/01/2027",
            "end_date": "03/01/2027",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "End date: The end date must be the same as or after the start date." in body
    assert 'value="Early help"' in body
    assert not Programme.objects.filter(name="Early help").exists()


def test_people_who_commission_nothing_cannot_set_up_programmes(client, world):
    client.force_login(world.service_manager)
    assert client.get(reverse("commissioning:programme_create")).status_code == 404


def test_adding_a_service_leads_on_to_inviting_its_manager(client, world):
    client.force_login(world.commissioner)
    response = client.post(
        reverse("commissioning:programme_service_add", args=[world.programme.pk]),
        {"new_service_name": "Family Hub East", "new_organisation_name": "Seaside Trust"},
    )
    participation = world.programme.participations.get(service__name="Family Hub East")
    assert response.url == url("invitation_create", world, pk=participation.pk)
    assert "now takes part" in messages_of(response)[-1]


def test_adding_a_service_needs_one_or_the_other(client, world):
    client.force_login(world.commissioner)
    response = client.post(
        reverse("commissioning:programme_service_add", args=[world.programme.pk]), {}
    )
    assert "Choose an existing service, or name a new one below." in response.content.decode()


def test_service_managers_may_see_the_programme_but_not_set_it_up(client, world):
    client.force_login(world.service_manager)
    pk = world.programme.pk
    assert client.get(reverse("commissioning:programme_detail", args=[pk])).status_code == 200
    for name in ("programme_edit", "programme_service_add", "programme_milestones"):
        assert client.get(reverse(f"commissioning:{name}", args=[pk])).status_code == 403
        assert client.post(reverse(f"commissioning:{name}", args=[pk]), {}).status_code == 403


# --- The programme page --------------------------------------------------------------------------


def test_the_programme_page_shows_stage_days_in_stage_and_milestones_per_stage(client, world):
    f.StageRecordFactory(
        participation=world.participation,
        stage=Stage.EXPLORATION,
        started_on=dt.date.today() - dt.timedelta(days=60),
        completed_on=dt.date.today() - dt.timedelta(days=12),
    )
    f.StageRecordFactory(
        participation=world.participation,
        stage=Stage.INSTALLATION,
        started_on=dt.date.today() - dt.timedelta(days=12),
    )
    f.MilestoneFactory(participation=world.participation, completed_on=dt.date.today())
    f.MilestoneFactory(participation=world.participation)
    agreement_for(world)
    client.force_login(world.commissioner)
    body = client.get(reverse("commissioning:programme_detail", args=[world.programme.pk]))
    text = body.content.decode()
    assert "Installation" in text
    assert "since " + (dt.date.today() - dt.timedelta(days=12)).strftime("%d/%m/%Y") in text
    assert "1 of 2 (50%)" in text
    assert "48 days" in text  # exploration took 48 days
    assert "12 days so far" in text
    assert "Awaiting sign-off" in text
    assert world.other_service.name not in text


def test_the_programme_page_has_a_helpful_empty_state(client, world):
    programme = f.ProgrammeFactory(
        commissioning_organisation=world.programme.commissioning_organisation
    )
    client.force_login(world.commissioner)
    text = client.get(reverse("commissioning:programme_detail", args=[programme.pk])).content
    assert "Add the first service" in text.decode()


# --- Agreement pages -----------------------------------------------------------------------------


def test_the_service_manager_starts_the_agreement_from_the_form(client, world):
    client.force_login(world.service_manager)
    response = client.post(url("agreement_edit", world), FORM | {"revision": "0"})
    assert response.url == url("agreement_detail", world)
    assert "saved as a draft" in messages_of(response)[-1]
    assert Agreement.objects.get().headcount == 20


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"headcount": "-4"}, "Headcount: Headcount cannot be negative."),
        ({"vacancies": "25"}, "Vacancies: Vacancies cannot be more than the headcount"),
        ({"agency_share_percent": "120"}, "Agency share is a percentage"),
        ({"turnover_percent": "lots"}, "Enter the turnover as a number from 0 to 100"),
    ],
)
def test_bad_figures_are_shown_at_the_top_and_by_the_field_keeping_what_was_typed(
    client, world, changes, message
):
    client.force_login(world.service_manager)
    response = client.post(url("agreement_edit", world), FORM | changes | {"revision": "0"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and message in body
    assert "Court work squeezes supervision." in body
    assert not Agreement.objects.exists()


def test_commissioners_see_the_agreement_but_do_not_edit_it(client, world):
    agreement_for(world)
    client.force_login(world.commissioner)
    assert client.get(url("agreement_detail", world)).status_code == 200
    assert client.get(url("agreement_edit", world)).status_code == 403
    assert client.post(url("agreement_edit", world), FORM | {"revision": "2"}).status_code == 403
    assert client.get(url("agreement_submit", world)).status_code == 403
    client.force_login(world.other_commissioner)
    assert client.get(url("agreement_detail", world)).status_code == 404


def test_a_save_after_someone_elses_change_keeps_the_typing_and_shows_both(client, world):
    agreement = agreement_for(world, status="draft")
    client.force_login(world.service_manager)
    opened_at = agreement.revision
    services.agreement_update(  # another manager saves first
        participation=world.participation,
        changed_by=world.service_manager,
        revision=opened_at,
        values={"headcount": 30, "vacancies": 3},
    )
    response = client.post(
        url("agreement_edit", world), FORM | {"headcount": "26", "revision": str(opened_at)}
    )
    body = response.content.decode()
    assert "changed this agreement while you were editing it" in body
    assert 'value="26"' in body  # what was typed
    assert "The agreement as it is now" in body and "30 people" in body
    agreement.refresh_from_db()
    assert agreement.headcount == 30
    # Saving again, now knowingly, keeps the typed figures.
    assert f'name="revision" value="{agreement.revision}"' in body
    client.post(url("agreement_edit", world), FORM | {"headcount": "26", "revision": "2"})
    agreement.refresh_from_db()
    assert agreement.headcount == 26


def test_submit_and_sign_from_the_page_with_messages(client, world):
    agreement = agreement_for(world, status="draft")
    client.force_login(world.service_manager)
    response = client.post(url("agreement_submit", world), {"revision": agreement.revision})
    assert "submitted for sign-off" in messages_of(response)[-1]
    agreement.refresh_from_db()
    client.force_login(world.commissioner)
    page = client.get(url("agreement_detail", world)).content.decode()
    assert "Sign as the commissioner" in page and "Send back with a reason" in page
    response = client.post(
        url("agreement_sign", world), {"revision": agreement.revision, "side": "commissioner"}
    )
    assert "It now awaits the other side" in messages_of(response)[-1]
    agreement.refresh_from_db()
    client.force_login(world.service_manager)
    response = client.post(
        url("agreement_sign", world), {"revision": agreement.revision, "side": "service_manager"}
    )
    assert "agreed by both sides" in messages_of(response)[-1]
    page = client.get(url("agreement_detail", world)).content.decode()
    for person in (world.commissioner, world.service_manager):
        assert f"Signed by <strong>{person.get_full_name()}</strong>" in page


def test_signing_a_changed_agreement_is_refused_with_a_message(client, world):
    agreement = agreement_for(world)
    opened_at = agreement.revision
    services.agreement_update(
        participation=world.participation,
        changed_by=world.service_manager,
        revision=opened_at,
        values={"vacancies": 4},
    )
    client.force_login(world.commissioner)
    response = client.post(
        url("agreement_sign", world), {"revision": opened_at, "side": "commissioner"}
    )
    assert response.url == url("agreement_detail", world)
    assert "changed this agreement after you opened it" in messages_of(response)[-1]
    agreement.refresh_from_db()
    assert agreement.commissioner_signed_at is None


def test_a_tampered_revision_is_treated_as_out_of_date(client, world):
    agreement_for(world)
    client.force_login(world.commissioner)
    response = client.post(url("agreement_sign", world), {"revision": "x", "side": "commissioner"})
    assert "This page was out of date" in messages_of(response)[-1]


def test_sending_back_keeps_the_reason_when_the_agreement_changed_meanwhile(client, world):
    agreement = agreement_for(world)
    opened_at = agreement.revision
    services.agreement_update(
        participation=world.participation,
        changed_by=world.service_manager,
        revision=opened_at,
        values={"vacancies": 4},
    )
    client.force_login(world.commissioner)
    reason = "Please explain the agency share."
    response = client.post(
        url("agreement_send_back", world), {"revision": opened_at, "reason": reason}
    )
    body = response.content.decode()
    assert response.status_code == 200 and reason in body
    assert "There is a problem" in body
    assert not AgreementComment.objects.exists()
    response = client.post(
        url("agreement_send_back", world), {"revision": opened_at + 1, "reason": reason}
    )
    assert "sent back" in messages_of(response)[-1]
    page = client.get(url("agreement_detail", world)).content.decode()
    assert reason in page and "Under review" in page


def test_service_managers_cannot_send_back(client, world):
    agreement_for(world)
    client.force_login(world.service_manager)
    assert client.get(url("agreement_send_back", world)).status_code == 403


def test_comments_from_the_page(client, world):
    agreement_for(world)
    client.force_login(world.commissioner)
    response = client.post(url("agreement_comment", world), {"text": "Thanks, this is clear."})
    assert messages_of(response) == ["Comment added."]
    empty = client.post(url("agreement_comment", world), {"text": ""})
    assert "Write a comment first." in empty.content.decode()


def test_older_versions_stay_readable_with_a_difference_view(client, world):
    agreement = agreement_for(world)
    agreement = services.agreement_sign(
        agreement=agreement, signed_by=world.commissioner, side="commissioner", revision=2
    )
    services.agreement_sign(
        agreement=agreement, signed_by=world.service_manager, side="service_manager", revision=3
    )
    client.force_login(world.service_manager)
    response = client.post(
        url("agreement_edit", world), FORM | {"cohort_places_per_wave": "6", "revision": "4"}
    )
    assert "start version 2" in messages_of(response)[-1]
    old = client.get(url("agreement_detail", world) + "?version=1").content.decode()
    assert "You are reading version 1" in old and "4 places in each wave" in old
    diff = client.get(url("agreement_changes", world)).content.decode()
    assert "1 field changed" in diff
    assert "4 places in each wave" in diff and "6 places in each wave" in diff
    assert client.get(url("agreement_detail", world) + "?version=9").status_code == 404


def test_the_difference_view_explains_when_there_is_nothing_to_compare(client, world):
    agreement_for(world)
    client.force_login(world.commissioner)
    assert "Only one version so far" in client.get(url("agreement_changes", world)).content.decode()


# --- Stages and milestones -----------------------------------------------------------------------


def test_moving_stage_and_ticking_milestones_from_the_pages(client, world):
    milestone = f.MilestoneFactory(participation=world.participation)
    client.force_login(world.service_manager)
    response = client.post(url("participation_milestones", world), {"done": [milestone.pk]})
    assert "1 newly done" in messages_of(response)[-1]
    response = client.post(url("stage_advance", world), {"from_stage": "installation"})
    assert "moved to initial implementation" in messages_of(response)[-1]
    world.participation.refresh_from_db()
    assert world.participation.current_stage == Stage.INITIAL
    # The same form sent twice does not move it twice.
    response = client.post(url("stage_advance", world), {"from_stage": "installation"})
    assert "already moved to initial implementation" in messages_of(response)[-1]
    world.participation.refresh_from_db()
    assert world.participation.current_stage == Stage.INITIAL


def test_outsiders_cannot_tick_or_move(client, world):
    client.force_login(world.other_service_manager)
    assert (
        client.post(url("stage_advance", world), {"from_stage": "installation"}).status_code == 404
    )
    assert client.get(url("participation_detail", world)).status_code == 404


def test_the_programme_page_links_each_cohort_to_its_page(client, world):
    cohort = f.CohortFactory(programme=world.programme)
    client.force_login(world.commissioner)
    response = client.get(reverse("commissioning:programme_detail", args=[world.programme.pk]))
    assert (
        f'href="{reverse("cohorts:cohort_detail", args=[cohort.pk])}"' in response.content.decode()
    )
