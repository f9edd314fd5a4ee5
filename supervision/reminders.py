"""What the daily reminder run looks for: the built-in sources, and the hook for others.

A *source* is a function of today's date that yields ``Due`` items: who should be
reminded, of what, for which due period. The daily run (``services.reminders_run_daily``)
records every item from every registered source once per recipient, item and due
period, then sends each person one digest.

Supervision registers its own sources below (supervision and coaching cadence, CPD
pace, resources due for review). Other apps add theirs with the same decorator from
their ``AppConfig.ready()``: that is the hook for measurement windows opening
(``Reminder.Kind.MEASURE_OPEN``) and fidelity reflections falling due
(``Reminder.Kind.FIDELITY_DUE``)::

    from supervision.reminders import Due, reminder_source

    @reminder_source
    def measure_windows_open(today):
        for response_due in ...:
            yield Due(recipient_id=..., kind=Reminder.Kind.MEASURE_OPEN,
                      item_key=f"measure:{point.pk}:{staff.pk}", due_period=closes.isoformat(),
                      message="...", url=reverse(...))

Keep sources to a fixed number of queries (batches, not a query per person): the run
covers the whole workforce every day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from commissioning.models import SupervisionType

from . import queries
from .cadence import Cadence, Status
from .models import Reminder

# People are read in batches of this many: one query each, and memory stays flat.
STAFF_BATCH = 2000
# Commissioners hear about a resource this many days before its review date.
RESOURCE_NOTICE_DAYS = 30


@dataclass(frozen=True)
class Due:
    """Something one person should be reminded of, once per due period."""

    recipient_id: int
    kind: str
    item_key: str
    due_period: str
    message: str
    url: str = ""

    def as_reminder(self, now=None) -> Reminder:
        return Reminder(
            recipient_id=self.recipient_id,
            kind=self.kind,
            item_key=self.item_key[:100],
            due_period=self.due_period[:20],
            message=self.message[:300],
            url=self.url[:300],
            created=now or timezone.now(),
        )


ReminderSource = Callable[[date], Iterable[Due]]
_SOURCES: dict[str, ReminderSource] = {}


def reminder_source(source: ReminderSource) -> ReminderSource:
    """Register a source with the daily run (registering the same one twice is harmless)."""
    _SOURCES[f"{source.__module__}.{source.__qualname__}"] = source
    return source


def registered_sources() -> list[ReminderSource]:
    return list(_SOURCES.values())


def everything_due(today: date) -> Iterator[Due]:
    for source in registered_sources():
        yield from source(today)


# --- Wording -------------------------------------------------------------------------------------


def hours_text(hours: Decimal) -> str:
    """12.0 → "12", 12.5 → "12.5"."""
    return f"{hours:.1f}".removesuffix(".0")


def what(supervision_type: str) -> str:
    if supervision_type == SupervisionType.COACHING:
        return "coaching"
    return f"{queries.TYPE_LABELS[supervision_type].lower()} supervision"


def when(position: Cadence) -> str:
    if position.status is Status.OVERDUE:
        return f"was due on {position.next_due:%d/%m/%Y}"
    return f"is due by {position.next_due:%d/%m/%Y}"


def url_for(name: str, **kwargs) -> str:
    """A page's address, or the home page while the page does not exist yet (the
    resource library belongs to another part of the product)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return reverse("home")


# --- Built-in sources ----------------------------------------------------------------------------


@reminder_source
def supervision_coaching_and_cpd(today: date) -> Iterator[Due]:
    """Each person's supervision and coaching that is due soon or overdue, and CPD that
    is behind pace; line managers also hear when a report's supervision is overdue."""
    year = queries.registration_year(today)
    standards = queries.standards_by_service()
    my_practice, team = url_for("supervision:my_practice"), url_for("supervision:team")
    record_cpd = url_for("supervision:cpd_record")
    after = 0
    while batch := queries.staff_for_reminders(after, STAFF_BATCH, year):
        for person in batch:
            position = queries.cadence_of(person, standards.get(person.service_id), today)
            # Annotations from staff_for_reminders: whose logins to remind, if active.
            own = person.user_id if getattr(person, "own_user_active", False) else None
            manager = (
                getattr(person, "manager_user_id", None)
                if getattr(person, "manager_user_active", False)
                else None
            )
            for c in position.cadences:
                if c.status is Status.ON_TRACK:
                    continue
                key = f"supervision:{c.supervision_type}:{person.pk}"
                if c.supervision_type == SupervisionType.COACHING:
                    kind = Reminder.Kind.COACHING_DUE
                elif c.status is Status.OVERDUE:
                    kind = Reminder.Kind.SUPERVISION_OVERDUE
                else:
                    kind = Reminder.Kind.SUPERVISION_DUE
                due_period = c.next_due.isoformat()
                if own:
                    message = f"Your {what(c.supervision_type)} {when(c)}."
                    yield Due(own, kind, key, due_period, message, my_practice)
                if manager and c.status is Status.OVERDUE:
                    message = f"{person.full_name}'s {what(c.supervision_type)} {when(c)}."
                    yield Due(manager, kind, key, due_period, message, team)
            pace = position.cpd
            if own and pace is not None and not pace.on_pace:
                message = (
                    f"Your CPD is behind pace: {hours_text(pace.hours)} of "
                    f"{pace.targets.hours} hours and {pace.pieces} of {pace.targets.pieces} "
                    f"pieces ({pace.peer_pieces} with peer reflection) so far this "
                    f"registration year, which ends on {pace.year_end:%d/%m/%Y}."
                )
                # Once a month at most while they stay behind.
                yield Due(
                    own,
                    Reminder.Kind.CPD_BEHIND,
                    f"cpd:{person.pk}",
                    f"{today:%Y-%m}",
                    message,
                    record_cpd,
                )
        after = batch[-1].pk


@reminder_source
def resources_for_review(today: date) -> Iterator[Due]:
    """Library resources nearing or past their review date, for the commissioners of the
    organisation that owns them."""
    library = url_for("commissioning:resource_list")
    for resource, commissioners in queries.resources_due_for_review(today, RESOURCE_NOTICE_DAYS):
        if resource.review_by < today:
            message = f"“{resource.title}” is past its review date ({resource.review_by:%d/%m/%Y})."
        else:
            message = f"“{resource.title}” is due for review by {resource.review_by:%d/%m/%Y}."
        for user_id in commissioners:
            yield Due(
                user_id,
                Reminder.Kind.RESOURCE_REVIEW,
                f"resource:{resource.pk}",
                resource.review_by.isoformat(),
                message,
                library,
            )
