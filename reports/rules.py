"""Risks and recommendations, derived from a dashboard's figures by stated rules.

Each rule says its threshold in words (shown beside what it finds, on the dashboard and
in the report), looks only at figures the dashboard already shows, and never at a
figure that was suppressed. To add one, write a function that takes a ``Dashboard`` and
yields ``Finding``s, and list it in ``RISK_RULES`` or ``RECOMMENDATION_RULES``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import reverse

from commissioning.models import Agreement, Stage

from .queries import Dashboard, ServiceFigures

# Days a service may spend in a stage before it counts as behind. NIRN expect full
# implementation in 2–4 years, so the stages before it get roughly a year between them.
EXPECTED_STAGE_DAYS: dict[str, int] = {
    Stage.EXPLORATION: 90,
    Stage.INSTALLATION: 180,
    Stage.INITIAL: 365,
}
LOW_SUPERVISION_PERCENT = 70
AGREED_REVIEW_DAYS = 365
SIGN_OFF_WAIT_DAYS = 30
LOW_CPD_PERCENT = 60
LOW_TRAINING_PERCENT = 80
LOW_RESOURCES_PERCENT = 90
LOW_PENETRATION_PERCENT = 50
LOW_COACHING_PERCENT = 70
# A fall in the mean reflection rating (1 to 4) from one quarter to the next that counts
# as a risk: under half the half-point the fidelity app's drift signal needs over three
# quarters, so it shows sooner, between two quarters each about enough people.
FIDELITY_FALL = 0.3


@dataclass(frozen=True)
class Finding:
    rule: str  # the rule's threshold in words
    about: str  # the service (or scope) it concerns
    detail: str  # what the figures say
    href: str = ""


Rule = Callable[[Dashboard], Iterator[Finding]]


def _name(dashboard: Dashboard, row: ServiceFigures) -> str:
    p = row.participation
    return p.service.name if dashboard.level == "programme" else p.programme.name


def behind_on_stage(dashboard: Dashboard) -> Iterator[Finding]:
    words = (
        "A service is behind when it has spent longer in its stage than expected: "
        + ", ".join(f"{Stage(s).label.lower()} {d} days" for s, d in EXPECTED_STAGE_DAYS.items())
        + "."
    )
    for row in dashboard.services:
        current = row.current
        expected = EXPECTED_STAGE_DAYS.get(current.stage)
        if expected and current.days is not None and current.days > expected:
            yield Finding(
                words,
                _name(dashboard, row),
                f"{current.days} days in {current.label.lower()} (expected up to {expected}).",
                reverse("commissioning:participation_detail", args=[row.participation.pk]),
            )


def _low_share(key_prefix: str, limit: int, words: str) -> Rule:
    def rule(dashboard: Dashboard) -> Iterator[Finding]:
        if dashboard.compliance is None:
            return
        columns = dashboard.compliance.columns
        if key_prefix == "resources_current":
            columns = columns[-1:]  # the programme's library: the same in every column
        for column in columns:
            for key, figure in column.figures.items():
                if not key.startswith(key_prefix) or figure.percent is None:
                    continue
                if figure.percent < limit:
                    yield Finding(
                        words,
                        column.scope,
                        f"{figure.label}: {figure.percent}% ({figure.numerator} of "
                        f"{figure.denominator}).",
                        reverse("commissioning:standards_detail", args=[_programme_id(dashboard)])
                        if _programme_id(dashboard)
                        else "",
                    )

    return rule


def _programme_id(dashboard: Dashboard) -> int | None:
    if dashboard.programme:
        return dashboard.programme.pk
    if dashboard.compliance and dashboard.services:
        return dashboard.services[0].participation.programme_id
    return None


low_supervision = _low_share(
    "line_management",
    LOW_SUPERVISION_PERCENT,
    f"Supervision compliance is low below {LOW_SUPERVISION_PERCENT}% of people within "
    "their line management cadence.",
)


def agreement_overdue(dashboard: Dashboard) -> Iterator[Finding]:
    words = (
        f"An agreement is overdue for review when it was agreed more than "
        f"{AGREED_REVIEW_DAYS} days ago, or has waited more than {SIGN_OFF_WAIT_DAYS} days "
        "for sign-off or after being sent back."
    )
    for row in dashboard.services:
        status = getattr(row.participation, "agreement_status", None)
        href = reverse("commissioning:agreement_detail", args=[row.participation.pk])
        if status == Agreement.Status.AGREED and row.agreed_on:
            age = (dashboard.as_of - row.agreed_on).days
            if age > AGREED_REVIEW_DAYS:
                yield Finding(
                    words,
                    _name(dashboard, row),
                    f"Agreed {age} days ago, not reviewed since.",
                    href,
                )
        elif status in (Agreement.Status.AWAITING, Agreement.Status.UNDER_REVIEW):
            if (
                row.waiting_since
                and (dashboard.as_of - row.waiting_since).days > SIGN_OFF_WAIT_DAYS
            ):
                days = (dashboard.as_of - row.waiting_since).days
                yield Finding(
                    words, _name(dashboard, row), f"{row.agreement_label} for {days} days.", href
                )


def falling_fidelity(dashboard: Dashboard) -> Iterator[Finding]:
    words = (
        f"Fidelity is falling when the mean reflection rating fell by {FIDELITY_FALL} or more "
        "(on the scale of 1 to 4) from last quarter to this one, both about enough people "
        "to show."
    )
    for label, (before, now) in (
        (label, cells) for label, cells in dashboard.fidelity_quarters if len(cells) == 2
    ):
        if not (before.shown and now.shown) or before.value is None or now.value is None:
            continue
        fall = float(before.value) - float(now.value)
        if fall >= FIDELITY_FALL - 1e-9:
            yield Finding(
                words,
                label,
                f"The mean reflection rating fell from {float(before.value):.1f} to "
                f"{float(now.value):.1f}.",
                dashboard.fidelity_href,
            )


RISK_RULES: list[Rule] = [behind_on_stage, low_supervision, falling_fidelity, agreement_overdue]


def _recommend(key: str, limit: int, words: str, advice: str) -> Rule:
    low = _low_share(key, limit, words)

    def rule(dashboard: Dashboard) -> Iterator[Finding]:
        for finding in low(dashboard):
            yield Finding(finding.rule, finding.about, f"{finding.detail} {advice}", finding.href)

    return rule


def low_penetration(dashboard: Dashboard) -> Iterator[Finding]:
    words = (
        f"Penetration is low when fewer than {LOW_PENETRATION_PERCENT}% of trained champions "
        "are active."
    )
    for row in dashboard.services:
        penetration = row.champions.penetration
        if penetration is not None and penetration < LOW_PENETRATION_PERCENT:
            yield Finding(
                words,
                _name(dashboard, row),
                f"{row.champions.active} of {row.champions.trained} trained champions are "
                "active. Agree with the service how trained champions will be released and "
                "supported to practise.",
                reverse("cohorts:cohort_list"),
            )


RECOMMENDATION_RULES: list[Rule] = [
    _recommend(
        "line_management",
        LOW_SUPERVISION_PERCENT,
        f"Recommended when fewer than {LOW_SUPERVISION_PERCENT}% of people are within their "
        "line management cadence.",
        "Review protected supervision time in the agreement and the line managers' capacity.",
    ),
    _recommend(
        "coaching",
        LOW_COACHING_PERCENT,
        f"Recommended when fewer than {LOW_COACHING_PERCENT}% of line managers are coached "
        "on cadence.",
        "Schedule coaching for line managers before adding new cohorts.",
    ),
    _recommend(
        "line_manager_training",
        LOW_TRAINING_PERCENT,
        f"Recommended when fewer than {LOW_TRAINING_PERCENT}% of line managers are trained.",
        "Prioritise line managers in the next wave's training.",
    ),
    _recommend(
        "cpd_on_pace",
        LOW_CPD_PERCENT,
        f"Recommended when fewer than {LOW_CPD_PERCENT}% of people are on pace with CPD.",
        "Check the CPD release hours agreed are being given.",
    ),
    _recommend(
        "resources_current",
        LOW_RESOURCES_PERCENT,
        f"Recommended when fewer than {LOW_RESOURCES_PERCENT}% of library resources are "
        "within their review date.",
        "Ask the resources' owners to review them.",
    ),
    low_penetration,
]


def risks(dashboard: Dashboard) -> list[Finding]:
    return [finding for rule in RISK_RULES for finding in rule(dashboard)]


def recommendations(dashboard: Dashboard) -> list[Finding]:
    found = [finding for rule in RECOMMENDATION_RULES for finding in rule(dashboard)]
    # The same figure in a service's column and in the total: keep one of each advice.
    return list({(f.about, f.detail): f for f in found}.values())
