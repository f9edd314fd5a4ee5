"""Fidelity aggregates for everyone above the line manager: per principle, over time, on
cadence, and the support that followed, with small-number suppression.

Service managers and commissioners never see a person's ratings or words (DESIGN §3):
these functions return only figures, each a ``core.disclosure.Disclosed`` built from
distinct people, so a figure about fewer people than the programme's threshold leaves
here without its number. Where a total is shown beside its parts, complementary
suppression hides enough further parts that the hidden one cannot be worked out.

Every figure is aggregated in SQL, in a fixed number of queries whatever the number of
checks (about ten per table set); the pages, the CSV files and later the PDF all read them
from here.
"""

from __future__ import annotations

import statistics
import string
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncDate, TruncQuarter
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cohorts.models import StaffMember
from commissioning.models import Participation, Programme, Service, Standards
from commissioning.queries import programmes_visible_to
from core.charts import Bar, Chart, Series, bar_chart, line_chart
from core.disclosure import Disclosed, disclose, protect_parts
from core.figures import remembered
from core.roles import roles_for

from .models import RATING_LABELS, FidelityCheck, FidelityRating, Principle, SupportAction

AnyUser = User | AnonymousUser

DEFAULT_THRESHOLD = 5  # the standards' default, for a programme without standards yet
DEFAULT_INTERVAL_DAYS = 90
TREND_QUARTERS = 4
NO_LINE_MANAGER = "No line manager recorded"


# --- Scopes: the columns of every table -----------------------------------------------------


@dataclass(frozen=True)
class Group:
    """One column: a team (keyed by line manager) or a service. ``key`` None is the total."""

    key: int | None
    label: str


@dataclass(frozen=True)
class Scope:
    """What a set of figures is about: one programme's checks by the staff of ``services``,
    in columns by ``group_by`` ("service" or "team")."""

    programme: Programme
    service_ids: tuple[int, ...]
    group_by: str
    groups: tuple[Group, ...]
    total_label: str
    threshold: int
    interval_days: int

    @property
    def staff_field(self) -> str:
        return "service_id" if self.group_by == "service" else "line_manager_id"

    def checks(self) -> QuerySet[FidelityCheck]:
        return FidelityCheck.objects.filter(
            tool__programme=self.programme, staff__service_id__in=self.service_ids
        )

    def ratings(self) -> QuerySet[FidelityRating]:
        return FidelityRating.objects.filter(
            check_record__tool__programme=self.programme,
            check_record__staff__service_id__in=self.service_ids,
        )

    def support_actions(self) -> QuerySet[SupportAction]:
        # Actions raised from this programme's checks, and those raised without a check
        # for its services' staff (a line manager may offer support unprompted).
        return SupportAction.objects.filter(staff__service_id__in=self.service_ids).filter(
            Q(check_record__tool__programme=self.programme) | Q(check_record__isnull=True)
        )

    @property
    def labels(self) -> list[str]:
        return [g.label for g in self.groups] + ([self.total_label] if self.has_total else [])

    @property
    def has_total(self) -> bool:
        return len(self.groups) != 1


def _standards(programme: Programme) -> tuple[int, int]:
    found = (
        Standards.objects.filter(programme=programme)
        .values_list("small_number_threshold", "fidelity_check_interval_days")
        .first()
    )
    return found if found else (DEFAULT_THRESHOLD, DEFAULT_INTERVAL_DAYS)


def programme_scope(
    programme: Programme, services: Iterable[Service] | None = None, total_label: str = ""
) -> Scope:
    """A programme's taking-part services as columns (``services`` narrows them, e.g. to a
    service manager's own), with the programme's threshold. Two queries."""
    threshold, interval = _standards(programme)
    taking_part = Service.objects.filter(participations__programme=programme)
    if services is not None:
        taking_part = taking_part.filter(pk__in=[s.pk for s in services])
    rows = list(taking_part.order_by("name", "pk").values_list("pk", "name").distinct())
    return Scope(
        programme=programme,
        service_ids=tuple(pk for pk, _ in rows),
        group_by="service",
        groups=tuple(Group(pk, name) for pk, name in rows),
        total_label=total_label or ("All services" if services is None else "These services"),
        threshold=threshold,
        interval_days=interval,
    )


def service_scope(programme: Programme, service: Service, *, name_teams: bool) -> Scope:
    """One service's teams as columns. A team is a line manager's reports; it is named after
    its line manager only for those who manage the service (``name_teams``): others see
    "Team A", "Team B", so no one is named above the service. Teams without checks in the
    programme are left out. Three queries."""
    threshold, interval = _standards(programme)
    checked = FidelityCheck.objects.filter(tool__programme=programme, staff__service=service)
    managers = list(
        StaffMember.objects.filter(pk__in=checked.values("staff__line_manager_id"))
        .order_by("full_name", "pk")
        .values_list("pk", "full_name")
    )
    letters = iter(string.ascii_uppercase * 4)
    groups = [
        Group(pk, f"{name}'s team" if name_teams else f"Team {next(letters)}")
        for pk, name in managers
    ]
    # Checks by people without a line manager still count in the service's figures.
    if checked.filter(staff__line_manager__isnull=True).exists():
        groups.append(Group(None, NO_LINE_MANAGER))
    return Scope(
        programme=programme,
        service_ids=(service.pk,),
        group_by="team",
        groups=tuple(groups),
        total_label=service.name,
        threshold=threshold,
        interval_days=interval,
    )


# --- The figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CadenceShare:
    on_cadence: int
    checks: int

    @property
    def percent(self) -> int:
        return round(self.on_cadence * 100 / self.checks) if self.checks else 0


@dataclass(frozen=True)
class ActionFigures:
    opened: int
    closed: int
    median_days_to_close: float | None

    @property
    def still_open(self) -> int:
        return self.opened - self.closed


@dataclass(frozen=True)
class Row:
    """One row of a table: a label and one figure per column (the total last)."""

    key: str
    label: str
    cells: list[Disclosed]


@dataclass(frozen=True)
class Aggregates:
    scope: Scope
    as_of: date
    principles: list[Row]
    trend: list[Row]  # one row per quarter, one cell (the whole scope)
    cadence: Row
    actions: Row

    @property
    def columns(self) -> list[str]:
        return self.scope.labels

    @property
    def threshold(self) -> int:
        return self.scope.threshold

    @cached_property  # asked once per figure by note_number: work it out once
    def notes(self) -> list[str]:
        """Each reason a figure is not shown, once, for the footnotes."""
        rows = [*self.principles, *self.trend, self.cadence, self.actions]
        return list(dict.fromkeys(c.reason for row in rows for c in row.cells if c.suppressed))

    def note_number(self, figure: Disclosed) -> int | None:
        return self.notes.index(figure.reason) + 1 if figure.suppressed else None

    @property
    def anything_suppressed(self) -> bool:
        return bool(self.notes)


@dataclass(frozen=True)
class RatingSum:
    """Ratings added up for some people: what a mean rating is made of.

    Every member of staff is in exactly one group (one service, or one line manager's
    team), so a total's sum, count and people are its groups' added together: the totals
    need no second pass over the ratings. The mean is the correctly rounded quotient,
    rounded to two places, as Django's ``Avg`` of whole numbers gives it (a float)."""

    total: int = 0
    ratings: int = 0
    people: int = 0

    @staticmethod
    def annotations() -> dict[str, Aggregate]:
        """What to annotate ratings grouped by something with, for ``of``."""
        return {
            "total": Sum("rating"),
            "ratings": Count("rating"),
            "people": Count("check_record__staff_id", distinct=True),
        }

    @classmethod
    def of(cls, row: Mapping[str, int]) -> RatingSum:
        return cls(row["total"], row["ratings"], row["people"])

    def __add__(self, other: RatingSum) -> RatingSum:
        return RatingSum(
            self.total + other.total, self.ratings + other.ratings, self.people + other.people
        )

    @property
    def figure(self) -> tuple[object, int]:
        """(mean rating to two places, people), as ``_cells`` takes it."""
        return round(self.total / self.ratings, 2), self.people


def _cells(
    scope: Scope,
    by_group: Mapping[int | None, tuple[object, int]],
    total: tuple[object, int] | None,
) -> list[Disclosed]:
    """Figures for each group and the total, suppressed below the threshold, with
    complementary suppression where the total is shown."""
    empty = (None, 0)
    sizes = [by_group.get(g.key, empty)[1] for g in scope.groups]
    parts = [
        disclose(by_group.get(g.key, empty)[0], people, threshold=scope.threshold)
        for g, people in zip(scope.groups, sizes, strict=True)
    ]
    if not scope.has_total:
        return parts
    whole = disclose(*(total or empty), threshold=scope.threshold)
    if whole.shown:
        parts = protect_parts(parts, sizes, threshold=scope.threshold)
    return [*parts, whole]


def _quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def last_quarters(today: date, count: int) -> list[date]:
    """The first days of the ``count`` calendar quarters ending with today's, oldest first."""
    index = today.year * 4 + (today.month - 1) // 3
    return [date((i // 4), (i % 4) * 3 + 1, 1) for i in range(index - count + 1, index + 1)]


def quarter_label(start: date) -> str:
    end = date(start.year, start.month + 2, 1)
    return f"{start:%b} to {end:%b %Y}"


def aggregates_for(scope: Scope, today: date | None = None) -> Aggregates:
    """All the fidelity figures for ``scope`` (seven queries; none while the data has not
    changed: ``core.figures``)."""
    today = today or timezone.localdate()
    return remembered(
        "fidelity_aggregates",
        scope_key(scope, today),
        lambda: _aggregates_for(scope, today),
        services=scope.service_ids,
    )


def scope_key(scope: Scope, today: date) -> list[object]:
    """Everything figures about ``scope`` depend on, for ``core.figures``. Every check,
    rating and support action a scope reads is about someone in ``scope.service_ids``,
    so its figures are remembered under those services' counters."""
    key: list[object] = [scope.programme.pk, scope.service_ids, scope.group_by, scope.groups]
    return [*key, scope.total_label, scope.threshold, scope.interval_days, today]


def _aggregates_for(scope: Scope, today: date) -> Aggregates:
    group = f"staff__{scope.staff_field}"
    rating_group = f"check_record__{group}"

    # Per principle: mean rating and the people behind it, per group and in total (the
    # totals added up from the groups: one pass over the ratings, not two).
    ratings = scope.ratings().order_by()
    by_principle: dict[str, dict[int | None, tuple[object, int]]] = defaultdict(dict)
    sums: dict[str, RatingSum] = defaultdict(RatingSum)
    for row in ratings.values(rating_group, "item__principle").annotate(**RatingSum.annotations()):
        part = RatingSum.of(row)
        by_principle[row["item__principle"]][row[rating_group]] = part.figure
        sums[row["item__principle"]] += part
    principle_totals = {principle: part.figure for principle, part in sums.items()}
    principles = [
        Row(value, label, _cells(scope, by_principle[value], principle_totals.get(value)))
        for value, label in Principle.choices
        if value in principle_totals or value in by_principle
    ]

    # Trend: the whole scope's mean rating per calendar quarter, added up from its groups.
    quarters = last_quarters(today, TREND_QUARTERS)
    by_quarter = {
        quarter: sum(groups.values(), RatingSum()).figure
        for quarter, groups in quarter_sums(scope, today, TREND_QUARTERS).items()
    }
    trend_cells = [
        disclose(*by_quarter.get(q, (None, 0)), threshold=scope.threshold) for q in quarters
    ]
    # The quarters are parts of the scope's all-time figures: protect them like columns.
    trend_cells = protect_parts(
        trend_cells, [by_quarter.get(q, (None, 0))[1] for q in quarters], threshold=scope.threshold
    )
    trend = [
        Row(q.isoformat(), quarter_label(q), [cell])
        for q, cell in zip(quarters, trend_cells, strict=True)
    ]

    return Aggregates(
        scope=scope,
        as_of=today,
        principles=principles,
        trend=trend,
        cadence=_cadence_row(scope, group),
        actions=_actions_row(scope, group),
    )


def _cadence_row(scope: Scope, group: str) -> Row:
    """Checks done within the programme's interval of the same person's previous check,
    out of the checks that followed an earlier one (a first check has no cadence yet)."""
    earlier = FidelityCheck.objects.filter(
        staff_id=OuterRef("staff_id"), done_on__lt=OuterRef("done_on")
    )
    window_start = ExpressionWrapper(
        OuterRef("done_on") - timedelta(days=scope.interval_days), output_field=DateField()
    )
    checks = (
        scope.checks()
        .order_by()
        .annotate(
            follows=Exists(earlier),
            on_cadence=Exists(earlier.filter(done_on__gte=window_start)),
        )
        .filter(follows=True)
    )
    counts = {
        "checks": Count("id"),
        "on": Count("id", filter=Q(on_cadence=True)),
        "people": Count("staff_id", distinct=True),
    }
    by_group = {
        row[group]: (CadenceShare(row["on"], row["checks"]), row["people"])
        for row in checks.values(group).annotate(**counts)
    }
    total = checks.aggregate(**counts)
    return Row(
        "cadence",
        f"Checks within {scope.interval_days} days of the one before",
        _cells(scope, by_group, (CadenceShare(total["on"], total["checks"]), total["people"])),
    )


def _actions_row(scope: Scope, group: str) -> Row:
    """Support actions opened and closed, and the median days from opening to closing.
    Suppressed by the number of people supported, not the number of actions."""
    actions = scope.support_actions().order_by()
    counts = {
        "opened": Count("id"),
        "closed": Count("id", filter=Q(done_on__isnull=False)),
        "people": Count("staff_id", distinct=True),
    }
    # The medians come from the closed actions' durations, worked out in SQL; the median
    # itself is taken here because SQLite (the no-setup development database) has none.
    days: dict[int | None, list[int]] = defaultdict(list)
    for key, taken in (
        actions.filter(done_on__isnull=False)
        .annotate(
            taken=ExpressionWrapper(
                F("done_on") - TruncDate("created"), output_field=DurationField()
            )
        )
        .values_list(group, "taken")
    ):
        days[key].append(max(taken.days, 0))

    def median(values: list[int]) -> float | None:
        return float(statistics.median(values)) if values else None

    by_group = {
        row[group]: (
            ActionFigures(row["opened"], row["closed"], median(days[row[group]])),
            row["people"],
        )
        for row in actions.values(group).annotate(**counts)
    }
    total = actions.aggregate(**counts)
    everyone = [d for values in days.values() for d in values]
    return Row(
        "actions",
        "Support actions",
        _cells(
            scope,
            by_group,
            (ActionFigures(total["opened"], total["closed"], median(everyone)), total["people"]),
        ),
    )


def overall_row(scope: Scope) -> Row:
    """``_overall_row``, remembered until the data changes (``core.figures``)."""
    today = timezone.localdate()
    return remembered(
        "fidelity_overall",
        scope_key(scope, today),
        lambda: _overall_row(scope),
        services=scope.service_ids,
    )


def _overall_row(scope: Scope) -> Row:
    """The mean rating over every principle, per group and in total, about the people who
    reflected (one query). The dashboards' and reports' headline beside the per-principle
    table."""
    group = f"check_record__staff__{scope.staff_field}"
    ratings = scope.ratings().order_by()
    parts = {
        row[group]: RatingSum.of(row)
        for row in ratings.values(group).annotate(**RatingSum.annotations())
    }
    by_group = {key: part.figure for key, part in parts.items()}
    total = sum(parts.values(), RatingSum())
    whole = total.figure if total.people else None
    return Row("overall", "Mean rating, all principles", _cells(scope, by_group, whole))


def quarter_means_by_group(
    scope: Scope, today: date, count: int = 2
) -> dict[int | None, list[Disclosed]]:
    """``_quarter_means_by_group``, remembered until the data changes (``core.figures``)."""
    return remembered(
        "fidelity_quarter_means",
        [*scope_key(scope, today), count],
        lambda: _quarter_means_by_group(scope, today, count),
        services=scope.service_ids,
    )


def _quarter_means_by_group(
    scope: Scope, today: date, count: int = 2
) -> dict[int | None, list[Disclosed]]:
    """Each group's mean rating in each of the last ``count`` quarters (oldest first), each
    suppressed below the threshold and, within a quarter, protected like columns beside the
    scope's own trend (one query). For rules that look for falling fidelity."""
    quarters = last_quarters(today, count)
    # The same sums as the trend's (one query for both while the data has not changed).
    sums = quarter_sums(scope, today, max(count, TREND_QUARTERS))
    found = {
        quarter: {key: part.figure for key, part in sums.get(quarter, {}).items()}
        for quarter in quarters
    }
    by_group: dict[int | None, list[Disclosed]] = {g.key: [] for g in scope.groups}
    for quarter in quarters:
        sizes = [found[quarter].get(g.key, (None, 0))[1] for g in scope.groups]
        cells = [
            disclose(found[quarter].get(g.key, (None, 0))[0], n, threshold=scope.threshold)
            for g, n in zip(scope.groups, sizes, strict=True)
        ]
        if scope.has_total and sum(sizes) >= scope.threshold:
            cells = protect_parts(cells, sizes, threshold=scope.threshold)
        for g, cell in zip(scope.groups, cells, strict=True):
            by_group[g.key].append(cell)
    return by_group


def quarter_sums(scope: Scope, today: date, count: int) -> dict[date, dict[int | None, RatingSum]]:
    """``_quarter_sums``, remembered until the data changes (``core.figures``)."""
    return remembered(
        "fidelity_quarter_sums",
        [*scope_key(scope, today), count],
        lambda: _quarter_sums(scope, today, count),
        services=scope.service_ids,
    )


def _quarter_sums(scope: Scope, today: date, count: int) -> dict[date, dict[int | None, RatingSum]]:
    """Each group's ratings added up in each of the last ``count`` calendar quarters (one
    query): the trend adds the groups together, the falling-fidelity rule compares them."""
    quarters = last_quarters(today, count)
    group = f"check_record__staff__{scope.staff_field}"
    found: dict[date, dict[int | None, RatingSum]] = defaultdict(dict)
    for row in (
        scope.ratings()
        .order_by()
        .filter(check_record__done_on__gte=quarters[0])
        .annotate(quarter=TruncQuarter("check_record__done_on"))
        .values(group, "quarter")
        .annotate(**RatingSum.annotations())
    ):
        quarter = row["quarter"].date() if hasattr(row["quarter"], "hour") else row["quarter"]
        found[quarter][row[group]] = RatingSum.of(row)
    return dict(found)


THEME_DAYS = 91  # the challenge themes a report counts: those of the last three months


def theme_counts(scope: Scope, today: date) -> list[tuple[str, Disclosed[int]]]:
    """``_theme_counts``, remembered until the data changes (``core.figures``)."""
    return remembered(
        "fidelity_theme_counts",
        scope_key(scope, today),
        lambda: _theme_counts(scope, today),
        services=scope.service_ids,
    )


def _theme_counts(scope: Scope, today: date) -> list[tuple[str, Disclosed[int]]]:
    """Each challenge theme raised in the scope's checks over the last ``THEME_DAYS`` days,
    counted in people (not checks), suppressed below the threshold (one query). Themes are
    not parts of a total (a person may raise several), so no complementary suppression."""
    through = FidelityCheck.themes.through
    rows = (
        through.objects.filter(
            fidelitycheck__in=scope.checks().filter(
                done_on__gt=today - timedelta(days=THEME_DAYS), done_on__lte=today
            )
        )
        .order_by()
        .values("challengetheme__name")
        .annotate(people=Count("fidelitycheck__staff_id", distinct=True))
        .order_by("-people", "challengetheme__name")
    )
    return [
        (
            row["challengetheme__name"],
            disclose(row["people"], row["people"], threshold=scope.threshold),
        )
        for row in rows
    ]


def rating_words(mean: float | None) -> str:
    """The scale's words for a mean rating, e.g. 3.2 → "Often"."""
    if mean is None:
        return ""
    return RATING_LABELS[min(max(round(mean), 1), 4)]


# --- Shown as text: one wording for pages and CSV files ---------------------------------------

EMPTY_TEXT = "No checks yet"
SUPPRESSED_TEXT = "Not shown"


def _mean_text(mean: float) -> str:
    return f"{mean:.1f} ({rating_words(mean)})"


def cell_text(row_key: str, cell: Disclosed, part: str = "") -> str:
    """A figure as words, or why it is not shown. ``part`` picks one number of the support
    actions ("opened", "closed", "still_open", "median")."""
    if cell.empty:
        return "None" if row_key == "actions" else EMPTY_TEXT
    if not cell.shown:
        return SUPPRESSED_TEXT
    value = cell.value
    if isinstance(value, CadenceShare):
        return f"{value.percent}% ({value.on_cadence} of {value.checks} checks)"
    if isinstance(value, ActionFigures):
        if part == "median":
            return (
                "None closed yet"
                if value.median_days_to_close is None
                else f"{value.median_days_to_close:g} days"
            )
        return str(getattr(value, part or "opened"))
    return _mean_text(float(value)) if value is not None else EMPTY_TEXT


ACTION_PARTS = (
    ("opened", "Support actions opened"),
    ("closed", "Support actions closed"),
    ("still_open", "Still open"),
    ("median", "Median days to close"),
)
TABLES = {
    "principles": "Mean rating per principle",
    "trend": "Mean rating by quarter",
    "cadence": "Checks on cadence",
    "actions": "Support actions",
}


@dataclass(frozen=True)
class TextRow:
    label: str
    cells: list[tuple[str, int | None]]  # (text, footnote number)


def table_rows(aggregates: Aggregates, table: str) -> list[TextRow]:
    """The rows of one table as text with footnote numbers, for the page and the CSV."""

    def texts(row: Row, part: str = "") -> list[tuple[str, int | None]]:
        return [(cell_text(row.key, c, part), aggregates.note_number(c)) for c in row.cells]

    if table == "principles":
        return [TextRow(row.label, texts(row)) for row in aggregates.principles]
    if table == "trend":
        return [TextRow(row.label, texts(row)) for row in aggregates.trend]
    if table == "cadence":
        return [TextRow(aggregates.cadence.label, texts(aggregates.cadence))]
    if table == "actions":
        return [TextRow(label, texts(aggregates.actions, part)) for part, label in ACTION_PARTS]
    raise KeyError(table)


def table_columns(aggregates: Aggregates, table: str) -> list[str]:
    return ["All checks"] if table == "trend" else aggregates.columns


# --- Charts (core.charts): the whole scope's figures, with their tables -----------------------


def principle_chart(aggregates: Aggregates) -> Chart:
    """Mean rating per principle for the whole scope (the last column)."""
    bars = []
    for row in aggregates.principles:
        cell = row.cells[-1]
        bars.append(
            Bar(
                row.label,
                cell.value if cell.shown else None,
                cell_text(row.key, cell),
            )
        )
    shown = [b for b in bars if b.value is not None]
    if shown:
        high = max(shown, key=lambda b: b.value or 0)
        low = min(shown, key=lambda b: b.value or 0)
        summary = (
            f"Across {aggregates.columns[-1]}, ratings are highest for {high.label} "
            f"({high.display}) and lowest for {low.label} ({low.display}), on a scale from "
            "1 (Not yet) to 4 (Consistently)."
        )
    else:
        summary = "No figures to show yet: too few people have reflected."
    return bar_chart(
        title=f"Mean rating per principle, {aggregates.columns[-1]}",
        summary=summary,
        bars=bars,
        max_value=4,
        unit_label="Mean rating (1 to 4)",
    )


def trend_chart(aggregates: Aggregates) -> Chart:
    labels = [row.label for row in aggregates.trend]
    short = [date.fromisoformat(row.key).strftime("%b %y") for row in aggregates.trend]
    values = [row.cells[0].value if row.cells[0].shown else None for row in aggregates.trend]
    known = [(label, v) for label, v in zip(labels, values, strict=True) if v is not None]
    if len(known) >= 2:
        summary = (
            f"The mean rating went from {known[0][1]:.1f} in {known[0][0]} to "
            f"{known[-1][1]:.1f} in {known[-1][0]}."
        )
    elif known:
        summary = f"One quarter to show so far: {known[0][1]:.1f} in {known[0][0]}."
    else:
        summary = "No quarter has enough people reflecting to show yet."
    chart = line_chart(
        title=f"Mean rating by quarter, {aggregates.columns[-1]}",
        summary=summary,
        x_labels=short,
        series=[Series("Mean rating", values)],
        y_min=1,
        y_max=4,
    )
    chart.rows = [
        [row.label, text] for row in table_rows(aggregates, "trend") for text, _ in row.cells
    ]
    chart.columns = ["Quarter", "Mean rating"]
    return chart


# --- Who sees which aggregates ----------------------------------------------------------------


def services_with_aggregates_for(user: AnyUser) -> QuerySet[Service]:
    """The services whose fidelity aggregates a user may open: the ones they manage, and
    (commissioners) the ones taking part in their organisations' programmes. Line managers
    and practitioners have their own views, not these."""
    roles = roles_for(user)
    if roles.is_admin:
        return Service.objects.all()
    commissioned = Participation.objects.filter(
        programme__commissioning_organisation_id__in=roles.commissioner_org_ids
    ).values("service_id")
    return Service.objects.filter(Q(id__in=roles.managed_service_ids) | Q(id__in=commissioned))


def get_service_for_aggregates(user: AnyUser, pk: int) -> Service:
    return get_object_or_404(services_with_aggregates_for(user), pk=pk)


def programmes_for_service(user: AnyUser, service: Service) -> list[Programme]:
    """The programmes ``service`` takes part in that the user may see, newest first."""
    return list(
        programmes_visible_to(user)
        .filter(participations__service=service)
        .order_by("-start_date", "name")
        .distinct()
    )


def may_name_teams(user: AnyUser, service: Service) -> bool:
    """Those who manage the service know its teams by their line managers' names."""
    roles = roles_for(user)
    return roles.is_admin or service.pk in roles.managed_service_ids


def services_seen_in_programme(user: AnyUser, programme: Programme) -> list[Service] | None:
    """None for the programme's commissioners (and admins): every taking-part service.
    A service manager who does not commission it sees their own services only."""
    roles = roles_for(user)
    if roles.is_admin or programme.commissioning_organisation_id in roles.commissioner_org_ids:
        return None
    return list(Service.objects.filter(pk__in=roles.managed_service_ids))
