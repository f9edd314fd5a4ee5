"""Service indicators: service-level figures per period against a baseline.

Reads (who sees a service's indicators, each indicator's trend) and writes (define an
indicator, record one period's value, import history from a CSV file) for one small
feature, kept together. A service's managers record its figures; its commissioners and
admins read them. The figures are about a whole service, not about people.

CSV import is validated row by row and applied all or nothing: if any row has a
problem, nothing is written and every problem is reported with its row number (row 1 is
the header, so the first figure is row 2, as a spreadsheet shows it).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from commissioning.models import Service
from core import charts
from core.roles import roles_for

from .impact import impact_services_visible_to
from .models import IndicatorValue, ServiceIndicator

AnyUser = User | AnonymousUser

CSV_COLUMNS = ("indicator", "period_start", "value")
MAX_UPLOAD_BYTES = 1_000_000
MAX_ROWS = 5_000
MAX_VALUE = 1_000_000_000.0
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m")


# --- Reads -------------------------------------------------------------------------------------


def get_indicator_service_for_user(user: AnyUser, pk: int) -> Service:
    """A service whose indicators the user may see (its managers, its commissioners,
    admins); 404 otherwise."""
    return get_object_or_404(impact_services_visible_to(user).select_related("organisation"), pk=pk)


def indicators_visible_to(user: AnyUser) -> QuerySet[ServiceIndicator]:
    return ServiceIndicator.objects.filter(service__in=impact_services_visible_to(user))


def get_indicator_for_user(user: AnyUser, pk: int) -> ServiceIndicator:
    return get_object_or_404(
        indicators_visible_to(user).select_related("service__organisation"), pk=pk
    )


def may_record_indicators(user: AnyUser, service: Service) -> bool:
    """A service's managers (and admins) record its figures; commissioners read them."""
    roles = roles_for(user)
    return roles.is_admin or service.pk in roles.managed_service_ids


@dataclass
class IndicatorTrend:
    indicator: ServiceIndicator
    values: list[IndicatorValue]
    chart: charts.Chart | None

    @property
    def latest(self) -> IndicatorValue | None:
        return self.values[-1] if self.values else None

    @property
    def change_text(self) -> str:
        """The latest value against the baseline, in words that say which way is better."""
        latest = self.latest
        if latest is None:
            return "No values recorded yet."
        baseline = self.indicator.baseline_value
        diff = latest.value - baseline
        if diff == 0:
            return "Same as the baseline."
        better = (diff > 0) == self.indicator.higher_is_better
        direction = "higher" if diff > 0 else "lower"
        verdict = "better" if better else "worse"
        share = f" ({abs(diff) / baseline:.0%})" if baseline else ""
        return f"{abs(diff):g}{share} {direction} than the baseline: {verdict}."


def indicator_trends(service: Service) -> list[IndicatorTrend]:
    """Each of the service's indicators with its values, oldest first (two queries)."""
    indicators = list(ServiceIndicator.objects.filter(service=service).order_by("name"))
    values: dict[int, list[IndicatorValue]] = {i.pk: [] for i in indicators}
    for value in IndicatorValue.objects.filter(indicator__service=service).order_by("period_start"):
        values[value.indicator_id].append(value)
    return [
        IndicatorTrend(
            indicator, values[indicator.pk], _trend_chart(indicator, values[indicator.pk])
        )
        for indicator in indicators
    ]


def _trend_chart(indicator: ServiceIndicator, values: list[IndicatorValue]) -> charts.Chart | None:
    if not values:
        return None
    recent = values[-12:]
    unit = f" ({indicator.unit})" if indicator.unit else ""
    better = "Higher" if indicator.higher_is_better else "Lower"
    latest = recent[-1]
    return charts.line_chart(
        title=f"{indicator.name}{unit}",
        summary=(
            f"{indicator.name} over {len(recent)} period{'s' if len(recent) != 1 else ''}, "
            f"latest {latest.value:g} for the period from {latest.period_start:%d/%m/%Y}, "
            f"against a baseline of {indicator.baseline_value:g} ({indicator.baseline_period}). "
            f"{better} is better."
        ),
        x_labels=[f"{v.period_start:%b %Y}" for v in recent],
        series=[
            charts.Series("Recorded", [v.value for v in recent]),
            charts.Series("Baseline", [indicator.baseline_value] * len(recent)),
        ],
        y_min=0,
    )


# --- Writes ------------------------------------------------------------------------------------


def indicator_create(
    *,
    service: Service,
    name: str,
    unit: str,
    higher_is_better: bool,
    baseline_value: float,
    baseline_period: str,
) -> ServiceIndicator:
    return ServiceIndicator.objects.create(
        service=service,
        name=name.strip(),
        unit=unit.strip(),
        higher_is_better=higher_is_better,
        baseline_value=baseline_value,
        baseline_period=baseline_period.strip(),
    )


def indicator_value_record(
    *, indicator: ServiceIndicator, period_start: date, value: float
) -> tuple[IndicatorValue, bool]:
    """Record one period's figure; a second figure for the same period replaces the first.
    Returns the value and whether it was new."""
    return IndicatorValue.objects.update_or_create(
        indicator=indicator, period_start=period_start, defaults={"value": value}
    )


@dataclass(frozen=True)
class ParsedRow:
    row: int
    indicator: ServiceIndicator
    period_start: date
    value: float


@dataclass
class ImportResult:
    errors: list[str]
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode(raw: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def parse_period(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_value(text: str) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def indicator_rows_parse(*, service: Service, raw: bytes) -> tuple[list[ParsedRow], list[str]]:
    """Check every row of an uploaded file; return the good rows and every problem found,
    each starting with its row number."""
    if len(raw) > MAX_UPLOAD_BYTES:
        return [], [f"The file is larger than {MAX_UPLOAD_BYTES // 1_000_000} MB."]
    text = _decode(raw)
    if text is None or "\x00" in text:
        return [], ["The file is not a CSV text file (save it as CSV, UTF-8)."]
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return [], ["The file is empty: it needs a header row and at least one figure."]
    columns = [h.strip().lower() for h in header]
    missing = [c for c in CSV_COLUMNS if c not in columns]
    if missing:
        return [], [
            "Row 1: the header must name the columns "
            + ", ".join(CSV_COLUMNS)
            + f" (missing: {', '.join(missing)})."
        ]
    at = {c: columns.index(c) for c in CSV_COLUMNS}
    by_name = {i.name.casefold(): i for i in ServiceIndicator.objects.filter(service=service)}
    today = timezone.localdate()
    rows: list[ParsedRow] = []
    errors: list[str] = []
    seen: dict[tuple[int, date], int] = {}
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) + len(errors) >= MAX_ROWS:
                errors.append(f"Row {number}: the file has more than {MAX_ROWS:,} rows.")
                break
            cell = {c: (cells[i].strip() if i < len(cells) else "") for c, i in at.items()}
            problems = []
            indicator = by_name.get(cell["indicator"].casefold())
            if not cell["indicator"]:
                problems.append("the indicator is missing")
            elif indicator is None:
                problems.append(
                    f"“{cell['indicator'][:80]}” is not one of this service's indicators"
                )
            period = parse_period(cell["period_start"])
            if not cell["period_start"]:
                problems.append("the period start is missing")
            elif period is None:
                problems.append(
                    f"“{cell['period_start'][:40]}” is not a date (use 2026-04-01, 01/04/2026 "
                    "or 2026-04)"
                )
            elif period > today:
                problems.append(f"the period starting {period:%d/%m/%Y} is in the future")
            value = parse_value(cell["value"])
            if not cell["value"]:
                problems.append("the value is missing")
            elif value is None:
                problems.append(f"“{cell['value'][:40]}” is not a number")
            elif not 0 <= value <= MAX_VALUE:
                problems.append("the value must be 0 or more (and less than a billion)")
            if indicator is not None and period is not None:
                first = seen.setdefault((indicator.pk, period), number)
                if first != number:
                    problems.append(
                        f"{indicator.name} for {period:%d/%m/%Y} is already given in row {first}"
                    )
            if problems:
                errors.append(f"Row {number}: " + "; ".join(problems) + ".")
            elif indicator is not None and period is not None and value is not None:
                rows.append(ParsedRow(number, indicator, period, value))
    except csv.Error as exc:
        errors.append(f"Row {reader.line_num}: the file could not be read as CSV ({exc}).")
    if not rows and not errors:
        errors.append("The file has no figures: add one row per indicator and period.")
    return rows, errors


def indicator_values_import(*, service: Service, raw: bytes) -> ImportResult:
    """Apply a CSV of history all or nothing: any problem, nothing written. Existing figures
    for the same indicator and period are replaced."""
    rows, errors = indicator_rows_parse(service=service, raw=raw)
    if errors:
        return ImportResult(errors)
    result = ImportResult([])
    existing = set(
        IndicatorValue.objects.filter(indicator__service=service).values_list(
            "indicator_id", "period_start"
        )
    )
    with transaction.atomic():
        for row in rows:
            IndicatorValue.objects.update_or_create(
                indicator=row.indicator,
                period_start=row.period_start,
                defaults={"value": row.value},
            )
            if (row.indicator.pk, row.period_start) in existing:
                result.updated += 1
            else:
                result.created += 1
    return result


def template_csv(service: Service) -> str:
    """A CSV to start from: the header and one example row per indicator."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    month = timezone.localdate().replace(day=1)
    for indicator in ServiceIndicator.objects.filter(service=service).order_by("name"):
        writer.writerow([indicator.name, month.isoformat(), indicator.baseline_value])
    return out.getvalue()
