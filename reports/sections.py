"""The sections of a report, in order: each a title, a template and a function giving the
template its context from the report's figures.

A further section is added by writing one
``Section`` and inserting it into ``PROGRAMME_SECTIONS``/``SERVICE_SECTIONS``; the
contents page, numbering and PDF follow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, Subquery

from commissioning.models import Agreement, Participation, Stage
from commissioning.queries import AGREEMENT_FIELDS, AGREEMENT_SECTIONS, agreement_value

from . import rules
from .queries import Dashboard, Table


@dataclass
class ReportData:
    """What every section reads: the dashboard's figures and who produced the report."""

    dashboard: Dashboard
    produced_by: str
    produced_at: datetime
    risks: list[rules.Finding] = field(default_factory=list)
    recommendations: list[rules.Finding] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    template: str
    context: Callable[[ReportData], dict]


def latest_agreements_of(participations: list[Participation]) -> list[Agreement]:
    """Each participation's latest agreement, with its pressure tags, in two queries."""
    latest = Agreement.objects.filter(participation=OuterRef("pk")).order_by("-version")
    ids = Participation.objects.filter(pk__in=[p.pk for p in participations]).values(
        latest_id=Subquery(latest.values("pk")[:1])
    )
    return list(
        Agreement.objects.filter(pk__in=ids)
        .select_related("participation__service", "participation__programme")
        .prefetch_related("pressure_tags")
        .order_by("participation__service__name", "participation__programme__name")
    )


def _summary(data: ReportData) -> dict:
    dashboard = data.dashboard
    stages = []
    for value, label in Stage.choices:
        names = [
            (
                r.participation.service.name
                if dashboard.level == "programme"
                else r.participation.programme.name
            )
            for r in dashboard.services
            if r.current.stage == value
        ]
        stages.append((label, STAGE_WORDS[value], names))
    headline = []
    total = dashboard.compliance.columns[-1] if dashboard.compliance else None
    if total:
        for figure in total.figures.values():
            headline.append((figure.label, _figure_text(figure)))
    champions = dashboard.champions
    return {
        "stages": stages,
        "headline": headline,
        "champions": champions,
        "services": len(dashboard.services),
        "agreed": sum(
            1
            for r in dashboard.services
            if getattr(r.participation, "agreement_status", None) == Agreement.Status.AGREED
        ),
        "risk_count": len(data.risks),
        "outcome_words": _outcome_words(dashboard),
        "fidelity_words": _fidelity_words(dashboard),
    }


def _outcome_words(dashboard: Dashboard) -> list[str]:
    """The outcome headline in plain words, one sentence per measure."""
    report = dashboard.outcomes
    if report is None or report.chosen is None or not report.measures:
        return ["No outcome measures with a later measurement point are set yet."]
    words = []
    for m in report.measures:
        total = m.total
        about = f"{m.measure.name} (“{m.before_label}” to “{m.after_label}”)"
        if total.empty:
            words.append(f"{about}: no one has scores at both points yet.")
        elif total.suppressed:
            words.append(f"{about}: {total.suppressed_reason}")
        else:
            words.append(
                f"{about}: {total.completeness_text} of the people with a baseline have a "
                f"matched pair; {total.improved_text} reliably improved; mean change "
                f"{total.change_text}; effect size dz {total.dz_text} "
                f"({m.direction.lower()})."
            )
    return words


def _fidelity_words(dashboard: Dashboard) -> list[str]:
    """The fidelity headline in one plain sentence, from the fidelity table's total row
    (the same cells the dashboard shows)."""
    headline = dashboard.fidelity_headline
    if len(headline) != 4:
        return []

    def say(index: int) -> str:
        _, cell, reason = headline[index]
        return "not shown (too few people)" if reason else cell.text

    interval = dashboard.fidelity.scope.interval_days if dashboard.fidelity else 0
    return [
        f"Practice reflections: the mean rating across the model's principles is {say(0)} "
        f"on a scale of 1 (Not yet) to 4 (Consistently); checks within {interval} days of "
        f"the one before: {say(1)}; support actions opened: {say(2)}, still open: {say(3)}."
    ]


def _figure_text(figure) -> str:
    if figure.suppressed:
        return "None yet" if figure.empty else "Not shown (too few people)"
    return f"{figure.percent}% ({figure.numerator} of {figure.denominator})"


STAGE_WORDS: dict[str, str] = {
    Stage.EXPLORATION: "deciding together whether and how to take the practice on",
    Stage.INSTALLATION: "putting the people, time and supervision in place before practice starts",
    Stage.INITIAL: "first champions practising, with support while it is new",
    Stage.FULL: "the practice is how the service works, for most of its staff",
    Stage.SUSTAINMENT: "keeping it going through turnover and change",
}


def _tables(*keys: str) -> Callable[[ReportData], dict]:
    def context(data: ReportData) -> dict:
        tables: list[Table] = [t for k in keys if (t := data.dashboard.table(k))]
        return {"tables": tables}

    return context


def _stages(data: ReportData) -> dict:
    charts = [c for c in data.dashboard.charts if c.title.startswith("Milestones")]
    tables = [
        t.only(0, 1, 2, 3, 4, title="Current stage and agreement")
        for k in ("services", "programmes")
        if (t := data.dashboard.table(k))
    ]
    stages = data.dashboard.table("stages")
    return {"tables": tables + ([stages] if stages else []), "charts": charts}


def _champions(data: ReportData) -> dict:
    charts = [c for c in data.dashboard.charts if c.title.startswith("Penetration")]
    tables = [
        t.only(0, 5, 6, 7, 8, title="Champions")
        for k in ("services", "programmes")
        if (t := data.dashboard.table(k))
    ]
    return {"champions": data.dashboard.champions, "tables": tables, "charts": charts}


def _compliance(data: ReportData) -> dict:
    charts = [
        c for c in data.dashboard.charts if not c.title.startswith(("Milestones", "Penetration"))
    ]
    return {
        **_tables("compliance")(data),
        "charts": charts,
        "compliance": data.dashboard.compliance,
    }


def _outcomes(data: ReportData) -> dict:
    table = data.dashboard.table("outcomes")
    return {
        "outcomes": data.dashboard.outcomes,
        "tables": [table] if table else [],
        "charts": data.dashboard.outcome_charts,
    }


def _fidelity(data: ReportData) -> dict:
    return {
        "fidelity": data.dashboard.fidelity,
        **_tables("fidelity", "principles", "support_actions")(data),
        "themes": data.dashboard.table("themes"),
        "charts": data.dashboard.fidelity_charts,
    }


def _pressures(data: ReportData) -> dict:
    snapshot = [f for f in AGREEMENT_FIELDS if f.section == AGREEMENT_SECTIONS[0]]
    rows = [
        (
            a,
            [(f.label, agreement_value(a, f)) for f in snapshot],
            agreement_value(a, next(f for f in AGREEMENT_FIELDS if f.name == "pressure_tags")),
        )
        for a in data.agreements
    ]
    return {"rows": rows, "level": data.dashboard.level}


def _risks(data: ReportData) -> dict:
    return {"risks": data.risks, "recommendations": data.recommendations}


def _methods(data: ReportData) -> dict:
    compliance = data.dashboard.compliance
    return {
        "threshold": compliance.threshold if compliance else None,
        "stage_days": [(Stage(s).label, d) for s, d in rules.EXPECTED_STAGE_DAYS.items()],
        "fidelity_fall": rules.FIDELITY_FALL,
    }


SUMMARY = Section("summary", "Executive summary", "reports/sections/summary.html", _summary)
STAGES = Section("stages", "Stage progress", "reports/sections/stages.html", _stages)
CHAMPIONS = Section(
    "champions", "Champions and cohorts", "reports/sections/champions.html", _champions
)
COMPLIANCE = Section(
    "compliance", "Standards compliance", "reports/sections/compliance.html", _compliance
)
OUTCOMES = Section("outcomes", "Outcomes", "reports/sections/outcomes.html", _outcomes)
FIDELITY = Section(
    "fidelity",
    "Fidelity and support actions",
    "reports/sections/fidelity.html",
    _fidelity,
)
PRESSURES = Section(
    "pressures",
    "Workforce pressures from the agreements",
    "reports/sections/pressures.html",
    _pressures,
)
RECOMMENDATIONS = Section(
    "recommendations", "Risks and recommendations", "reports/sections/recommendations.html", _risks
)
METHODS = Section(
    "methods", "How the figures are worked out", "reports/sections/methods.html", _methods
)

PROGRAMME_SECTIONS: list[Section] = [
    SUMMARY,
    STAGES,
    CHAMPIONS,
    COMPLIANCE,
    OUTCOMES,
    FIDELITY,
    PRESSURES,
    RECOMMENDATIONS,
    METHODS,
]
SERVICE_SECTIONS: list[Section] = PROGRAMME_SECTIONS
