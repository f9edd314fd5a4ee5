"""Reads for dashboards and reports.

Nothing here computes a figure of its own: each number comes from the query function
that owns it (``commissioning.queries.stage_progress``, ``supervision.queries.
compliance_by_service`` and friends, ``cohorts.queries.champion_counts_*``). This module
gathers them for one scope (a programme, a service, a team) as at a date, and lays them
out as ``Table`` rows, which the page, the CSV and XLSX exports and the PDF all print. So
the figures on the dashboard, in an export and in a report are the same by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from cohorts.models import StaffMember
from cohorts.queries import (
    NO_CHAMPIONS,
    ChampionCounts,
    champion_counts_by_programme,
    champion_counts_by_service,
    champion_counts_for_team,
    staff_visible_to,
)
from commissioning.models import Participation, Programme, Service
from commissioning.queries import (
    StageProgress,
    commissions,
    current_stage_of,
    latest_agreements,
    participations_visible_to,
    participations_with_progress,
    programmes_visible_to,
    stage_progress,
    status_label,
)
from core.charts import Bar, Chart, bar_chart
from core.disclosure import Disclosed
from core.figures import remembered_rows
from core.roles import roles_for
from fidelity import aggregates as fidelity_aggregates
from fidelity.aggregates import Aggregates
from outcomes import impact
from outcomes.impact import GroupImpact, ImpactReport
from supervision.cadence import Figure
from supervision.queries import (
    Compliance,
    ComplianceTable,
    compliance_by_service,
    compliance_by_team,
    compliance_for_team,
    standards_by_service,
)

from .models import GeneratedReport

AnyUser = User | AnonymousUser

NOT_SHOWN = "Not shown"


# --- Who may see which dashboard and report ------------------------------------------------------


def dashboard_services_visible_to(user: AnyUser) -> QuerySet[Service]:
    """Services whose dashboard a user may open: their managers, the commissioners of a
    programme they take part in, admins. (Staff see their own service's page, not this.)"""
    roles = roles_for(user)
    if roles.is_admin:
        return Service.objects.all()
    commissioned = Participation.objects.filter(
        programme__commissioning_organisation_id__in=roles.commissioner_org_ids
    ).values("service_id")
    return Service.objects.filter(Q(id__in=roles.managed_service_ids) | Q(id__in=commissioned))


def get_dashboard_service_for_user(user: AnyUser, pk: int) -> Service:
    return get_object_or_404(
        dashboard_services_visible_to(user).select_related("organisation"), pk=pk
    )


def may_produce_programme_report(user: AnyUser, programme: Programme) -> bool:
    """The programme report covers every service: its commissioners (and admins)."""
    return roles_for(user).is_admin or commissions(user, programme)


def reports_visible_to(user: AnyUser) -> QuerySet[GeneratedReport]:
    """Programme reports for those who may produce them; service reports for those who
    may see the service's dashboard."""
    roles = roles_for(user)
    if roles.is_admin:
        return GeneratedReport.objects.all()
    return GeneratedReport.objects.filter(
        Q(programme__commissioning_organisation_id__in=roles.commissioner_org_ids)
        | Q(service__in=dashboard_services_visible_to(user))
    )


def get_report_for_user(user: AnyUser, pk: int) -> GeneratedReport:
    return get_object_or_404(
        reports_visible_to(user).select_related("programme", "service", "requested_by"), pk=pk
    )


def recent_reports(user: AnyUser, *, programme=None, service=None) -> list[GeneratedReport]:
    reports = reports_visible_to(user).select_related("requested_by")
    reports = reports.filter(programme=programme) if programme else reports.filter(service=service)
    return list(reports.order_by("-created")[:10])


# --- Periods -------------------------------------------------------------------------------------


def period_choices(today: date | None = None) -> list[tuple[str, str]]:
    """The dates a dashboard can be seen as at: today and the ends of the last four
    calendar quarters."""
    today = today or timezone.localdate()
    choices = [("", f"Today ({today:%d/%m/%Y})")]
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    for _ in range(4):
        end = quarter_start - timedelta(days=1)
        choices.append((end.isoformat(), f"End of {end:%B %Y} ({end:%d/%m/%Y})"))
        quarter_start = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    return choices


# --- Tables: what the page, the exports and the PDF print ----------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    href: str = ""
    note: int | None = None  # the footnote saying why a figure is not shown
    numeric: bool = False


@dataclass
class Table:
    key: str  # the export's name: "services", "compliance", …
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    notes: list[str] = field(default_factory=list)
    row_headers: bool = True  # the first cell of each row names it

    def only(self, *indices: int, title: str = "") -> Table:
        """The same rows with fewer columns (the PDF splits wide tables)."""
        notes = sorted(
            {c.note for row in self.rows for i, c in enumerate(row) if i in indices and c.note}
        )
        return Table(
            key=self.key,
            title=title or self.title,
            columns=[self.columns[i] for i in indices],
            rows=[[row[i] for i in indices] for row in self.rows],
            notes=self.notes if notes else [],
            row_headers=self.row_headers,
        )

    def plain_rows(self) -> list[list[str]]:
        """The rows as text, footnote markers included (for CSV and XLSX)."""
        return [
            [cell.text + (f" [{cell.note}]" if cell.note else "") for cell in row]
            for row in self.rows
        ]


def figure_cell(figure: Figure, notes: list[str], href: str = "") -> Cell:
    """A share as "82% (41 of 50)", or why it is not shown, numbering the reason."""
    if figure.suppressed:
        if figure.empty:
            return Cell("None yet", href, numeric=True)
        if figure.suppressed_reason not in notes:
            notes.append(figure.suppressed_reason)
        return Cell(NOT_SHOWN, href, note=notes.index(figure.suppressed_reason) + 1, numeric=True)
    return Cell(
        f"{figure.percent}% ({figure.numerator} of {figure.denominator})", href, numeric=True
    )


def percent_text(value: int | None) -> str:
    return "—" if value is None else f"{value}%"


def compliance_table(table: ComplianceTable, key: str, title: str, link: str = "") -> Table:
    """The measures down the side and the scopes across, as the programme page shows."""
    notes: list[str] = []
    rows = [
        [Cell(measure.label, link)] + [figure_cell(f, notes) for f in figures]
        for measure, figures in table.rows
    ]
    return Table(
        key=key,
        title=title,
        columns=["Measure"] + [c.scope for c in table.columns],
        rows=rows,
        notes=notes,
    )


# --- One service in one programme: the figures the dashboards share ---------------------------


@dataclass
class ServiceFigures:
    participation: Participation
    progress: list[StageProgress]
    champions: ChampionCounts
    compliance: Compliance | None

    @property
    def current(self) -> StageProgress:
        return current_stage_of(self.progress)

    @property
    def agreement_label(self) -> str:
        p = self.participation
        label = status_label(getattr(p, "agreement_status", None))
        version = getattr(p, "agreement_version", None)
        return f"{label} (v{version})" if version else label

    @property
    def agreed_on(self) -> date | None:
        signed: list[datetime] = [
            moment
            for name in ("commissioner_signed_at", "service_manager_signed_at")
            if (moment := getattr(self.participation, name, None)) is not None
        ]
        return timezone.localdate(max(signed)) if signed else None

    @property
    def waiting_since(self) -> date | None:
        """When the latest version was submitted for sign-off (or started, if not yet)."""
        moment = getattr(self.participation, "agreement_submitted_at", None) or getattr(
            self.participation, "agreement_created", None
        )
        return timezone.localdate(moment) if moment else None


def with_agreement_dates(participations: QuerySet[Participation]) -> QuerySet[Participation]:
    """The latest agreement's sign-off and submission moments, for the review rules."""
    latest = latest_agreements()
    return participations.annotate(
        commissioner_signed_at=Subquery(latest.values("commissioner_signed_at")[:1]),
        service_manager_signed_at=Subquery(latest.values("service_manager_signed_at")[:1]),
        agreement_submitted_at=Subquery(latest.values("submitted_at")[:1]),
        agreement_created=Subquery(latest.values("created")[:1]),
    )


# --- Dashboards ----------------------------------------------------------------------------------


@dataclass
class Dashboard:
    """Everything one dashboard (or report) shows, for one scope as at one date."""

    level: str  # "programme", "service" or "team"
    name: str
    as_of: date
    programme: Programme | None = None
    service: Service | None = None
    services: list[ServiceFigures] = field(default_factory=list)
    compliance: ComplianceTable | None = None
    champions: ChampionCounts = NO_CHAMPIONS
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    staff_count: int = 0
    # Outcomes (outcomes.impact) and fidelity (fidelity.aggregates), where the scope has them
    outcomes: ImpactReport | None = None
    outcomes_href: str = ""
    fidelity: Aggregates | None = None
    fidelity_href: str = ""
    # Each group's (then the whole scope's) mean rating in the last two quarters, for rules
    fidelity_quarters: list[tuple[str, list[Disclosed]]] = field(default_factory=list)
    outcome_charts: list[Chart] = field(default_factory=list)
    fidelity_charts: list[Chart] = field(default_factory=list)

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)

    @property
    def fidelity_headline(self) -> list[tuple[str, Cell, str]]:
        """The whole scope's row of the fidelity table: (column, cell, reason not shown)."""
        table = self.table("fidelity")
        if table is None or not table.rows:
            return []
        return [
            (column, cell, table.notes[cell.note - 1] if cell.note else "")
            for column, cell in zip(table.columns[1:], table.rows[-1][1:], strict=True)
        ]

    @property
    def all_charts(self) -> list[Chart]:
        return [*self.charts, *self.outcome_charts, *self.fidelity_charts]


def _service_table(rows: list[ServiceFigures], *, by: str) -> Table:
    """One row per service (or, on a service's dashboard, per programme): stage, days,
    agreement, champions, penetration and, where standards apply, the compliance shares."""
    measures = []
    for row in rows:
        if row.compliance is not None:
            measures = [(key, figure.label) for key, figure in row.compliance.figures.items()]
            break
    notes: list[str] = []
    table_rows = []
    for row in rows:
        p = row.participation
        name = p.service.name if by == "service" else p.programme.name
        current = row.current
        cells = [
            Cell(name, reverse("commissioning:participation_detail", args=[p.pk])),
            Cell(current.label, reverse("commissioning:participation_detail", args=[p.pk])),
            Cell("—" if current.days is None else str(current.days), numeric=True),
            Cell(
                "No milestones"
                if current.percent is None
                else f"{current.percent}% ({current.milestones_done} of "
                f"{current.milestones_total})",
                reverse("commissioning:participation_milestones", args=[p.pk]),
                numeric=current.percent is not None,
            ),
            Cell(row.agreement_label, reverse("commissioning:agreement_detail", args=[p.pk])),
            Cell(str(row.champions.nominated), reverse("cohorts:cohort_list"), numeric=True),
            Cell(str(row.champions.trained), reverse("cohorts:cohort_list"), numeric=True),
            Cell(str(row.champions.active), reverse("cohorts:cohort_list"), numeric=True),
            Cell(percent_text(row.champions.penetration), reverse("cohorts:cohort_list")),
        ]
        standards = reverse("commissioning:standards_detail", args=[p.programme_id])
        for key, _ in measures:
            figure = row.compliance.figures.get(key) if row.compliance else None
            cells.append(figure_cell(figure, notes, standards) if figure else Cell("—"))
        table_rows.append(cells)
    return Table(
        key="services" if by == "service" else "programmes",
        title="Services at a glance" if by == "service" else "This service in each programme",
        columns=[
            "Service" if by == "service" else "Programme",
            "Stage",
            "Days in stage",
            "Milestones done in this stage",
            "Agreement",
            "Champions nominated",
            "Champions trained",
            "Champions active",
            "Penetration (active ÷ trained)",
            *[label for _, label in measures],
        ],
        rows=table_rows,
        notes=notes,
    )


def _stage_table(rows: list[ServiceFigures], *, by: str) -> Table:
    """Milestones done and days taken, per service (or programme) and stage."""
    stages = rows[0].progress if rows else []
    table_rows = []
    for row in rows:
        p = row.participation
        cells = [Cell(p.service.name if by == "service" else p.programme.name)]
        for stage in row.progress:
            if stage.state == "future" and not stage.milestones_done:
                cells.append(Cell("Not started"))
                continue
            done = (
                "No milestones"
                if stage.percent is None
                else f"{stage.milestones_done} of {stage.milestones_total} done"
            )
            days = "" if stage.days is None else f", {stage.days} days"
            cells.append(Cell(done + days + (" so far" if stage.state == "current" else "")))
        table_rows.append(cells)
    return Table(
        key="stages",
        title="Stage progress",
        columns=["Service" if by == "service" else "Programme"] + [s.label for s in stages],
        rows=table_rows,
    )


def _percent_bars(rows: list[tuple[str, int | None, str]]) -> list[Bar]:
    return [Bar(label, value, display) for label, value, display in rows]


def _figure_bar(label: str, figure: Figure | None) -> Bar:
    if figure is None or figure.suppressed:
        return Bar(label, None, "None yet" if figure is not None and figure.empty else NOT_SHOWN)
    return Bar(label, figure.percent, f"{figure.percent}%")


def _charts(rows: list[ServiceFigures], *, by: str) -> list[Chart]:
    def name(row: ServiceFigures) -> str:
        p = row.participation
        return p.service.name if by == "service" else p.programme.name

    milestones = [Bar(name(r), r.current.percent, percent_text(r.current.percent)) for r in rows]
    ahead = max(rows, key=lambda r: r.current.percent or 0) if rows else None
    charts = [
        bar_chart(
            title="Milestones done in the current stage",
            summary=(
                f"{len(rows)} {'service' if by == 'service' else 'programme'}"
                f"{'' if len(rows) == 1 else 's'}; the furthest "
                f"through its current stage is {name(ahead)} at "
                f"{percent_text(ahead.current.percent)}."
                if ahead
                else "Nothing to show yet."
            ),
            bars=milestones,
            max_value=100,
            unit_label="Milestones done",
        ),
        bar_chart(
            title="Penetration: active champions ÷ trained champions",
            summary=(
                f"{sum(r.champions.active for r in rows)} of "
                f"{sum(r.champions.trained for r in rows)} trained champions are active."
            ),
            bars=[
                Bar(name(r), r.champions.penetration, percent_text(r.champions.penetration))
                for r in rows
            ],
            max_value=100,
            unit_label="Penetration",
        ),
    ]
    with_compliance = [r for r in rows if r.compliance is not None]
    if with_compliance:
        key = next(iter(with_compliance[0].compliance.figures))  # type: ignore[union-attr]
        label = with_compliance[0].compliance.figures[key].label  # type: ignore[union-attr]
        bars = [_figure_bar(name(r), r.compliance.figures.get(key)) for r in with_compliance]  # type: ignore[union-attr]
        shown = [b for b in bars if b.value is not None]
        charts.append(
            bar_chart(
                title=label,
                summary=(
                    f"Shown for {len(shown)} of {len(bars)}; lowest "
                    f"{min(shown, key=lambda b: b.value or 0).label} at "
                    f"{min(b.value or 0 for b in shown):.0f}%."
                    if shown
                    else "Not shown for any: too few people in each to show safely."
                ),
                bars=bars,
                max_value=100,
                unit_label="Within cadence",
            )
        )
    return charts


# --- Outcomes and fidelity: read from their own apps' query layers ---------------------------


def _impact_cell(group: GroupImpact, text: str, notes: list[str], href: str) -> Cell:
    """A figure of ``outcomes.impact``, or the impact page's own reason it is not shown."""
    if group.empty:
        return Cell("No matched pairs yet", href, numeric=True)
    if group.suppressed:
        if group.suppressed_reason not in notes:
            notes.append(group.suppressed_reason)
        return Cell(NOT_SHOWN, href, note=notes.index(group.suppressed_reason) + 1, numeric=True)
    return Cell(text, href, numeric=True)


def outcomes_table(report: ImpactReport, href: str) -> Table:
    """One row per measure for the whole scope, then one per group (service or cohort):
    completeness, mean change, dz and the share reliably improved, as the impact page
    shows them (``GroupImpact``'s own wording)."""
    notes: list[str] = []
    rows = []
    for m in report.measures:
        for group in [m.total, *m.groups]:
            rows.append(
                [
                    Cell(m.measure.name),
                    Cell(group.name),
                    _impact_cell(group, group.completeness_text, notes, href),
                    _impact_cell(group, group.change_text, notes, href),
                    _impact_cell(group, group.dz_text, notes, href),
                    _impact_cell(group, group.improved_text, notes, href),
                ]
            )
    chosen = report.chosen
    return Table(
        key="outcomes",
        title=(
            f"Outcomes: “{report.measures[0].before_label}” compared with “{chosen.label}”"
            if chosen and report.measures
            else "Outcomes"
        ),
        columns=[
            "Measure",
            report.group_kind,
            "Completeness (matched pairs of baselines)",
            "Mean change (95% CI)",
            "Effect size dz (95% CI)",
            "Reliably improved",
        ],
        rows=rows,
        notes=notes,
    )


def _disclosed_cell(text: str, figure: Disclosed, notes: list[str], href: str) -> Cell:
    if figure.suppressed:
        if figure.reason not in notes:
            notes.append(figure.reason)
        return Cell(text, href, note=notes.index(figure.reason) + 1, numeric=True)
    return Cell(text, href, numeric=True)


def fidelity_table(figures: Aggregates, overall: fidelity_aggregates.Row, href: str) -> Table:
    """The headline per group (a row each, the whole scope last): the mean rating over
    every principle, checks on cadence and support actions, suppressed as
    ``fidelity.aggregates`` decides and worded as its pages word them."""
    text = fidelity_aggregates.cell_text
    notes: list[str] = []
    rows = []
    for i, label in enumerate(figures.columns):
        overall_cell = overall.cells[i]
        cadence = figures.cadence.cells[i]
        actions = figures.actions.cells[i]
        rows.append(
            [
                Cell(label, href),
                _disclosed_cell(text("overall", overall_cell), overall_cell, notes, href),
                _disclosed_cell(text("cadence", cadence), cadence, notes, href),
                _disclosed_cell(text("actions", actions, "opened"), actions, notes, href),
                _disclosed_cell(text("actions", actions, "still_open"), actions, notes, href),
            ]
        )
    return Table(
        key="fidelity",
        title="Fidelity: practice reflections and support",
        columns=[
            "Service" if figures.scope.group_by == "service" else "Team",
            "Mean reflection rating (1 to 4)",
            f"Checks within {figures.scope.interval_days} days of the one before",
            "Support actions opened",
            "Support actions still open",
        ],
        rows=rows,
        notes=notes,
    )


def fidelity_detail_table(figures: Aggregates, name: str, key: str, title: str) -> Table:
    """One of ``fidelity.aggregates``' own tables (per principle, support actions) as a
    ``Table``, with its footnotes renumbered for this table."""
    notes: list[str] = []
    rows = []
    for row in fidelity_aggregates.table_rows(figures, name):
        cells = [Cell(row.label)]
        for text, number in row.cells:
            reason = figures.notes[number - 1] if number else ""
            if reason and reason not in notes:
                notes.append(reason)
            cells.append(Cell(text, note=notes.index(reason) + 1 if reason else None, numeric=True))
        rows.append(cells)
    return Table(
        key=key,
        title=title,
        columns=[
            fidelity_aggregates.TABLES[name],
            *fidelity_aggregates.table_columns(figures, name),
        ],
        rows=rows,
        notes=notes,
    )


def themes_table(themes: list[tuple[str, Disclosed[int]]], figures: Aggregates) -> Table:
    notes: list[str] = []
    rows = [
        [
            Cell(name),
            _disclosed_cell(str(count.value) if count.shown else NOT_SHOWN, count, notes, ""),
        ]
        for name, count in themes
    ]
    return Table(
        key="themes",
        title=(
            f"Challenges surfaced in reflections, last {fidelity_aggregates.THEME_DAYS} days "
            f"({figures.columns[-1]})"
        ),
        columns=["Challenge", "People who raised it"],
        rows=rows,
        notes=notes,
    )


def _add_outcomes(dashboard: Dashboard, report: ImpactReport, href: str) -> None:
    chosen = report.chosen
    dashboard.outcomes = report
    dashboard.outcomes_href = href + (f"after={chosen.key}" if chosen else "")
    dashboard.tables.append(outcomes_table(report, dashboard.outcomes_href))
    if report.measures:
        dashboard.outcome_charts = list(report.measures[0].charts)


def _add_fidelity(dashboard: Dashboard, figures: Aggregates, href: str) -> None:
    """The fidelity tables and charts, and the last two quarters for the rules (four more
    queries than ``aggregates_for``)."""
    scope = figures.scope
    dashboard.fidelity = figures
    dashboard.fidelity_href = href
    dashboard.tables += [
        fidelity_table(figures, fidelity_aggregates.overall_row(scope), href),
        fidelity_detail_table(figures, "principles", "principles", "Mean rating per principle"),
        fidelity_detail_table(figures, "actions", "support_actions", "Support actions"),
        themes_table(fidelity_aggregates.theme_counts(scope, dashboard.as_of), figures),
    ]
    quarters = fidelity_aggregates.quarter_means_by_group(scope, dashboard.as_of)
    dashboard.fidelity_quarters = [(g.label, quarters[g.key]) for g in scope.groups]
    if scope.has_total:
        dashboard.fidelity_quarters.append(
            (scope.total_label, [row.cells[0] for row in figures.trend[-2:]])
        )
    dashboard.fidelity_charts = [fidelity_aggregates.principle_chart(figures)]


def dashboard_scope(
    user: AnyUser, *, programme: Programme | None = None, service: Service | None = None
) -> list[object]:
    """Everything about the viewer that a programme's or a service's dashboard figures
    depend on: the participations they see, whether they see every service or only those
    they manage, and whether they may see the service's staff and teams by name. Two viewers
    with the same scope see the same figures, so the rendered figures can be shared
    between them (``reports.views``). Three queries."""
    roles = roles_for(user)
    if programme is not None:
        visible = participations_visible_to(user).filter(programme=programme)
        return [
            "programme",
            programme.pk,
            sorted(visible.values_list("pk", flat=True)),
            roles.is_admin,
            programme.commissioning_organisation_id in roles.commissioner_org_ids,
            sorted(roles.managed_service_ids),
        ]
    assert service is not None
    visible = participations_visible_to(user).filter(service=service)
    return [
        "service",
        service.pk,
        sorted(visible.values_list("pk", flat=True)),
        staff_visible_to(user).filter(service=service).exists(),
        fidelity_aggregates.may_name_teams(user, service),
    ]


def programme_dashboard(
    user: AnyUser, programme: Programme, as_of: date | None = None
) -> Dashboard:
    """The commissioner's overview: each service the user sees figures for (a service
    manager who does not commission the programme: their own), in a fixed number of
    queries however many services and staff."""
    as_of = as_of or timezone.localdate()
    roles = roles_for(user)
    participations = remembered_rows(
        "programme_dashboard_participations",
        with_agreement_dates(
            participations_with_progress(
                participations_visible_to(user).filter(programme=programme)
            )
        ),
    )
    own_services = None
    if not (roles.is_admin or commissions(user, programme)):
        own_services = Service.objects.filter(pk__in=roles.managed_service_ids)
    compliance = compliance_by_service(programme, as_of, services=own_services)
    by_scope = {c.scope: c for c in compliance.columns} if compliance else {}
    progress = stage_progress(participations, today=as_of)
    champions = champion_counts_by_service(programme, [p.service_id for p in participations])
    rows = [
        ServiceFigures(
            participation=p,
            progress=progress[p.pk],
            champions=champions[p.service_id],
            compliance=by_scope.get(p.service.name),
        )
        for p in participations
    ]
    dashboard = Dashboard(
        level="programme",
        name=programme.name,
        as_of=as_of,
        programme=programme,
        services=rows,
        compliance=compliance,
        champions=ChampionCounts(
            sum(r.champions.nominated for r in rows),
            sum(r.champions.trained for r in rows),
            sum(r.champions.active for r in rows),
        ),
        staff_count=sum(getattr(p, "headcount", 0) for p in participations),
    )
    dashboard.tables = [_service_table(rows, by="service"), _stage_table(rows, by="service")]
    if compliance:
        dashboard.tables.append(
            compliance_table(
                compliance,
                "compliance",
                "Standards compliance",
                reverse("commissioning:standards_detail", args=[programme.pk]),
            )
        )
    dashboard.charts = _charts(rows, by="service")
    service_ids = impact.service_scope_for(user, programme)
    _add_outcomes(
        dashboard,
        impact.impact_report(
            programme=programme,
            service_ids=service_ids,
            scope="All services" if service_ids is None else "Your services",
        ),
        reverse("outcomes:programme_impact", args=[programme.pk]) + "?",
    )
    scope = fidelity_aggregates.programme_scope(
        programme, fidelity_aggregates.services_seen_in_programme(user, programme)
    )
    _add_fidelity(
        dashboard,
        fidelity_aggregates.aggregates_for(scope, as_of),
        reverse("fidelity:programme_aggregates", args=[programme.pk]),
    )
    return dashboard


def service_dashboard(user: AnyUser, service: Service, as_of: date | None = None) -> Dashboard:
    """One service: its part in each programme the user sees, and compliance by team.
    People who may not see the service's staff (commissioners) see teams numbered, not
    named after their line managers."""
    as_of = as_of or timezone.localdate()
    participations = remembered_rows(
        "service_dashboard_participations",
        with_agreement_dates(
            participations_with_progress(participations_visible_to(user).filter(service=service))
        ).order_by("-programme__start_date", "programme__name"),
    )
    standards = standards_by_service([service.pk]).get(service.pk)
    compliance = compliance_by_team(service, standards, as_of) if standards else None
    if compliance and not staff_visible_to(user).filter(service=service).exists():
        for number, column in enumerate(compliance.columns[:-1], start=1):
            column.scope = f"Team {number}"
    total = compliance.columns[-1] if compliance else None
    progress = stage_progress(participations, today=as_of)
    champions = champion_counts_by_programme(service)
    rows = [
        ServiceFigures(
            participation=p,
            progress=progress[p.pk],
            champions=champions.get(p.programme_id, NO_CHAMPIONS),
            # The service's own figures are held to the standards it follows now.
            compliance=total if standards and p.programme_id == standards.programme_id else None,
        )
        for p in participations
    ]
    dashboard = Dashboard(
        level="service",
        name=service.name,
        as_of=as_of,
        service=service,
        services=rows,
        compliance=compliance,
        champions=champions.get(standards.programme_id, NO_CHAMPIONS)
        if standards
        else NO_CHAMPIONS,
        staff_count=total.people if total else 0,
    )
    dashboard.tables = [
        _service_table(rows, by="programme"),
        _stage_table(rows, by="programme"),
    ]
    if compliance:
        dashboard.tables.append(
            compliance_table(compliance, "compliance", "Standards compliance by team")
        )
    dashboard.charts = _charts(rows, by="programme")
    if compliance:
        dashboard.charts.append(_team_chart(compliance))
    if participations:
        # The latest programme, as the service's impact and fidelity pages open on.
        programme = participations[0].programme
        _add_outcomes(
            dashboard,
            impact.impact_report(
                programme=programme,
                service_ids=[service.pk],
                group_by="cohort",
                scope=service.name,
            ),
            reverse("outcomes:service_impact", args=[service.pk]) + f"?programme={programme.pk}&",
        )
        scope = fidelity_aggregates.service_scope(
            programme, service, name_teams=fidelity_aggregates.may_name_teams(user, service)
        )
        _add_fidelity(
            dashboard,
            fidelity_aggregates.aggregates_for(scope, as_of),
            reverse("fidelity:service_aggregates", args=[service.pk])
            + f"?programme={programme.pk}",
        )
    return dashboard


def _team_chart(compliance: ComplianceTable) -> Chart:
    measure = compliance.measures[0]
    bars = [_figure_bar(c.scope, c.figures[measure.key]) for c in compliance.columns]
    shown = [b for b in bars if b.value is not None]
    return bar_chart(
        title=f"{measure.label}, by team",
        summary=(
            f"Shown for {len(shown)} of {len(bars)}; the others have too few people to show safely."
            if len(shown) < len(bars)
            else f"Shown for all {len(bars)}."
        ),
        bars=bars,
        max_value=100,
        unit_label="Within cadence",
    )


def team_line_manager(user: AnyUser) -> StaffMember | None:
    roles = roles_for(user)
    if not roles.is_line_manager or roles.staff_id is None:
        return None
    return StaffMember.objects.select_related("service").get(pk=roles.staff_id)


def team_dashboard(line_manager: StaffMember, as_of: date | None = None) -> Dashboard:
    """A line manager's team: its compliance against the service's standards and its
    champions. Individual cadence is on the team page (supervision:team)."""
    as_of = as_of or timezone.localdate()
    compliance = compliance_for_team(line_manager, as_of)
    champions = champion_counts_for_team(line_manager)
    dashboard = Dashboard(
        level="team",
        name=f"Team of {line_manager.full_name}",
        as_of=as_of,
        service=line_manager.service,
        compliance=compliance,
        champions=champions,
        staff_count=compliance.columns[0].people if compliance else 0,
    )
    dashboard.tables = [
        Table(
            key="champions",
            title="Champions in the team",
            columns=["Nominated", "Trained", "Active", "Penetration (active ÷ trained)"],
            rows=[
                [
                    Cell(str(champions.nominated)),
                    Cell(str(champions.trained)),
                    Cell(str(champions.active)),
                    Cell(percent_text(champions.penetration)),
                ]
            ],
            row_headers=False,
        )
    ]
    if compliance:
        dashboard.tables.append(
            compliance_table(
                compliance, "compliance", "Standards compliance", reverse("supervision:team")
            )
        )
        measures = compliance.columns[0].figures
        dashboard.charts = [
            bar_chart(
                title="The team against the standards",
                summary="Each standard's share of the team within it; hidden where the team "
                "is too small to show safely.",
                bars=[_figure_bar(f.label, f) for f in measures.values()],
                max_value=100,
                unit_label="Share",
            )
        ]
    return dashboard


def programme_for_dashboard(user: AnyUser, pk: int) -> Programme:
    return get_object_or_404(
        programmes_visible_to(user).select_related("commissioning_organisation"), pk=pk
    )
