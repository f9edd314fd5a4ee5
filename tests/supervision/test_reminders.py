"""Journey 6: the daily reminder run, in-process (the real worker runs in
test_reminder_worker.py). One digest per person per day, in-app and by email."""

import datetime as dt
import logging

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from supervision import reminders, services
from supervision.models import NotificationPreference, Reminder, ReminderDigest
from supervision.reminders import Due
from tests import factories as f

from .conftest import TODAY


@pytest.fixture
def due_world(frozen, world, standards):
    """The practitioner overdue for supervision and behind on CPD; the colleague (no
    login) overdue too; the line manager's coaching overdue."""
    lm = world.line_manager_staff
    f.SupervisionSessionFactory(
        supervisee=world.practitioner_staff, supervisor=lm, held_on=TODAY - dt.timedelta(days=40)
    )
    f.SupervisionSessionFactory(
        supervisee=world.practitioner_staff,
        supervisor=lm,
        held_on=TODAY - dt.timedelta(days=38),
        supervision_type="reflective",  # due 30/11: due soon
    )
    f.SupervisionSessionFactory(
        supervisee=world.colleague_staff, supervisor=lm, held_on=TODAY - dt.timedelta(days=35)
    )
    f.SupervisionSessionFactory(
        supervisee=lm,
        supervisor=lm.line_manager,
        held_on=TODAY - dt.timedelta(days=45),
        supervision_type="coaching",
    )
    return world


def kinds_for(user) -> set[tuple[str, str]]:
    return set(Reminder.objects.filter(recipient=user).values_list("kind", "item_key"))


def test_the_daily_run_finds_what_is_due_for_each_person(due_world):
    world = due_world
    run = services.reminders_run_daily()
    p, c, lm = world.practitioner_staff.pk, world.colleague_staff.pk, world.line_manager_staff.pk
    assert kinds_for(world.practitioner) == {
        ("supervision_overdue", f"supervision:line_management:{p}"),
        ("supervision_due", f"supervision:reflective:{p}"),
        ("cpd_behind", f"cpd:{p}"),
    }
    # The line manager hears about reports' overdue supervision (not what is merely due
    # soon), and about their own coaching (their reflective space) and supervision.
    assert kinds_for(world.line_manager) == {
        ("supervision_overdue", f"supervision:line_management:{p}"),
        ("supervision_overdue", f"supervision:line_management:{c}"),
        ("supervision_overdue", f"supervision:reflective:{c}"),
        ("supervision_overdue", f"supervision:line_management:{lm}"),
        ("coaching_due", f"supervision:coaching:{lm}"),
        ("cpd_behind", f"cpd:{lm}"),
    }
    # Another programme, with no standards yet: nothing is tracked.
    assert not Reminder.objects.filter(recipient=world.other_practitioner).exists()
    assert run.digests == 2 and run.emailed == 2
    overdue = Reminder.objects.get(recipient=world.practitioner, kind="supervision_overdue")
    assert overdue.message == "Your line management supervision was due on 16/11/2026."
    assert overdue.due_period == "2026-11-16" and overdue.url == "/my-practice/"
    about = Reminder.objects.get(
        recipient=world.line_manager, item_key=f"supervision:line_management:{p}"
    )
    assert about.message == (
        f"{world.practitioner_staff.full_name}'s line management supervision was due on 16/11/2026."
    )
    assert about.url == "/team/"


def test_one_digest_per_person_with_text_html_and_a_link_to_each_action(due_world):
    world = due_world
    services.reminders_run_daily()
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_recipient) == sorted([world.practitioner.email, world.line_manager.email])
    email = by_recipient[world.practitioner.email]
    assert email.subject == "Launchpad: 3 reminders for Thursday 26 November"
    assert "Your line management supervision was due on 16/11/2026." in email.body
    assert "http://127.0.0.1:8000/my-practice/" in email.body
    assert "http://127.0.0.1:8000/my-practice/cpd/new/" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert '<a href="http://127.0.0.1:8000/my-practice/">Your line management supervision' in html
    assert "http://127.0.0.1:8000/notifications/" in html
    digest = ReminderDigest.objects.get(recipient=world.practitioner)
    assert (digest.day, digest.reminder_count) == (TODAY, 3)
    assert digest.emailed_at is not None
    assert set(digest.reminders.values_list("emailed_at", flat=True)) == {digest.emailed_at}


def test_running_again_sends_nothing_more(due_world):
    services.reminders_run_daily()
    reminders_before, sent_before = Reminder.objects.count(), len(mail.outbox)
    again = services.reminders_run_daily()
    assert (again.digests, again.emailed) == (0, 0)
    assert Reminder.objects.count() == reminders_before and len(mail.outbox) == sent_before
    # Tomorrow the same items are still due, for the same periods: still nothing new.
    tomorrow = services.reminders_run_daily(today=TODAY + dt.timedelta(days=1))
    assert tomorrow.digests == 0 and ReminderDigest.objects.count() == 2


def test_something_newly_due_tomorrow_makes_tomorrows_digest(due_world):
    world = due_world
    services.reminders_run_daily()
    # Reflective supervision falls overdue on 01/12: a new kind of reminder for its period.
    later = services.reminders_run_daily(today=dt.date(2026, 12, 1))
    assert later.digests >= 1
    assert ReminderDigest.objects.filter(recipient=world.practitioner).count() == 2
    assert Reminder.objects.filter(
        recipient=world.practitioner, kind="supervision_overdue", item_key__contains="reflective"
    ).exists()


def test_email_can_be_turned_off_and_reminders_still_show(due_world, client):
    world = due_world
    f.NotificationPreferenceFactory(user=world.practitioner, email_digest=False)
    services.reminders_run_daily()
    assert [m.to for m in mail.outbox] == [[world.line_manager.email]]
    digest = ReminderDigest.objects.get(recipient=world.practitioner)
    assert digest.emailed_at is None and digest.reminder_count == 3
    client.force_login(world.practitioner)
    page = client.get("/notifications/").content.decode()
    assert "Your line management supervision was due on 16/11/2026." in page


def test_inactive_people_are_not_reminded(due_world):
    world = due_world
    world.practitioner.is_active = False
    world.practitioner.save()
    services.reminders_run_daily()
    assert not Reminder.objects.filter(recipient=world.practitioner).exists()


def test_commissioners_hear_about_resources_due_for_review(frozen, world):
    organisation = world.programme.commissioning_organisation
    soon = f.ResourceFactory(
        organisation=organisation,
        title="Window of tolerance",
        last_reviewed=dt.date(2025, 12, 15),
        review_by=dt.date(2026, 12, 15),
    )
    f.ResourceFactory(organisation=organisation, review_by=dt.date(2027, 6, 1))  # not yet
    past = f.ResourceFactory(
        organisation=organisation,
        title="Old guide",
        last_reviewed=dt.date(2024, 1, 1),
        review_by=dt.date(2025, 1, 1),
    )
    services.reminders_run_daily()
    messages = set(
        Reminder.objects.filter(recipient=world.commissioner).values_list("item_key", "message")
    )
    assert messages == {
        (f"resource:{soon.pk}", "“Window of tolerance” is due for review by 15/12/2026."),
        (f"resource:{past.pk}", "“Old guide” is past its review date (01/01/2025)."),
    }
    assert not Reminder.objects.filter(recipient=world.other_commissioner).exists()


def test_other_apps_add_their_own_sources(frozen, world):
    """The hook for measure windows and fidelity reflections (later issues)."""

    def measure_window_open(today):
        yield Due(
            world.practitioner.pk,
            Reminder.Kind.MEASURE_OPEN,
            "measure:7",
            "2026-12-10",
            "Your post-training questionnaire is open until 10/12/2026.",
            "/my-practice/",
        )

    reminders.reminder_source(measure_window_open)
    try:
        services.reminders_run_daily()
    finally:
        reminders._SOURCES.pop(f"{__name__}.{measure_window_open.__qualname__}")
    reminder = Reminder.objects.get(recipient=world.practitioner, kind="measure_open")
    assert reminder.digest is not None
    assert "questionnaire is open" in mail.outbox[0].body


def test_a_concern_prompt_that_could_not_be_emailed_goes_in_the_next_digest(
    frozen, world, standards, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    from supervision import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is not there")

    monkeypatch.setattr(tasks.reminder_prompt_send, "apply_async", broker_down)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        services.supervision_session_record(
            supervisee=world.practitioner_staff,
            logged_by=world.practitioner,
            supervision_type="line_management",
            held_on=TODAY,
            minutes=60,
            supervisor=world.line_manager_staff,
            vicarious_trauma_concern="high",
        )
    assert "Could not queue the email for concern reminder" in caplog.text
    assert not mail.outbox
    assert Reminder.objects.get(kind="concern").recipient == world.line_manager  # in-app now
    services.reminders_run_daily()
    (email,) = [m for m in mail.outbox if m.to == [world.line_manager.email]]
    assert "significant vicarious-trauma concern" in email.body


def test_the_digest_run_costs_a_fixed_number_of_queries(due_world):
    services.reminders_record(due=reminders.everything_due(TODAY))
    with CaptureQueriesContext(connection) as captured:
        run = services.reminder_digests_send(today=TODAY)
    assert run.digests == 2
    # Savepoints are the test's own transaction at work; in production each batch's
    # transaction is a plain BEGIN … COMMIT.
    statements = [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]
    # One batch (recipients, their logins, their reminders, insert the digests, mark the
    # reminders, and one group of emails: claim, read, mark the digests sent),
    # the empty batch after it and the sweep for emails an earlier run left: not per
    # person (tests/supervision/test_reminder_batches.py has the growth with batches).
    assert len(statements) == 10


# --- The notifications page ------------------------------------------------------------------


def test_the_notifications_page_lists_reminders_with_links(due_world, client):
    world = due_world
    services.reminders_run_daily()
    client.force_login(world.line_manager)
    response = client.get("/notifications/")
    body = response.content.decode()
    assert response.status_code == 200
    assert escape(f"{world.colleague_staff.full_name}'s line management supervision") in body
    assert 'href="/team/"' in body
    assert (
        "Latest daily digest: Thursday 26 November 2026, 6 reminders, also sent by email." in body
    )


def test_dismissing_a_reminder(frozen, world, client):
    reminder = f.ReminderFactory(
        recipient=world.practitioner, message="Reflective supervision is due."
    )
    client.force_login(world.practitioner)
    url = reverse("supervision:reminder_dismiss", kwargs={"pk": reminder.pk})
    assert client.get(url).status_code == 405
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content == b""
    reminder.refresh_from_db()
    assert reminder.dismissed_at is not None
    page = client.get("/notifications/").content.decode()
    assert "Recently dismissed" in page
    assert client.post(url).status_code == 302  # twice: no harm done


@pytest.mark.parametrize(
    "role", ["line_manager", "service_manager", "commissioner", "admin", "other_practitioner"]
)
def test_nobody_else_can_dismiss_a_persons_reminder(world, client, role):
    reminder = f.ReminderFactory(recipient=world.practitioner)
    client.force_login(getattr(world, role))
    url = reverse("supervision:reminder_dismiss", kwargs={"pk": reminder.pk})
    assert client.post(url).status_code == 404
    reminder.refresh_from_db()
    assert reminder.dismissed_at is None
    assert reminder.message not in client.get("/notifications/").content.decode()


def test_turning_the_email_digest_off_and_on(world, client):
    client.force_login(world.practitioner)
    assert client.get("/notifications/").context["form"]["email_digest"].value() is True
    response = client.post("/notifications/", {})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=world.practitioner).email_digest is False
    page = client.get("/notifications/")
    assert "Email digests are off." in page.content.decode()
    client.post("/notifications/", {"email_digest": "on"})
    assert NotificationPreference.objects.get(user=world.practitioner).email_digest is True


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    assert client.get("/notifications/").status_code == 302
