"""Writes for supervision, CPD and reminders. Each refuses with a ValidationError whose
message a person can act on (or PermissionDenied where they may see but not change), and
changes nothing when it refuses."""

from __future__ import annotations

import logging
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice, repeat

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape as html_escape

from cohorts.models import StaffMember
from commissioning.models import Resource, SupervisionType

from .models import (
    CpdActivity,
    NotificationPreference,
    Reminder,
    ReminderDigest,
    SupervisionSession,
)
from .reminders import Due, everything_due

logger = logging.getLogger(__name__)

MIN_MINUTES, MAX_MINUTES = 5, 480
MAX_CPD_HOURS = Decimal(200)


# --- Supervision -------------------------------------------------------------------------------


def supervision_session_record(
    *,
    supervisee: StaffMember,
    logged_by: User,
    supervision_type: str,
    held_on: date,
    minutes: int,
    supervisor: StaffMember | None = None,
    external_supervisor: str = "",
    reflective_percent: int = 50,
    wellbeing_checked: bool = False,
    vicarious_trauma_concern: str = SupervisionSession.Concern.NONE,
    notes: str = "",
    today: date | None = None,
) -> SupervisionSession:
    """Record a supervision session a person received.

    A significant vicarious-trauma concern prompts the supervisor the same day: the
    reminder is recorded with the session (so it shows in their notifications at once,
    broker or not) and an email is queued once the session is saved.
    """
    today = today or timezone.localdate()
    external_supervisor = external_supervisor.strip()
    if supervision_type not in SupervisionType.values:
        raise ValidationError("Choose the type of supervision.")
    if held_on > today:
        raise ValidationError(
            "The session date is in the future. Log a session once it has happened."
        )
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ValidationError(
            f"Enter a length from {MIN_MINUTES} minutes to 8 hours ({MAX_MINUTES} minutes)."
        )
    if supervisor is not None and supervisor.pk == supervisee.pk:
        raise ValidationError("You cannot supervise yourself. Choose who supervised you.")
    if supervisor is None and not external_supervisor:
        raise ValidationError("Say who supervised you: choose someone or name them.")
    if supervisor is not None and external_supervisor:
        raise ValidationError("Choose a supervisor or name one from outside, not both.")
    if not 0 <= reflective_percent <= 100:
        raise ValidationError("Choose how the time was split between reflection and tasks.")
    if vicarious_trauma_concern not in SupervisionSession.Concern.values:
        raise ValidationError("Choose the level of vicarious-trauma concern.")

    with transaction.atomic():
        session = SupervisionSession.objects.create(
            supervisee=supervisee,
            supervisor=supervisor,
            external_supervisor=external_supervisor,
            held_on=held_on,
            minutes=minutes,
            supervision_type=supervision_type,
            reflective_percent=reflective_percent,
            wellbeing_checked=wellbeing_checked,
            vicarious_trauma_concern=vicarious_trauma_concern,
            notes=notes.strip(),
            logged_by=logged_by,
        )
        # Reminders about this kind of supervision for this person are answered.
        Reminder.objects.filter(
            item_key=f"supervision:{supervision_type}:{supervisee.pk}",
            kind__in=[
                Reminder.Kind.SUPERVISION_DUE,
                Reminder.Kind.SUPERVISION_OVERDUE,
                Reminder.Kind.COACHING_DUE,
            ],
            dismissed_at__isnull=True,
        ).update(dismissed_at=timezone.now())
        if vicarious_trauma_concern == SupervisionSession.Concern.HIGH:
            prompt = _concern_prompt(session, today)
            if prompt is not None:
                transaction.on_commit(lambda: _queue_prompt_email(prompt.pk))
    return session


def _concern_prompt(session: SupervisionSession, today: date) -> Reminder | None:
    """The same-day prompt for a significant concern: to the supervisor, or (for an
    external supervisor, who has no login) to the supervisee's line manager, who sees no
    more of the session than that a concern was raised."""
    supervisee = session.supervisee
    if session.supervisor is not None and session.supervisor.user_id:
        recipient_id = session.supervisor.user_id
        url = reverse("supervision:session_detail", kwargs={"pk": session.pk})
        message = (
            f"{supervisee.full_name} marked a significant vicarious-trauma concern in "
            f"supervision with you on {session.held_on:%d/%m/%Y}. Please check in with "
            "them today."
        )
    elif supervisee.line_manager is not None and supervisee.line_manager.user_id:
        recipient_id = supervisee.line_manager.user_id
        url = reverse("supervision:team")
        message = (
            f"{supervisee.full_name} marked a significant vicarious-trauma concern after "
            f"{session.get_supervision_type_display().lower()} supervision on "
            f"{session.held_on:%d/%m/%Y}. Please check in with them today."
        )
    else:
        return None
    reminder, _ = Reminder.objects.get_or_create(
        recipient_id=recipient_id,
        kind=Reminder.Kind.CONCERN,
        item_key=f"concern:{session.pk}",
        due_period=today.isoformat(),
        defaults={"message": message, "url": url},
    )
    return reminder


def _queue_prompt_email(reminder_id: int) -> None:
    """Queue the prompt email. A broker outage must not break the page: the prompt is
    already in the supervisor's notifications, and the next daily digest emails it."""
    from .tasks import reminder_prompt_send

    try:
        reminder_prompt_send.apply_async((reminder_id,), retry=False)
    except Exception:  # kombu raises many transport-specific errors
        logger.exception(
            "Could not queue the email for concern reminder %s; it stays in the "
            "recipient's notifications and the next daily digest will email it.",
            reminder_id,
        )


def supervision_session_affirm(*, session: SupervisionSession, by: User) -> SupervisionSession:
    """The supervisor confirms a session their supervisee logged.

    Only the named supervisor can confirm (the supervisee may see the session but not
    confirm it: PermissionDenied). Confirming also closes the concern prompt, if any.
    """
    if session.supervisor is None or session.supervisor.user_id != by.pk:
        raise PermissionDenied("Only the supervisor named on the session can confirm it.")
    with transaction.atomic():
        locked = SupervisionSession.objects.select_for_update().get(pk=session.pk)
        if locked.affirmed_at is not None:
            confirmed_on = timezone.localtime(locked.affirmed_at)
            raise ValidationError(f"This session was already confirmed on {confirmed_on:%d/%m/%Y}.")
        locked.affirmed_at = timezone.now()
        locked.affirmed_by = by
        locked.save(update_fields=["affirmed_at", "affirmed_by"])  # audited
        Reminder.objects.filter(
            recipient=by,
            kind=Reminder.Kind.CONCERN,
            item_key=f"concern:{session.pk}",
            dismissed_at__isnull=True,
        ).update(dismissed_at=locked.affirmed_at)
    return locked


# --- CPD -----------------------------------------------------------------------------------------


def cpd_activity_record(
    *,
    staff: StaffMember,
    kind: str,
    title: str,
    done_on: date,
    hours: Decimal,
    learning: str = "",
    impact: str = "",
    peer_reflection: bool = False,
    resource: Resource | None = None,
    link_outdated_resource: bool = False,
    today: date | None = None,
) -> CpdActivity:
    """Record a CPD activity. A resource past its review date is only linked when the
    person has seen the warning and chosen to link it anyway."""
    today = today or timezone.localdate()
    title = title.strip()
    if kind not in CpdActivity.Kind.values:
        raise ValidationError("Choose the type of activity.")
    if not title:
        raise ValidationError("Give the activity a title.")
    if done_on > today:
        raise ValidationError("The date is in the future. Record CPD once you have done it.")
    if hours <= 0:
        raise ValidationError("Enter the hours it took: more than 0.")
    if hours > MAX_CPD_HOURS:
        raise ValidationError(f"Enter no more than {MAX_CPD_HOURS} hours for one activity.")
    if resource is not None and resource.is_outdated(today) and not link_outdated_resource:
        raise ValidationError(
            f"“{resource.title}” is past its review date ({resource.review_by:%d/%m/%Y}), so "
            "it may be out of date. Tick the box to link it anyway, or choose another."
        )
    return CpdActivity.objects.create(
        staff=staff,
        kind=kind,
        title=title,
        done_on=done_on,
        hours=hours,
        learning=learning.strip(),
        impact=impact.strip(),
        peer_reflection=peer_reflection,
        resource=resource,
    )


# --- Notifications -------------------------------------------------------------------------------


def reminder_dismiss(*, reminder: Reminder, by: User) -> Reminder:
    if reminder.recipient_id != by.pk:
        raise PermissionDenied("Only the person reminded can dismiss a reminder.")
    if reminder.dismissed_at is None:
        reminder.dismissed_at = timezone.now()
        reminder.save(update_fields=["dismissed_at"])
    return reminder


def notification_preference_set(*, user: User, email_digest: bool) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_digest": email_digest}
    )
    return preference


# --- The daily run -------------------------------------------------------------------------------


@dataclass
class DailyRun:
    day: date
    offered: int = 0  # reminders the sources found (new or already recorded)
    digests: int = 0
    emailed: int = 0
    reminders_sent: int = 0
    failed: int = 0

    def as_dict(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "offered": self.offered,
            "digests": self.digests,
            "emailed": self.emailed,
            "reminders_sent": self.reminders_sent,
            "failed": self.failed,
        }


def reminders_record(*, due: Iterable[Due], now: datetime | None = None) -> int:
    """Record reminders, once per recipient, item and due period.

    The database's unique constraint decides what is new (INSERT … ON CONFLICT DO
    NOTHING), so a second run, a retried task or two runs at once record each only once.
    One statement per ``RECORD_CHUNK`` reminders, each column sent as one array (fewer
    parameters to bind than a row of values per reminder). Returns how many were offered.
    """
    now = now or timezone.now()
    offered = inserted = 0
    items = iter(due)
    table = connection.ops.quote_name(Reminder._meta.db_table)
    while chunk := list(islice(items, RECORD_CHUNK)):
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {table} (recipient_id, kind, item_key, due_period, message, url,
                    created)
                SELECT due.*, %s FROM unnest(%s::integer[], %s::text[], %s::text[],
                    %s::text[], %s::text[], %s::text[])
                    AS due(recipient_id, kind, item_key, due_period, message, url)
                ON CONFLICT (recipient_id, kind, item_key, due_period) DO NOTHING
                """,
                [
                    now,
                    [d.recipient_id for d in chunk],
                    [d.kind for d in chunk],
                    # Cut to the columns' lengths, as Due.as_reminder does.
                    [d.item_key[:100] for d in chunk],
                    [d.due_period[:20] for d in chunk],
                    [d.message[:300] for d in chunk],
                    [d.url[:300] for d in chunk],
                ],
            )
            inserted += cursor.rowcount
        offered += len(chunk)
    if inserted >= ANALYZE_AFTER:
        # Many new rows (the first run of a day, or ever): let the planner see them before
        # the digest step reads them by batch, or it can choose to scan the whole table.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    return offered


RECORD_CHUNK = 5000
ANALYZE_AFTER = 20_000


def reminders_run_daily(*, today: date | None = None) -> DailyRun:
    """Find everything due, record it, and send each person one digest."""
    today = today or timezone.localdate()
    now = timezone.now()
    run = DailyRun(day=today)
    run.offered = reminders_record(due=everything_due(today), now=now)
    reminder_digests_send(today=today, now=now, run=run)
    logger.info("Daily reminders for %s: %s", today, run.as_dict())
    return run


def _pending() -> QuerySet[Reminder]:
    """Reminders no digest or email has carried yet."""
    return Reminder.objects.filter(
        digest__isnull=True, emailed_at__isnull=True, dismissed_at__isnull=True
    )


# Recipients per batch: each batch's digests are recorded in one transaction.
DIGEST_BATCH = 1000


def reminder_digests_send(
    *,
    today: date,
    now: datetime | None = None,
    run: DailyRun | None = None,
    batch_size: int = DIGEST_BATCH,
) -> DailyRun:
    """Send each person with new reminders one digest for ``today``.

    Recipients are taken in batches of ``batch_size`` in order of their id, and each
    batch costs a fixed number of queries whatever its size:

    1. Record (one transaction): insert the batch's digests with one ``INSERT … ON
       CONFLICT DO NOTHING RETURNING`` (unique per person and day) and mark their pending
       reminders as carried by them with one ``UPDATE``. A batch that fails leaves
       nothing behind and the next run records it; two runs at once meet at the digest's
       unique index, where the second waits for the first and records nobody twice.
    2. Email (``_digest_emails_send``): digests recorded for people who want email wait
       with ``email_pending`` set; the batch's new ones are claimed by id a group at a
       time with row locks (``SKIP LOCKED``, so two runs never send one twice), sent over
       one mail connection and marked sent in the same transaction. After the last
       batch, a sweep sends any of today's still pending (an earlier run's).

    A worker that dies between the two steps, or mid-group, leaves digests whose email is
    pending; the rerun (acks late) sends them. The window for a duplicate email is the
    group the mail server had taken when the worker died (``REMINDER_EMAIL_GROUP``).
    """
    now = now or timezone.now()
    run = run or DailyRun(day=today)
    preference = NotificationPreference.objects.filter(user_id=OuterRef("pk")).values(
        "email_digest"
    )[:1]
    # Who has something pending, in order, straight from the pending reminders' index (a
    # semi-join from users would read every pending reminder for every batch).
    pending_for = (
        _pending().order_by("recipient_id").values_list("recipient_id", flat=True).distinct()
    )
    mail = get_connection(fail_silently=False)
    after = 0
    try:
        while ids := list(pending_for.filter(recipient_id__gt=after)[:batch_size]):
            batch = list(
                User.objects.filter(pk__in=ids, is_active=True)
                .annotate(wants_email=Coalesce(Subquery(preference), Value(True)))
                .order_by("pk")
                .values_list("pk", "wants_email", "email")
            )
            to_email: list[int] = []
            try:
                if batch:
                    to_email = _digests_record(batch, today=today, now=now, run=run)
            except Exception:
                logger.exception(
                    "Could not record the reminder digests of users %s to %s; the next run will.",
                    ids[0],
                    ids[-1],
                )
                run.failed += len(batch)
            _digest_emails_send(today=today, now=now, run=run, mail=mail, digest_ids=to_email)
            after = ids[-1]
        # Emails an earlier run recorded but did not get to send (its worker died).
        _digest_emails_send(today=today, now=now, run=run, mail=mail)
    finally:
        mail.close()
    return run


def _digests_record(
    batch: list[tuple[int, bool, str]], *, today: date, now: datetime, run: DailyRun
) -> list[int]:
    """Step 1 for one batch of (user id, wants email, email address): three queries.
    Returns the new digests that go by email, in order of recipient."""
    expected: dict[int, list[int]] = {}
    for pk, recipient_id in (
        _pending()
        .filter(recipient_id__in=[user_id for user_id, _, _ in batch])
        .order_by("recipient_id", "pk")
        .values_list("pk", "recipient_id")
    ):
        expected.setdefault(recipient_id, []).append(pk)
    people = [(user_id, bool(wants) and bool(email)) for user_id, wants, email in batch]
    people = [(user_id, emailed) for user_id, emailed in people if user_id in expected]
    if not people:
        return []
    digest_table = connection.ops.quote_name(ReminderDigest._meta.db_table)
    reminder_table = connection.ops.quote_name(Reminder._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {digest_table}
                (recipient_id, day, created, reminder_count, emailed_at, email_pending)
            SELECT person.user_id, %s, %s, person.reminders, NULL, person.emailed
            FROM unnest(%s::bigint[], %s::integer[], %s::boolean[])
                AS person(user_id, reminders, emailed)
            ON CONFLICT (recipient_id, day) DO NOTHING
            RETURNING id, recipient_id
            """,
            [
                today,
                now,
                [user_id for user_id, _ in people],
                [len(expected[user_id]) for user_id, _ in people],
                [emailed for _, emailed in people],
            ],
        )
        # People without a new digest already have today's (another run recorded it).
        digest_of = {recipient_id: digest_id for digest_id, recipient_id in cursor.fetchall()}
        if not digest_of:
            return []
        emailed = dict(people)
        reminder_ids, digest_ids, by_email = [], [], []
        for recipient_id, digest_id in digest_of.items():
            reminder_ids += expected[recipient_id]
            digest_ids += [digest_id] * len(expected[recipient_id])
            by_email += [emailed[recipient_id]] * len(expected[recipient_id])
        # Reminders going by email carry the digest's time (its email is sent next, or by
        # the next run if this one dies first).
        cursor.execute(
            f"""
            UPDATE {reminder_table} AS reminder SET digest_id = marked.digest_id,
                emailed_at = CASE WHEN marked.by_email THEN %s::timestamptz END
            FROM unnest(%s::bigint[], %s::bigint[], %s::boolean[])
                AS marked(reminder_id, digest_id, by_email)
            WHERE reminder.id = marked.reminder_id AND reminder.digest_id IS NULL
                AND reminder.emailed_at IS NULL AND reminder.dismissed_at IS NULL
            RETURNING reminder.digest_id
            """,
            [now, reminder_ids, digest_ids, by_email],
        )
        carried = Counter(digest_id for (digest_id,) in cursor.fetchall())
        # A reminder emailed on its own or dismissed since it was read is not carried: the
        # digest counts what it carries, and a digest left carrying nothing goes.
        changed = {
            digest_id: carried[digest_id]
            for recipient_id, digest_id in digest_of.items()
            if carried[digest_id] != len(expected[recipient_id])
        }
        if changed:
            ReminderDigest.objects.filter(pk__in=[d for d, n in changed.items() if not n]).delete()
            for digest_id, count in changed.items():
                if count:
                    ReminderDigest.objects.filter(pk=digest_id).update(reminder_count=count)
    run.digests += len(digest_of) - sum(1 for n in changed.values() if not n)
    run.reminders_sent += sum(carried.values())
    emailed = dict(people)
    return [
        digest_id
        for recipient_id, digest_id in sorted(digest_of.items())
        if emailed[recipient_id] and changed.get(digest_id, 1)
    ]


def _digest_emails_send(
    *,
    today: date,
    now: datetime,
    run: DailyRun,
    mail,
    digest_ids: list[int] | None = None,
) -> None:
    """Step 2: send pending digest emails a group at a time, three queries a group: the
    digests ``digest_ids`` (found by primary key), or with none given every one of
    today's still pending (the sweep for what an earlier run left, by the partial index)."""
    group = max(1, settings.REMINDER_EMAIL_GROUP)
    waiting = ReminderDigest.objects.filter(day=today, email_pending=True)
    chunks: Iterator[list[int] | None]
    if digest_ids is None:
        chunks = repeat(None)  # until nothing is left
    else:
        chunks = (digest_ids[i : i + group] for i in range(0, len(digest_ids), group))
    for chunk in chunks:
        claim = waiting if chunk is None else waiting.filter(pk__in=chunk)
        with transaction.atomic():
            digests = list(
                claim.select_for_update(skip_locked=True, of=("self",))
                .order_by("recipient_id")
                .values_list(
                    "pk",
                    "recipient_id",
                    "recipient__email",
                    "recipient__first_name",
                    "recipient__last_name",
                    "recipient__username",
                    named=True,
                )[:group]
            )
            if not digests:
                if chunk is None:
                    return
                continue
            ids = [d.pk for d in digests]
            carried: dict[int, list] = {}
            for item in (
                Reminder.objects.filter(digest_id__in=ids)
                .order_by("recipient_id", "kind", "created", "pk")
                .values_list("digest_id", "message", "url", named=True)
            ):
                carried.setdefault(item.digest_id, []).append(item)
            messages = digest_emails(
                [
                    (
                        d.recipient__first_name
                        or f"{d.recipient__first_name} {d.recipient__last_name}".strip()
                        or d.recipient__username,
                        d.recipient__email,
                        carried.get(d.pk, []),
                    )
                    for d in digests
                ],
                today,
            )
            try:
                # Opens the connection the first time; later groups reuse it.
                mail.open()
                mail.send_messages(messages)
            except Exception:
                # Nothing is marked: the group stays pending for the next run.
                logger.exception(
                    "Could not email %s reminder digests (users %s to %s); will retry.",
                    len(digests),
                    digests[0].recipient_id,
                    digests[-1].recipient_id,
                )
                run.failed += len(digests)
                return
            ReminderDigest.objects.filter(pk__in=ids).update(email_pending=False, emailed_at=now)
        run.emailed += len(digests)


def absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url


# Markers a digest template is rendered with once, to learn its fixed text and where the
# name and each item go (letters only, so escaping leaves them alone).
NAME_MARK, MESSAGE_MARK, URL_MARK = "QQnameQQ", "QQmessageQQ", "QQurlQQ"
_MARKS = re.compile(f"({NAME_MARK}|{MESSAGE_MARK}|{URL_MARK})")


class DigestLayout:
    """A digest template rendered twice — with no items and with one item, markers standing
    in for the name, message and link — and cut into its fixed text and the part repeated
    per item. Filling the pieces in gives exactly what the template would render (tested
    against it), at a small fraction of the cost: a day's run renders 100,000 digests."""

    def __init__(self, template, context: dict, *, escape_values: bool):
        empty = template.render({**context, "name": NAME_MARK, "items": []})
        one = template.render({**context, "name": NAME_MARK, "items": [(MESSAGE_MARK, URL_MARK)]})
        start = len(os.path.commonprefix([empty, one]))
        end = len(os.path.commonprefix([empty[start:][::-1], one[start:][::-1]]))
        self.head = _MARKS.split(empty[:start])
        self.item = _MARKS.split(one[start : len(one) - end])
        self.tail = _MARKS.split(empty[start:])
        self.escape = html_escape if escape_values else str

    def _fill(self, pieces: list[str], values: dict[str, str]) -> str:
        return "".join(values[p] if p in values else p for p in pieces)

    def render(self, name: str, items: list[tuple[str, str]]) -> str:
        named = {NAME_MARK: self.escape(name)}
        body = [
            self._fill(self.item, {**named, MESSAGE_MARK: self.escape(m), URL_MARK: self.escape(u)})
            for m, u in items
        ]
        return self._fill(self.head, named) + "".join(body) + self._fill(self.tail, named)


def digest_emails(people: list[tuple[str, str, list]], today: date) -> list[EmailMultiAlternatives]:
    """Daily digests as plain-text and HTML emails, each item linking to its page: one for
    each (name, email address, reminders). The templates are rendered once for all
    (``DigestLayout``)."""
    notifications_url = absolute(reverse("supervision:notifications"))
    context = {"today": today, "notifications_url": notifications_url}
    text = DigestLayout(get_template("supervision/email/digest.txt"), context, escape_values=False)
    html = DigestLayout(get_template("supervision/email/digest.html"), context, escape_values=True)
    subject = f"Launchpad: %s for {today:%A} {today.day} {today:%B}"
    messages = []
    for name, address, reminders in people:
        items = [(r.message, absolute(r.url) if r.url else notifications_url) for r in reminders]
        count = len(reminders)
        message = EmailMultiAlternatives(
            subject=subject % f"{count} reminder{'s' if count != 1 else ''}",
            body=text.render(name, items),
            to=[address],
        )
        message.attach_alternative(html.render(name, items), "text/html")
        messages.append(message)
    return messages


def reminder_prompt_send(*, reminder_id: int) -> bool:
    """Email one reminder now (a significant concern's same-day prompt). The row lock and
    ``emailed_at`` make it send at most once however often the task runs."""
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(pk=reminder_id, emailed_at__isnull=True, dismissed_at__isnull=True)
            .first()
        )
        if reminder is None or not reminder.recipient.email or not reminder.recipient.is_active:
            return False
        preference = NotificationPreference.objects.filter(user=reminder.recipient).first()
        if preference is not None and not preference.email_digest:
            return False
        reminder.emailed_at = timezone.now()
        reminder.save(update_fields=["emailed_at"])
        context = {
            "name": reminder.recipient.first_name or reminder.recipient.username,
            "message": reminder.message,
            "url": absolute(reminder.url or reverse("supervision:notifications")),
            "notifications_url": absolute(reverse("supervision:notifications")),
        }
        email = EmailMultiAlternatives(
            subject="Launchpad: please check in with a colleague today",
            body=render_to_string("supervision/email/prompt.txt", context),
            to=[reminder.recipient.email],
        )
        email.attach_alternative(
            render_to_string("supervision/email/prompt.html", context), "text/html"
        )
        email.send()
    return True
