"""Journey 3: a practitioner logs supervision from "my practice"; the supervisor sees it,
confirms it, and hears the same day about a significant concern."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse

from supervision.models import Reminder, SupervisionSession
from tests import factories as f

MY_PRACTICE = "/my-practice/"


def log(client, **changes):
    data = {
        "supervision_type": "line_management",
        "held_on": "2026-11-26",
        "minutes": "90",
        "supervisor": "",
        "external_supervisor": "",
        "reflective_percent": "50",
        "vicarious_trauma_concern": "none",
        "notes": "",
        **changes,
    }
    return client.post(MY_PRACTICE, data)


def test_the_form_defaults_to_today_the_line_manager_and_the_standard_length(
    frozen, client, world, standards
):
    client.force_login(world.practitioner)
    form = client.get(MY_PRACTICE).context["form"]
    assert form["held_on"].value() == frozen
    assert form["supervisor"].value() == world.line_manager_staff.pk
    assert form["minutes"].value() == standards.min_session_minutes
    choices = [str(value) for value, _ in form.fields["supervisor"].choices]
    assert str(world.practitioner_staff.pk) not in choices  # never themselves
    assert str(world.colleague_staff.pk) in choices


def test_a_practitioner_logs_a_session_with_one_post_and_the_cadence_updates(
    frozen, client, world, standards
):
    client.force_login(world.practitioner)
    before = client.get(MY_PRACTICE).context["person"].by_type["line_management"]
    response = log(
        client,
        supervisor=world.line_manager_staff.pk,
        wellbeing_checked="on",
        reflective_percent="75",
        notes="Talked about the Jones family visit.",
    )
    assert response.status_code == 302 and response.url == MY_PRACTICE
    session = SupervisionSession.objects.get(supervisee=world.practitioner_staff)
    assert (session.held_on, session.minutes, session.reflective_percent) == (frozen, 90, 75)
    assert session.supervisor == world.line_manager_staff
    assert session.wellbeing_checked and session.logged_by == world.practitioner
    assert session.affirmed_at is None
    page = client.get(MY_PRACTICE)
    assert "Saved: line management supervision on 26/11/2026, 90 minutes." in page.content.decode()
    after = page.context["person"].by_type["line_management"]
    assert after.last == frozen and after.next_due == frozen + dt.timedelta(days=30)
    assert before.status == "overdue" and after.status == "on_track"


def test_with_htmx_the_form_and_cadence_are_swapped_in_place(frozen, client, world, standards):
    client.force_login(world.practitioner)
    response = client.post(
        MY_PRACTICE,
        {
            "supervision_type": "reflective",
            "held_on": "2026-11-25",
            "minutes": "60",
            "supervisor": world.line_manager_staff.pk,
            "reflective_percent": "100",
            "vicarious_trauma_concern": "none",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body  # a partial, not a page
    assert 'id="log-supervision"' in body
    assert 'id="cadence" ' in body and 'hx-swap-oob="true"' in body
    assert "Saved: reflective supervision on 25/11/2026, 60 minutes." in body
    assert "06/01/2027" in body  # reflective: 42 days on
    assert SupervisionSession.objects.filter(supervisee=world.practitioner_staff).count() == 1


def test_with_htmx_errors_come_back_in_the_form(frozen, client, world, standards):
    client.force_login(world.practitioner)
    response = client.post(
        MY_PRACTICE,
        {"supervision_type": "line_management", "held_on": "2026-12-01", "minutes": "90"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "There is a problem" in body and "in the future" in body
    assert not SupervisionSession.objects.exists()


BAD_SESSIONS = [
    ({"held_on": "2026-11-27"}, "The date is in the future"),
    ({"minutes": "0"}, "Enter a length from 5 minutes to 8 hours (480 minutes)."),
    ({"minutes": "1200"}, "Enter a length from 5 minutes to 8 hours (480 minutes)."),
    ({"minutes": "-30"}, "Enter a length from 5 minutes to 8 hours (480 minutes)."),
    ({"minutes": "ninety"}, "Enter the length as a whole number of minutes"),
    ({"held_on": "2026-02-30"}, "Enter a real date"),
    ({"supervisor": "SELF"}, "You cannot supervise yourself. Choose who supervised you."),
    ({"supervisor": ""}, "Choose who supervised you, or name them in the next box."),
    ({"external_supervisor": "Dr Someone"}, "Leave this empty when you have chosen"),
    ({"supervision_type": "massage"}, "Choose the type of supervision from the list."),
    ({"vicarious_trauma_concern": "extreme"}, "Choose a level of concern from the list."),
]


@pytest.mark.parametrize(("changes", "message"), BAD_SESSIONS, ids=[m for _, m in BAD_SESSIONS])
def test_bad_sessions_are_refused_with_a_clear_message_and_nothing_saved(
    frozen, client, world, standards, changes, message
):
    client.force_login(world.practitioner)
    data = {"supervisor": world.line_manager_staff.pk, **changes}
    if data["supervisor"] == "SELF":
        data["supervisor"] = world.practitioner_staff.pk
    response = log(client, **data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert not SupervisionSession.objects.exists()


def test_an_external_supervisor_can_be_named(frozen, client, world, standards):
    client.force_login(world.practitioner)
    response = log(client, supervision_type="clinical", external_supervisor="Dr Miriam Achebe")
    assert response.status_code == 302
    session = SupervisionSession.objects.get()
    assert session.supervisor is None and session.supervisor_name == "Dr Miriam Achebe"


def test_someone_without_a_staff_record_cannot_log(client, world):
    client.force_login(world.commissioner)
    assert client.post(MY_PRACTICE, {"minutes": "90"}).status_code == 404
    assert not SupervisionSession.objects.exists()


# --- Significant concern ------------------------------------------------------------------------


def test_a_significant_concern_prompts_the_supervisor_the_same_day(
    frozen, client, world, standards, django_capture_on_commit_callbacks
):
    client.force_login(world.practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        response = log(
            client,
            supervisor=world.line_manager_staff.pk,
            vicarious_trauma_concern="high",
            notes="Nightmares after the Smith case.",
        )
    assert response.status_code == 302
    session = SupervisionSession.objects.get()
    prompt = Reminder.objects.get(recipient=world.line_manager, kind=Reminder.Kind.CONCERN)
    assert prompt.due_period == "2026-11-26" and prompt.emailed_at is not None
    assert prompt.url == reverse("supervision:session_detail", kwargs={"pk": session.pk})
    assert world.practitioner_staff.full_name in prompt.message
    (email,) = mail.outbox
    assert email.to == [world.line_manager.email]
    assert "check in with them today" in email.body
    assert f"http://127.0.0.1:8000/supervision/{session.pk}/" in email.body
    html = email.alternatives[0]
    assert html[1] == "text/html" and f"/supervision/{session.pk}/" in html[0]
    assert "Nightmares" not in email.body and "Nightmares" not in html[0]  # notes stay private
    # The team page puts it first.
    client.force_login(world.line_manager)
    team = client.get("/team/").content.decode()
    assert "marked a significant vicarious-trauma concern" in team


def test_an_external_supervisors_concern_goes_to_the_line_manager(
    frozen, client, world, standards, django_capture_on_commit_callbacks
):
    client.force_login(world.practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        log(
            client,
            supervision_type="clinical",
            external_supervisor="Dr A",
            vicarious_trauma_concern="high",
        )
    prompt = Reminder.objects.get(kind=Reminder.Kind.CONCERN)
    assert prompt.recipient == world.line_manager and prompt.url == "/team/"
    assert len(mail.outbox) == 1


def test_a_lesser_concern_prompts_nobody(frozen, client, world, standards):
    client.force_login(world.practitioner)
    log(client, supervisor=world.line_manager_staff.pk, vicarious_trauma_concern="moderate")
    assert not Reminder.objects.exists()


# --- Seeing and confirming a session ------------------------------------------------------------


@pytest.fixture
def session(world):
    return f.SupervisionSessionFactory(
        supervisee=world.practitioner_staff,
        supervisor=world.line_manager_staff,
        notes="Private reflection on a hard week.",
    )


def test_the_supervisee_and_supervisor_see_the_session_and_its_notes(client, world, session):
    url = reverse("supervision:session_detail", kwargs={"pk": session.pk})
    for user in (world.practitioner, world.line_manager):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert "Private reflection on a hard week." in response.content.decode()


@pytest.mark.parametrize(
    "outsider",
    [
        "service_manager",
        "commissioner",
        "admin",
        "other_practitioner",
        "nobody",
        "other_service_manager",
    ],
)
def test_everyone_else_gets_404_for_a_session(client, world, session, outsider):
    client.force_login(getattr(world, outsider))
    for name in ("supervision:session_detail", "supervision:session_confirm"):
        url = reverse(name, kwargs={"pk": session.pk})
        response = client.post(url) if name.endswith("confirm") else client.get(url)
        assert response.status_code == 404
    session.refresh_from_db()
    assert session.affirmed_at is None


def test_a_colleague_in_the_same_team_gets_404(client, world, session):
    colleague = f.UserFactory()
    world.colleague_staff.user = colleague
    world.colleague_staff.save()
    client.force_login(colleague)
    url = reverse("supervision:session_detail", kwargs={"pk": session.pk})
    assert client.get(url).status_code == 404


def test_the_supervisor_confirms_and_the_change_is_audited(client, world, session):
    client.force_login(world.line_manager)
    url = reverse("supervision:session_confirm", kwargs={"pk": session.pk})
    response = client.post(url, {"next": "/team/"})
    assert response.status_code == 302 and response.url == "/team/"
    session.refresh_from_db()
    assert session.affirmed_at is not None and session.affirmed_by == world.line_manager
    entry = LogEntry.objects.get_for_object(session).filter(action=LogEntry.Action.UPDATE).get()
    assert "affirmed_at" in entry.changes_dict and entry.actor == world.line_manager
    assert "notes" not in entry.changes_dict
    # Twice is refused kindly, not a second time.
    again = client.post(url, follow=True)
    assert "already confirmed" in again.content.decode()


def test_confirming_with_htmx_answers_with_the_row(client, world, session):
    client.force_login(world.line_manager)
    url = reverse("supervision:session_confirm", kwargs={"pk": session.pk})
    response = client.post(url, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'id="session-{session.pk}"' in body and "Confirmed" in body


def test_a_supervisee_may_see_but_not_confirm_their_own_session(client, world, session):
    client.force_login(world.practitioner)
    url = reverse("supervision:session_confirm", kwargs={"pk": session.pk})
    assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405
    session.refresh_from_db()
    assert session.affirmed_at is None


def test_an_unsafe_next_address_is_ignored(client, world, session):
    client.force_login(world.line_manager)
    url = reverse("supervision:session_confirm", kwargs={"pk": session.pk})
    response = client.post(url, {"next": "https://evil.example/"})
    assert response.url == reverse("supervision:session_detail", kwargs={"pk": session.pk})


def test_confirming_closes_the_concern_prompt(
    frozen, client, world, standards, django_capture_on_commit_callbacks
):
    client.force_login(world.practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        log(client, supervisor=world.line_manager_staff.pk, vicarious_trauma_concern="high")
    session = SupervisionSession.objects.get()
    client.force_login(world.line_manager)
    client.post(reverse("supervision:session_confirm", kwargs={"pk": session.pk}))
    assert Reminder.objects.get(kind=Reminder.Kind.CONCERN).dismissed_at is not None


def test_logging_a_session_answers_the_reminders_about_it(frozen, client, world, standards):
    key = f"supervision:line_management:{world.practitioner_staff.pk}"
    own = f.ReminderFactory(recipient=world.practitioner, kind="supervision_overdue", item_key=key)
    managers = f.ReminderFactory(
        recipient=world.line_manager, kind="supervision_overdue", item_key=key
    )
    other = f.ReminderFactory(
        recipient=world.practitioner,
        kind="supervision_due",
        item_key=f"supervision:reflective:{world.practitioner_staff.pk}",
    )
    client.force_login(world.practitioner)
    log(client, supervisor=world.line_manager_staff.pk)
    for reminder in (own, managers, other):
        reminder.refresh_from_db()
    assert own.dismissed_at and managers.dismissed_at
    assert other.dismissed_at is None  # reflective supervision is still due
