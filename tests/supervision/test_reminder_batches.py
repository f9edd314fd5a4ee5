"""The daily digest run at scale: batches of recipients, each costing a fixed number of
queries and recorded all or nothing, and emails sent a group at a time."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supervision import services
from supervision.models import NotificationPreference, Reminder, ReminderDigest
from supervision.reminders import Due

TODAY = dt.date(2026, 11, 26)
pytestmark = pytest.mark.django_db


def people_with_reminders(count: int, per_person: int = 2) -> list[User]:
    users = User.objects.bulk_create(
        User(username=f"person{i}@example.org", email=f"person{i}@example.org", first_name="Sam")
        for i in range(count)
    )
    services.reminders_record(
        due=(
            Due(
                user.pk,
                Reminder.Kind.SUPERVISION_DUE,
                f"supervision:reflective:{user.pk}:{n}",
                "2026-11-30",
                f"Your reflective supervision is due by 30/11/2026 ({n}).",
                "/my-practice/",
            )
            for user in users
            for n in range(per_person)
        )
    )
    return users


def statements(captured) -> list[str]:
    # Savepoints are the test's own transaction at work (in production each batch is a
    # plain BEGIN … COMMIT).
    return [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]


def queries_for(people: int, batch_size: int) -> int:
    people_with_reminders(people)
    with CaptureQueriesContext(connection) as captured:
        run = services.reminder_digests_send(today=TODAY, batch_size=batch_size)
    assert run.digests == run.emailed == people and run.failed == 0
    assert len(mail.outbox) == people
    return len(statements(captured))


# Per batch: who has something pending; their logins; their reminders; insert the
# digests; mark the reminders; then for the emails (the new digests, by id): claim a
# group, read its reminders, mark the digests sent. Per run: the empty batch after the
# last, and the sweep for emails an earlier run left.
PER_BATCH, PER_RUN = 8, 2


@pytest.mark.parametrize(("people", "batches"), [(30, 1), (90, 3)])
def test_queries_grow_with_the_batches_not_the_people(people, batches, settings):
    settings.REMINDER_EMAIL_GROUP = 100
    assert queries_for(people, batch_size=30) == PER_BATCH * batches + PER_RUN


def test_more_people_in_one_batch_cost_no_more_queries(settings):
    settings.REMINDER_EMAIL_GROUP = 100
    assert queries_for(90, batch_size=90) == PER_BATCH + PER_RUN


def test_each_further_group_of_emails_costs_three_queries(settings):
    settings.REMINDER_EMAIL_GROUP = 10
    # One batch of 30: 3 groups of emails instead of 1 (claim, read, mark sent).
    assert queries_for(30, batch_size=30) == PER_BATCH + 2 * 3 + PER_RUN


def test_each_person_gets_one_digest_with_all_their_reminders(settings):
    settings.REMINDER_EMAIL_GROUP = 7
    users = people_with_reminders(25, per_person=3)
    NotificationPreference.objects.create(user=users[3], email_digest=False)
    run = services.reminder_digests_send(today=TODAY, batch_size=10)
    assert run.digests == 25 and run.reminders_sent == 75 and run.emailed == 24
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users if u != users[3])
    assert all(m.body.count("Your reflective supervision is due") == 3 for m in mail.outbox)
    assert all('href="http://' in m.alternatives[0][0] for m in mail.outbox)
    assert set(ReminderDigest.objects.values_list("reminder_count", flat=True)) == {3}
    off = ReminderDigest.objects.get(recipient=users[3])
    assert off.emailed_at is None and not off.email_pending
    assert not ReminderDigest.objects.filter(email_pending=True).exists()
    assert not Reminder.objects.filter(digest__isnull=True).exists()
    # The same day again: nothing more.
    again = services.reminder_digests_send(today=TODAY, batch_size=10)
    assert again.digests == again.emailed == 0 and len(mail.outbox) == 24


class FailOnce:
    """Raises on the Nth statement that contains ``marker``, once."""

    def __init__(self, marker: str, nth: int):
        self.marker, self.nth, self.seen = marker, nth, 0

    def __call__(self, execute, sql, params, many, context):
        if self.marker in sql:
            self.seen += 1
            if self.seen == self.nth:
                raise RuntimeError("the database went away")
        return execute(sql, params, many, context)


def test_a_batch_failing_midway_leaves_no_partial_digest_and_a_rerun_completes_it(caplog):
    users = people_with_reminders(60)
    # The second batch fails after inserting its digests, while marking its reminders.
    with connection.execute_wrapper(FailOnce('UPDATE "supervision_reminder" AS reminder', 2)):
        run = services.reminder_digests_send(today=TODAY, batch_size=30)
    assert run.digests == 30 and run.failed == 30 and run.emailed == 30
    assert "Could not record the reminder digests" in caplog.text
    first, second = users[:30], users[30:]
    assert ReminderDigest.objects.filter(recipient__in=first).count() == 30
    assert not ReminderDigest.objects.filter(recipient__in=second).exists()
    assert not Reminder.objects.filter(recipient__in=second, digest__isnull=False).exists()
    assert {m.to[0] for m in mail.outbox} == {u.email for u in first}

    rerun = services.reminder_digests_send(today=TODAY, batch_size=30)
    assert rerun.digests == 30 and rerun.failed == 0 and rerun.emailed == 30
    assert ReminderDigest.objects.count() == 60
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)


class BrokenMail:
    def __init__(self):
        self.sent = 0

    def open(self):
        return False

    def send_messages(self, messages):
        raise OSError("mail server refused the connection")

    def close(self):
        pass


def test_emails_that_could_not_go_wait_for_the_next_run(monkeypatch, caplog):
    people_with_reminders(12)
    monkeypatch.setattr(services, "get_connection", lambda **kwargs: BrokenMail())
    run = services.reminder_digests_send(today=TODAY, batch_size=5)
    assert run.digests == 12 and run.emailed == 0 and run.failed > 0
    assert "Could not email" in caplog.text
    assert ReminderDigest.objects.filter(email_pending=True, emailed_at=None).count() == 12
    monkeypatch.undo()

    # The next run records nothing new and sends the recorded digests, once each.
    rerun = services.reminder_digests_send(today=TODAY, batch_size=5)
    assert rerun.digests == 0 and rerun.emailed == 12 and rerun.failed == 0
    assert len(mail.outbox) == 12
    assert not ReminderDigest.objects.filter(email_pending=True).exists()
    assert not Reminder.objects.filter(emailed_at=None).exists()


def test_a_reminder_dismissed_meanwhile_is_not_carried():
    (user,) = people_with_reminders(1, per_person=2)
    dismissed = Reminder.objects.filter(recipient=user).first()

    def dismiss_before_the_digest(execute, sql, params, many, context):
        # Read as pending by the batch, dismissed before its digest marks it.
        if sql.lstrip().startswith('INSERT INTO "supervision_reminderdigest"'):
            Reminder.objects.filter(pk=dismissed.pk).update(dismissed_at=dt.datetime.now(dt.UTC))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(dismiss_before_the_digest):
        run = services.reminder_digests_send(today=TODAY)
    digest = ReminderDigest.objects.get(recipient=user)
    assert run.reminders_sent == 1 and digest.reminder_count == 1
    assert list(digest.reminders.all()) == list(Reminder.objects.exclude(pk=dismissed.pk))
    (email,) = mail.outbox
    assert email.subject.startswith("Launchpad: 1 reminder for")
