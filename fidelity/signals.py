"""Early signals from fidelity checks, worded as prompts for support, never blame.

Three signals (DESIGN §2, fidelity):

- **Drift**: scores falling across consecutive checks by at least ``DRIFT_AMOUNT`` in
  total. For a person, their last ``DRIFT_CHECKS`` checks; for a team or service, its
  mean rating over the last ``DRIFT_CHECKS`` calendar quarters. The standards have no
  setting for this yet, so it is a constant here: half a point on the four-point scale
  is about the difference between "Often" and "Sometimes".
- **Overdue**: people who reflect (at least one check) whose last check is older than the
  programme's interval.
- **Recurring theme**: a challenge theme tagged on the checks of at least
  ``THEME_MIN_PEOPLE`` different people in a team within ``THEME_WINDOW_DAYS``.

A line manager sees signals about each of their reports (they may see their checks).
Everyone above sees signals about teams and services only, and only about groups of at
least the programme's threshold of people: smaller teams are folded into the service's
signals, and where that alone would let a small team's signal be worked out from the
service's, a further team is folded too (``core.disclosure.protect_parts``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Avg, Count, F, Max, Window
from django.db.models.functions import RowNumber, TruncQuarter
from django.utils import timezone

from cohorts.models import StaffMember
from commissioning.models import Standards
from core.disclosure import disclose, protect_parts
from core.figures import remembered

from .aggregates import Scope, last_quarters, scope_key
from .models import FidelityCheck

DRIFT_CHECKS = 3
DRIFT_AMOUNT = 0.5
THEME_WINDOW_DAYS = 91
THEME_MIN_PEOPLE = 2

DRIFT, OVERDUE, THEME = "drift", "overdue", "theme"


@dataclass(frozen=True)
class Signal:
    kind: str
    about: str  # who or which group it is about
    message: str  # what was noticed, and the support that may help


@dataclass
class SignalPanel:
    signals: list[Signal] = field(default_factory=list)
    folded: list[str] = field(default_factory=list)  # groups too small to signal alone
    total_label: str = ""
    threshold: int = 0


def falling(values: list[float]) -> bool:
    """``DRIFT_CHECKS`` values, oldest first, never rising and down by ``DRIFT_AMOUNT``."""
    if len(values) < DRIFT_CHECKS:
        return False
    recent = values[-DRIFT_CHECKS:]
    steady_fall = all(later <= earlier for earlier, later in zip(recent, recent[1:], strict=False))
    return steady_fall and recent[0] - recent[-1] >= DRIFT_AMOUNT - 1e-9


def _short(value: float) -> str:
    return f"{value:.1f}"


# --- For the line manager: their reports -----------------------------------------------------


def team_signals(line_manager_id: int, today: date | None = None) -> SignalPanel:
    """Signals about a line manager's reports, person by person and as a team (five
    queries). Only for the line manager, who may see their reports' checks."""
    today = today or timezone.localdate()
    checks = FidelityCheck.objects.filter(
        staff__line_manager_id=line_manager_id, staff__is_active=True
    ).order_by()
    panel = SignalPanel(total_label="your team")

    # Drift, per person: the last few checks' mean ratings.
    recent: dict[int, list[tuple[int, float]]] = defaultdict(list)
    names: dict[int, str] = {}
    for row in (
        checks.filter(mean_rating__isnull=False)
        .annotate(
            recency=Window(
                RowNumber(),
                partition_by=[F("staff_id")],
                order_by=[F("done_on").desc(), F("id").desc()],
            )
        )
        .filter(recency__lte=DRIFT_CHECKS)
        .values("staff_id", "staff__full_name", "mean_rating", "recency")
    ):
        recent[row["staff_id"]].append((row["recency"], row["mean_rating"]))
        names[row["staff_id"]] = row["staff__full_name"]
    for staff_id, pairs in sorted(recent.items(), key=lambda item: names[item[0]]):
        values = [mean for _, mean in sorted(pairs, reverse=True)]  # oldest first
        if falling(values):
            panel.signals.append(
                Signal(
                    DRIFT,
                    names[staff_id],
                    f"{names[staff_id]}'s reflection scores have eased over their last "
                    f"{DRIFT_CHECKS} checks ({_short(values[0])} to {_short(values[-1])}). "
                    "A supportive conversation in supervision may help.",
                )
            )

    # Overdue, per person who reflects: past the interval of their service's programme.
    reports = list(
        StaffMember.objects.filter(line_manager_id=line_manager_id, is_active=True)
        .annotate(last_check_on=Max("fidelity_checks__done_on"))
        .filter(last_check_on__isnull=False)
        .order_by("full_name")
    )
    intervals = _intervals_by_service({r.service_id for r in reports}) if reports else {}
    for person in reports:
        interval = intervals.get(person.service_id)
        if interval is None:
            continue
        due = person.last_check_on + timedelta(days=interval)
        if due < today:
            panel.signals.append(
                Signal(
                    OVERDUE,
                    person.full_name,
                    f"{person.full_name}'s last reflection was on "
                    f"{person.last_check_on:%d/%m/%Y} and the next was due on {due:%d/%m/%Y}. "
                    "A reminder, or doing it together in supervision, may help.",
                )
            )

    # As a team: drift by quarter, and themes that recur.
    quarters = last_quarters(today, DRIFT_CHECKS)
    by_quarter = {
        row["quarter"]: row["mean"]
        for row in checks.filter(done_on__gte=quarters[0], mean_rating__isnull=False)
        .annotate(quarter=TruncQuarter("done_on"))
        .values("quarter")
        .annotate(mean=Avg("mean_rating"))
    }
    means = [by_quarter[q] for q in quarters if q in by_quarter]
    if len(means) == DRIFT_CHECKS and falling(means):
        panel.signals.append(_team_drift("your team", means))
    for theme, people in _themes(checks, today, None).get(None, []):
        panel.signals.append(_theme_signal(theme, people, "your team"))
    return panel


def _intervals_by_service(service_ids: set[int]) -> dict[int, int]:
    """Service id → the reflection interval of the newest programme it takes part in that
    has standards (one query)."""
    intervals: dict[int, int] = {}
    for service_id, interval in (
        Standards.objects.filter(programme__participations__service_id__in=service_ids)
        .order_by("programme__participations__service_id", "-programme__start_date")
        .values_list("programme__participations__service_id", "fidelity_check_interval_days")
    ):
        intervals.setdefault(service_id, interval)
    return intervals


def _team_drift(label: str, means: list[float]) -> Signal:
    return Signal(
        DRIFT,
        label,
        f"Scores for reflections in {label} have fallen over the last {DRIFT_CHECKS} "
        f"quarters ({_short(means[0])} to {_short(means[-1])}). "
        "A team conversation may help.",
    )


def _theme_signal(theme: str, people: int, label: str) -> Signal:
    return Signal(
        THEME,
        label,
        f"“{theme}” came up in reflections from {people} people in {label} in the last "
        "three months. It may be worth talking through together.",
    )


def _themes(checks, today: date, group: str | None) -> dict[int | None, list[tuple[str, int]]]:
    """Themes on the checks of at least ``THEME_MIN_PEOPLE`` people in the window, per
    group (``group`` a field of the check's staff, or None for all together)."""
    through = FidelityCheck.themes.through
    tagged = through.objects.filter(
        fidelitycheck__in=checks.filter(done_on__gt=today - timedelta(days=THEME_WINDOW_DAYS))
    ).order_by()
    key = f"fidelitycheck__staff__{group}" if group else None
    fields = [key] if key else []
    found: dict[int | None, list[tuple[str, int]]] = defaultdict(list)
    for row in (
        tagged.values(*fields, "challengetheme__name")
        .annotate(people=Count("fidelitycheck__staff_id", distinct=True))
        .filter(people__gte=THEME_MIN_PEOPLE)
        .order_by(*fields, "-people", "challengetheme__name")
    ):
        found[row[key] if key else None].append((row["challengetheme__name"], row["people"]))
    return found


# --- Above the line manager: teams and services, never people --------------------------------


def scope_signals(scope: Scope, today: date | None = None) -> SignalPanel:
    """Signals per group of ``scope`` (teams of a service, or services of a programme) and
    for the whole, each only about at least the threshold of people (six queries; none
    while the data has not changed: ``core.figures``)."""
    today = today or timezone.localdate()
    return remembered(
        "fidelity_signals",
        scope_key(scope, today),
        lambda: _scope_signals(scope, today),
        services=scope.service_ids,
    )


def _scope_signals(scope: Scope, today: date) -> SignalPanel:
    group = scope.staff_field
    checks = scope.checks().order_by()
    threshold = scope.threshold
    panel = SignalPanel(total_label=scope.total_label, threshold=threshold)

    # Who reflects, per group, and who is past the interval since their last check.
    reflecting: dict[int | None, int] = defaultdict(int)
    overdue: dict[int | None, int] = defaultdict(int)
    cutoff = today - timedelta(days=scope.interval_days)
    for row in checks.values(f"staff__{group}", "staff_id").annotate(last=Max("done_on")):
        key = row[f"staff__{group}"]
        reflecting[key] += 1
        overdue[key] += row["last"] < cutoff
    everyone = sum(reflecting.values())

    # Which groups may be signalled about on their own: big enough, and not giving away
    # a small group by subtraction from the whole.
    sizes = [reflecting.get(g.key, 0) for g in scope.groups]
    shown = [disclose(True, n, threshold=threshold) for n in sizes]
    whole_shown = everyone >= threshold
    if whole_shown and scope.has_total:
        shown = protect_parts(shown, sizes, threshold=threshold)
    visible = [g for g, d in zip(scope.groups, shown, strict=True) if d.shown]
    panel.folded = [g.label for g, d in zip(scope.groups, shown, strict=True) if d.suppressed]

    # Drift: mean rating by quarter, each quarter about enough people.
    quarters = last_quarters(today, DRIFT_CHECKS)
    recent = (
        checks.filter(done_on__gte=quarters[0], mean_rating__isnull=False)
        .annotate(quarter=TruncQuarter("done_on"))
        .values("quarter")
    )
    people = Count("staff_id", distinct=True)
    by_group: dict[int | None, dict[date, tuple[float, int]]] = defaultdict(dict)
    for row in recent.values(f"staff__{group}", "quarter").annotate(
        mean=Avg("mean_rating"), people=people
    ):
        by_group[row[f"staff__{group}"]][_as_date(row["quarter"])] = (row["mean"], row["people"])
    whole_points = {
        _as_date(row["quarter"]): (row["mean"], row["people"])
        for row in recent.annotate(mean=Avg("mean_rating"), people=people)
    }
    themes_by_group = _themes(checks, today, group)
    themes_whole = _themes(checks, today, None).get(None, [])

    def drift_of(points: dict[date, tuple[float, int]]) -> list[float] | None:
        means = [points[q][0] for q in quarters if q in points and points[q][1] >= threshold]
        return means if len(means) == DRIFT_CHECKS and falling(means) else None

    # A team without a line manager (key None) is signalled about only within the whole.
    targets = [
        (g.label, by_group[g.key], themes_by_group[g.key], overdue[g.key], reflecting[g.key])
        for g in visible
        if g.key is not None
    ]
    if whole_shown and scope.has_total:
        targets.append(
            (scope.total_label, whole_points, themes_whole, sum(overdue.values()), everyone)
        )
    for label, points, themes, late, size in targets:
        means = drift_of(points)
        if means:
            panel.signals.append(_team_drift(label, means))
        if late:
            panel.signals.append(
                Signal(
                    OVERDUE,
                    label,
                    f"{late} of the {size} people who reflect in {label} are more than "
                    f"{scope.interval_days} days past their last reflection. Protecting a "
                    "little time for it, at a team meeting or in supervision, may help.",
                )
            )
        for theme, count in themes:
            panel.signals.append(_theme_signal(theme, count, label))
    return panel


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value
