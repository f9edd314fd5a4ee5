"""Cadence: when each kind of supervision is next due, and whether CPD is on pace.

Plain functions over plain values: no ORM, no clock. Callers load the programme's
cadence rules and a person's last sessions (``supervision.queries``) and pass "today"
in, so every rule here is tested with a table of dates (tests/supervision/test_cadence.py).

Everything is in calendar dates (Europe/London's, from ``timezone.localdate()``), so
month ends, leap years and the clocks changing need no special handling: a week is
seven dates whatever happens to the hour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

# Something is "due soon" in the week before it is due, or in the last half of the
# interval for shorter cadences (a weekly one would otherwise be "due soon" the day
# after every session).
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class Rule:
    """How often a supervision type is due for a period of a person's time in post.

    Mirrors ``commissioning.CadenceRule``: weeks are counted from the start date, the
    period runs from ``from_week`` up to (not including) ``to_week``.
    """

    supervision_type: str
    interval_days: int
    newly_qualified: bool = False
    from_week: int = 0
    to_week: int | None = None

    def covers(self, week: int) -> bool:
        return self.from_week <= week and (self.to_week is None or week < self.to_week)


class Status(StrEnum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {"on_track": "On track", "due_soon": "Due soon", "overdue": "Overdue"}[self.value]


@dataclass(frozen=True)
class Cadence:
    """One person's position for one supervision type."""

    supervision_type: str
    last: date | None
    next_due: date
    interval_days: int
    status: Status

    @property
    def within_cadence(self) -> bool:
        return self.status is not Status.OVERDUE

    def days_overdue(self, today: date) -> int:
        return max(0, (today - self.next_due).days)


def weeks_in_post(start_date: date, on: date) -> int:
    """Whole weeks from the start date to ``on`` (0 in the first week, and before it)."""
    return max(0, (on - start_date).days // 7)


def rule_for(
    rules: list[Rule], supervision_type: str, *, newly_qualified: bool, start_date: date, on: date
) -> Rule | None:
    """The rule in force on ``on``. Newly qualified staff follow their own schedule where
    the standards give one for the type (and the all-staff one after it ends)."""
    week = weeks_in_post(start_date, on)
    of_type = [r for r in rules if r.supervision_type == supervision_type]
    if newly_qualified:
        matching = [r for r in of_type if r.newly_qualified and r.covers(week)]
        if matching:
            return max(matching, key=lambda r: r.from_week)
    matching = [r for r in of_type if not r.newly_qualified and r.covers(week)]
    return max(matching, key=lambda r: r.from_week) if matching else None


def types_with_rules(rules: list[Rule]) -> list[str]:
    """Supervision types the standards set a cadence for, in a stable order."""
    return sorted({r.supervision_type for r in rules})


def next_due(
    rules: list[Rule],
    supervision_type: str,
    *,
    newly_qualified: bool,
    start_date: date,
    last: date | None,
    expected_from: date | None = None,
) -> tuple[date, int] | None:
    """When the type is next due, and the interval that set it; None if no rule applies.

    After a session, the next is due one interval later, using the interval in force on
    the day of that session (so a newly qualified worker's fortnightly session in week 25
    sets the next one a fortnight on, not a month). With no session yet, the first is due
    one interval after the later of their start date and ``expected_from`` (when the
    programme's standards began to apply).
    """
    basis = last
    if basis is None:
        basis = max(start_date, expected_from) if expected_from else start_date
    rule = rule_for(
        rules, supervision_type, newly_qualified=newly_qualified, start_date=start_date, on=basis
    )
    if rule is None:
        return None
    return basis + timedelta(days=rule.interval_days), rule.interval_days


def status_of(next_due_on: date, interval_days: int, today: date) -> Status:
    if today > next_due_on:
        return Status.OVERDUE
    window = min(DUE_SOON_DAYS, interval_days // 2)
    if (next_due_on - today).days <= window:
        return Status.DUE_SOON
    return Status.ON_TRACK


def cadence_for(
    rules: list[Rule],
    supervision_type: str,
    *,
    newly_qualified: bool,
    start_date: date,
    last: date | None,
    today: date,
    expected_from: date | None = None,
) -> Cadence | None:
    """A person's cadence for one type on ``today``: last, next due and status."""
    due = next_due(
        rules,
        supervision_type,
        newly_qualified=newly_qualified,
        start_date=start_date,
        last=last,
        expected_from=expected_from,
    )
    if due is None:
        return None
    due_on, interval = due
    return Cadence(supervision_type, last, due_on, interval, status_of(due_on, interval, today))


# --- CPD pace ------------------------------------------------------------------------------


# Nobody is behind on CPD in the first month of the registration year or of their job.
PACE_GRACE_DAYS = 30


@dataclass(frozen=True)
class CpdTargets:
    hours: int
    pieces: int
    peer_pieces: int


@dataclass(frozen=True)
class CpdPace:
    hours: Decimal
    pieces: int
    peer_pieces: int
    targets: CpdTargets
    expected_hours: Decimal  # by today, pro rata
    expected_pieces: int
    expected_peer_pieces: int
    year_start: date
    year_end: date

    @property
    def hours_on_pace(self) -> bool:
        return self.hours >= self.expected_hours

    @property
    def pieces_on_pace(self) -> bool:
        return self.pieces >= self.expected_pieces and self.peer_pieces >= self.expected_peer_pieces

    @property
    def on_pace(self) -> bool:
        return self.hours_on_pace and self.pieces_on_pace

    @property
    def hours_percent(self) -> int:
        if not self.targets.hours:
            return 100
        return min(100, int(self.hours * 100 / self.targets.hours))


def cpd_pace(
    *,
    hours: Decimal | int,
    pieces: int,
    peer_pieces: int,
    targets: CpdTargets,
    year_start: date,
    year_end: date,
    today: date,
    start_date: date | None = None,
) -> CpdPace:
    """Whether a person's CPD this registration year keeps pace with the standard.

    By today they should have done the share of the target that matches the time gone,
    after a month's grace (nobody is behind in the first month of the year, or of their
    time in post), reaching the whole target on the year's last day. Someone who started
    during the year has a target pro rata to the part of the year they are in post.
    Pieces are whole things, so their expectation is rounded down.
    """
    year_days = (year_end - year_start).days + 1
    begins = max(year_start, start_date) if start_date else year_start
    period_days = (year_end - begins).days + 1
    if period_days <= 0:
        fraction, in_post = Decimal(0), Decimal(0)
    else:
        in_post = Decimal(period_days) / Decimal(year_days)
        elapsed = (min(today, year_end) - begins).days + 1 - PACE_GRACE_DAYS
        fraction = Decimal(max(0, elapsed)) / Decimal(max(1, period_days - PACE_GRACE_DAYS))
        fraction = min(Decimal(1), fraction)
    share_of_target = in_post * fraction
    return CpdPace(
        hours=Decimal(hours),
        pieces=pieces,
        peer_pieces=peer_pieces,
        targets=targets,
        expected_hours=(Decimal(targets.hours) * share_of_target).quantize(Decimal("0.1")),
        expected_pieces=math.floor(targets.pieces * share_of_target),
        expected_peer_pieces=math.floor(targets.peer_pieces * share_of_target),
        year_start=year_start,
        year_end=year_end,
    )


def registration_year(today: date) -> tuple[date, date]:
    """Social Work England's registration year: 1 December to 30 November."""
    start_year = today.year if today.month == 12 else today.year - 1
    return date(start_year, 12, 1), date(start_year + 1, 11, 30)


# --- Small-number suppression ----------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A share of people, or the reason it is not shown.

    Built only through ``share``, so no figure about fewer people than the threshold can
    leave the query layer with its numbers in it.
    """

    label: str
    numerator: int | None
    denominator: int | None
    suppressed_reason: str = ""
    empty: bool = False  # nobody to count: nothing hidden, nothing to show

    @property
    def suppressed(self) -> bool:
        return bool(self.suppressed_reason)

    @property
    def percent(self) -> int | None:
        if self.suppressed or not self.denominator or self.numerator is None:
            return None
        return round(self.numerator * 100 / self.denominator)

    def hidden(self, reason: str) -> Figure:
        return Figure(self.label, None, None, reason)


def share(label: str, numerator: int, denominator: int, *, threshold: int) -> Figure:
    """``numerator`` of ``denominator`` people, suppressed below ``threshold`` people."""
    if denominator == 0:
        return Figure(label, None, None, "No one this applies to yet.", empty=True)
    if denominator < threshold:
        return Figure(
            label,
            None,
            None,
            f"Not shown: fewer than {threshold} people, who could be identified.",
        )
    return Figure(label, numerator, denominator)


COMPLEMENTARY_REASON = "Also not shown, so a hidden figure cannot be worked out from the total."


def suppress_complementary(figures: list[Figure], denominators: list[int]) -> list[Figure]:
    """When exactly one figure in a column that has a visible total is hidden, hide the
    next smallest too: otherwise the total minus the others gives the hidden one away.

    ``denominators`` are the true sizes behind each figure (0 where nobody applies).
    """
    hidden = [
        i for i, f in enumerate(figures) if f.suppressed and denominators[i] > 0
    ]  # a figure hidden for having no one in it gives nothing away
    if len(hidden) != 1:
        return figures
    candidates = [i for i, f in enumerate(figures) if not f.suppressed and denominators[i] > 0]
    if not candidates:
        return figures
    smallest = min(candidates, key=lambda i: (denominators[i], i))
    result = list(figures)
    result[smallest] = figures[smallest].hidden(COMPLEMENTARY_REASON)
    return result
