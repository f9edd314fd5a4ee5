"""Impact of a programme, a service or a cohort: matched pre/post pairs, aggregated.

Reads only; the arithmetic is ``outcomes.stats``. Everything leaving this module is an
aggregate, and any aggregate built from fewer matched pairs than the programme's
small-number threshold leaves it as a reason, not a number (DESIGN §3, DOMAIN
"Disclosure control"): suppression happens here, never in templates.

How pairs are made: for each measure *family* (a measure's slug, across its versions),
each person's score at a "before training" point is paired with their score at the
chosen later point (e.g. six weeks after training, or the six-month follow-up) in the
same cohort. Each page runs a fixed number of queries: the points, the responses (one
``values_list``), the standards and the names of the groups.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify

from cohorts.models import Cohort
from commissioning.models import Participation, Programme, Service, Standards
from core import charts
from core.figures import ids_of, remembered
from core.roles import roles_for

from . import stats
from .models import Measure, MeasurementPoint, MeasureResponse

AnyUser = User | AnonymousUser

DEFAULT_THRESHOLD: int = Standards._meta.get_field("small_number_threshold").get_default()
CONFIDENCE = 0.95


# --- Who sees which impact pages --------------------------------------------------------------


def impact_services_visible_to(user: AnyUser) -> QuerySet[Service]:
    """Services whose impact a user may see: their own as a service manager, those in
    their programmes as a commissioner, all for admins. Practitioners and line managers
    see their own responses only, so no service-level figures."""
    roles = roles_for(user)
    if roles.is_admin:
        return Service.objects.all()
    commissioned = Participation.objects.filter(
        programme__commissioning_organisation_id__in=roles.commissioner_org_ids
    ).values("service_id")
    return Service.objects.filter(Q(id__in=roles.managed_service_ids) | Q(id__in=commissioned))


def get_impact_service_for_user(user: AnyUser, pk: int) -> Service:
    return get_object_or_404(impact_services_visible_to(user).select_related("organisation"), pk=pk)


def service_scope_for(user: AnyUser, programme: Programme) -> list[int] | None:
    """Which of a programme's services' figures the user sees: None for all (its
    commissioners and admins), else the services they manage."""
    roles = roles_for(user)
    if roles.is_admin or programme.commissioning_organisation_id in roles.commissioner_org_ids:
        return None
    return sorted(roles.managed_service_ids)


def programmes_for_service_impact(user: AnyUser, service: Service) -> list[Programme]:
    """The programmes a service takes part in whose figures this user may see, latest
    first."""
    roles = roles_for(user)
    participations = Participation.objects.filter(service=service)
    if not (roles.is_admin or service.pk in roles.managed_service_ids):
        participations = participations.filter(
            programme__commissioning_organisation_id__in=roles.commissioner_org_ids
        )
    return list(
        Programme.objects.filter(id__in=participations.values("programme_id")).order_by(
            "-start_date", "name"
        )
    )


# --- The figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """A later measurement point to compare with "before training", chosen on the page."""

    key: str
    label: str


@dataclass
class GroupImpact:
    """The figures for one group (a service, a cohort, or everyone in scope).

    When ``suppressed_reason`` is set every figure is None. ``empty`` means no one in the
    group has scores at both points: nothing hidden, nothing to show.
    """

    name: str
    n_pre: int | None = None
    n_post: int | None = None
    pairs: int | None = None
    change: stats.PairedChange | None = None
    reliable: stats.ReliableChange | None = None
    suppressed_reason: str = ""
    empty: bool = False

    @property
    def suppressed(self) -> bool:
        return bool(self.suppressed_reason)

    @property
    def shown(self) -> bool:
        return not (self.suppressed or self.empty)

    @property
    def completeness(self) -> float | None:
        """Matched pairs ÷ people with a baseline score."""
        if not self.shown or not self.n_pre or self.pairs is None:
            return None
        return self.pairs / self.n_pre

    def hidden(self, reason: str) -> GroupImpact:
        return GroupImpact(self.name, suppressed_reason=reason)

    # Display text for the page's headline and table (formatting only; the figures are
    # worked out above and in outcomes.stats).

    @property
    def completeness_text(self) -> str:
        share = self.completeness
        return "—" if share is None else f"{round(share * 100)}% ({self.pairs} of {self.n_pre})"

    @property
    def means_text(self) -> str:
        c = self.change
        if c is None or c.mean_pre is None or c.mean_post is None:
            return "—"
        return f"{c.mean_pre:.2f} → {c.mean_post:.2f}"

    @property
    def change_text(self) -> str:
        c = self.change
        if c is None or c.mean_change is None:
            return "—"
        text = f"{c.mean_change:+.2f}"
        if c.change_ci is not None:
            text += f" (95% CI {c.change_ci.low:+.2f} to {c.change_ci.high:+.2f})"
        return text

    @property
    def dz_text(self) -> str:
        c = self.change
        if c is None or c.dz is None:
            return "—" if c is None or not c.note else f"— ({c.note})"
        text = f"{c.dz:+.2f}"
        if c.dz_ci is not None:
            text += f" (95% CI {c.dz_ci.low:+.2f} to {c.dz_ci.high:+.2f})"
        return text

    def _count_text(self, count: int | None, share: float | None) -> str:
        if count is None or share is None:
            return "—"
        return f"{count} ({round(share * 100)}%)"

    @property
    def improved_text(self) -> str:
        r = self.reliable
        return "—" if r is None else self._count_text(r.improved, r.improved_share)

    @property
    def no_change_text(self) -> str:
        r = self.reliable
        return (
            "—" if r is None else self._count_text(r.no_reliable_change, r.no_reliable_change_share)
        )

    @property
    def deteriorated_text(self) -> str:
        r = self.reliable
        return "—" if r is None else self._count_text(r.deteriorated, r.deteriorated_share)

    @property
    def recovered_text(self) -> str:
        r = self.reliable
        if r is None or r.recovered is None:
            return "—"
        if not r.could_recover:
            return "No one started on the other side of the cut-off"
        return f"{r.recovered} of {r.could_recover} ({round((r.recovered_share or 0) * 100)}%)"


@dataclass
class MeasureImpact:
    measure: Measure
    before_label: str
    after_label: str
    total: GroupImpact
    groups: list[GroupImpact]
    method: list[str]
    threshold: int
    s_diff: float | None
    charts: list[charts.Chart] = field(default_factory=list)

    @property
    def direction(self) -> str:
        return (
            "Higher scores are better"
            if self.measure.higher_is_better
            else ("Lower scores are better")
        )

    @property
    def notes(self) -> list[str]:
        """Each reason a group's figures are not shown, once."""
        return list(
            dict.fromkeys(g.suppressed_reason for g in [*self.groups, self.total] if g.suppressed)
        )


@dataclass
class ImpactReport:
    scope: str
    group_kind: str  # "Service" or "Cohort": what the rows of the breakdown are
    threshold: int
    comparisons: list[Comparison]
    chosen: Comparison | None
    measures: list[MeasureImpact]


def too_few_reason(threshold: int) -> str:
    return (
        f"Not shown: fewer than {threshold} matched pairs, so the people in it could be identified."
    )


COMPLEMENTARY_REASON = (
    "Not shown: another group's figures are hidden, and these would let them be worked out "
    "from the total."
)


def group_impact(
    name: str,
    pre: dict[tuple[int, int], float],
    post: dict[tuple[int, int], float],
    measure: Measure,
    threshold: int,
) -> tuple[GroupImpact, int]:
    """One group's figures from its people's scores (keyed by person and cohort), and the
    true number of pairs (for complementary suppression; never shown)."""
    keys = [k for k in pre if k in post]
    if not keys:  # no one with both scores: nothing to hide, nothing to show
        return GroupImpact(name, empty=True), 0
    if len(keys) < threshold:
        return GroupImpact(name, suppressed_reason=too_few_reason(threshold)), len(keys)
    before = [pre[k] for k in keys]
    after = [post[k] for k in keys]
    return (
        GroupImpact(
            name,
            n_pre=len(pre),
            n_post=len(post),
            pairs=len(keys),
            change=stats.paired_change(before, after, confidence=CONFIDENCE),
            reliable=stats.reliable_change(
                before,
                after,
                sd_ref=measure.reference_sd,
                reliability=measure.reliability,
                higher_is_better=measure.higher_is_better,
                cutoff=measure.clinical_cutoff,
            ),
        ),
        len(keys),
    )


def suppress_complementary(groups: list[GroupImpact], sizes: list[int]) -> list[GroupImpact]:
    """Where exactly one group with people in it is hidden, hide the next smallest too, so
    the total minus the others cannot give the hidden one away."""
    hidden = [i for i, g in enumerate(groups) if g.suppressed and sizes[i] > 0]
    if len(hidden) != 1:
        return groups
    candidates = [i for i, g in enumerate(groups) if g.shown and sizes[i] > 0]
    if not candidates:
        return groups
    smallest = min(candidates, key=lambda i: (sizes[i], i))
    result = list(groups)
    result[smallest] = groups[smallest].hidden(COMPLEMENTARY_REASON)
    return result


def comparisons_of(points: Iterable[MeasurementPoint]) -> list[Comparison]:
    """The later points to compare with, by label, in the order they fall."""
    later = sorted(
        (p for p in points if p.kind != MeasurementPoint.Kind.PRE),
        key=lambda p: (p.anchor != MeasurementPoint.Anchor.TRAINING_START, p.opens_after_days),
    )
    found: dict[str, Comparison] = {}
    for point in later:
        key = slugify(point.label)
        found.setdefault(key, Comparison(key, point.label))
    return list(found.values())


def impact_report(
    *,
    programme: Programme,
    after: str | None = None,
    service_ids: list[int] | None = None,
    cohort: Cohort | None = None,
    group_by: str = "service",
    scope: str = "",
) -> ImpactReport:
    """The impact figures for a programme, optionally narrowed to some services or one
    cohort, broken down by service or by cohort (``group_by``), comparing "before
    training" with the later point whose key is ``after`` (the first later point by
    default). Four queries, none while the data has not changed (``core.figures``)."""
    key = [programme.pk, after, ids_of(service_ids), getattr(cohort, "pk", None), group_by]
    return remembered(
        "impact_report",
        [*key, scope, timezone.localdate()],
        lambda: _impact_report(programme, after, service_ids, cohort, group_by, scope),
        # Only responses at the programme's points are read, and a response counts in
        # the scope of its point's programme; narrowed to services, in theirs too.
        programmes=[programme.pk] if service_ids is None else None,
        services=service_ids,
    )


def _impact_report(
    programme: Programme,
    after: str | None,
    service_ids: list[int] | None,
    cohort: Cohort | None,
    group_by: str,
    scope: str,
) -> ImpactReport:
    threshold = (
        Standards.objects.filter(programme=programme)
        .values_list("small_number_threshold", flat=True)
        .first()
    ) or DEFAULT_THRESHOLD
    points = list(
        MeasurementPoint.objects.filter(programme=programme)
        .select_related("measure")
        .order_by("measure__slug", "pk")
    )
    comparisons = comparisons_of(points)
    chosen = next((c for c in comparisons if c.key == after), None) or (
        comparisons[0] if comparisons else None
    )
    if chosen is None:
        return ImpactReport(scope, group_by.title(), threshold, [], None, [])

    pre_points = {p.pk: p for p in points if p.kind == MeasurementPoint.Kind.PRE}
    after_points = {p.pk: p for p in points if slugify(p.label) == chosen.key}
    families: dict[str, Measure] = {}  # slug -> the newest version the programme uses
    for p in points:
        if p.pk in pre_points or p.pk in after_points:
            current = families.get(p.measure.slug)
            if current is None or p.measure.pk > current.pk:
                families[p.measure.slug] = p.measure
    before_label = next(iter(pre_points.values())).label if pre_points else "Before training"

    responses = MeasureResponse.objects.filter(point_id__in=[*pre_points, *after_points])
    if service_ids is not None:
        responses = responses.filter(staff__service_id__in=service_ids)
    if cohort is not None:
        responses = responses.filter(cohort=cohort)
    rows = responses.order_by("completed_at", "pk").values_list(
        "staff_id", "cohort_id", "point_id", "score", "staff__service_id"
    )

    if group_by == "cohort":
        named = Cohort.objects.filter(programme=programme)
        if cohort is not None:
            named = named.filter(pk=cohort.pk)
        group_names = dict(named.order_by("wave", "name").values_list("pk", "name"))
    else:
        named_services = Service.objects.filter(participations__programme=programme)
        if service_ids is not None:
            named_services = named_services.filter(pk__in=service_ids)
        group_names = dict(named_services.order_by("name").values_list("pk", "name"))

    # family slug -> "pre"/"post" -> group id -> (person, cohort) -> score (the first given)
    scores: dict[str, dict[str, dict[int, dict[tuple[int, int], float]]]] = {}
    for staff_id, cohort_id, point_id, score, service_id in rows:
        point = pre_points.get(point_id) or after_points[point_id]
        side = "pre" if point_id in pre_points else "post"
        group = cohort_id if group_by == "cohort" else service_id
        if group not in group_names:
            continue
        by_side = scores.setdefault(point.measure.slug, {"pre": {}, "post": {}})
        by_side[side].setdefault(group, {}).setdefault((staff_id, cohort_id), score)

    measures = []
    for slug, measure in sorted(families.items(), key=lambda kv: kv[1].name):
        by_side = scores.get(slug, {"pre": {}, "post": {}})
        results = [
            group_impact(
                name,
                by_side["pre"].get(gid, {}),
                by_side["post"].get(gid, {}),
                measure,
                threshold,
            )
            for gid, name in group_names.items()
        ]
        all_pre = {k: v for g in by_side["pre"].values() for k, v in g.items()}
        all_post = {k: v for g in by_side["post"].values() for k, v in g.items()}
        total, _ = group_impact(scope or "Everyone", all_pre, all_post, measure, threshold)
        groups = [g for g, _ in results]
        if total.shown and len(groups) > 1:
            groups = suppress_complementary(groups, [n for _, n in results])
        s_diff = (
            stats.standard_error_of_difference(measure.reference_sd, measure.reliability)
            if measure.reference_sd is not None and measure.reliability is not None
            else None
        )
        impact = MeasureImpact(
            measure=measure,
            before_label=before_label,
            after_label=chosen.label,
            total=total,
            groups=groups,
            method=method_notes(measure, before_label, chosen.label, threshold, s_diff),
            threshold=threshold,
            s_diff=s_diff,
        )
        impact.charts = impact_charts(impact, group_by)
        measures.append(impact)
    return ImpactReport(scope, group_by.title(), threshold, comparisons, chosen, measures)


# --- How each figure is calculated -------------------------------------------------------------


def _num(value: float) -> str:
    return f"{value:.3g}"


def method_notes(
    measure: Measure, before: str, after: str, threshold: int, s_diff: float | None
) -> list[str]:
    """The 'how this is calculated' note, with this measure's own figures filled in."""
    better = "higher" if measure.higher_is_better else "lower"
    notes = [
        f"Matched pairs: people with a score both “{before}” and “{after}” in the same "
        "cohort; everyone else is left out of the change figures. Completeness is matched "
        f"pairs ÷ people with a “{before}” score.",
        "Mean change = the average of (after − before) over matched pairs, with a 95% "
        "confidence interval of mean ± t(0.975; n − 1) × SD of the changes ÷ √n (the paired "
        f"t interval). {better.capitalize()} scores are better on this measure.",
        "Effect size dz = mean change ÷ SD of the changes (Cohen's d for paired data; "
        "Lakens 2013). 95% interval: dz ± t(0.975; n − 1) × √(1/n + dz² ÷ 2n), a "
        "large-sample approximation.",
    ]
    if s_diff is not None and s_diff > 0:
        assert measure.reference_sd is not None and measure.reliability is not None
        notes.append(
            "Reliable change per person (Jacobson & Truax 1991): S_diff = √2 × SD × √(1 − r) "
            f"with the measure's reference SD {_num(measure.reference_sd)} and reliability "
            f"r = {_num(measure.reliability)}, so S_diff = {s_diff:.3f}. A person's change is "
            f"reliable when |after − before| ÷ S_diff > 1.96, i.e. more than "
            f"{1.96 * s_diff:.2f} points; a reliable change towards {better} scores is an "
            "improvement, the other way a deterioration."
        )
    else:
        notes.append(
            "Reliable change is not calculated: the measure has no reference SD and "
            "reliability (or they leave no measurement error)."
        )
    if measure.clinical_cutoff is not None:
        worse = "below" if measure.higher_is_better else "above"
        notes.append(
            "Clinically significant change (Jacobson & Truax): a reliable improvement that "
            f"also moves from {worse} the measure's declared cut-off of "
            f"{_num(measure.clinical_cutoff)} to the other side of it (a score on the cut-off "
            "counts as the better side). The share is of the people who started "
            f"{worse} the cut-off."
        )
    notes.append(
        f"Figures from fewer than {threshold} matched pairs are not shown (the programme's "
        "small-number threshold); where exactly one group is hidden, the next smallest is "
        "hidden too, so it cannot be worked out from the total. Individual responses are "
        "never shown."
    )
    return notes


def _percent(share: float | None) -> str:
    return "" if share is None else f"{round(share * 100)}%"


def impact_charts(impact: MeasureImpact, group_by: str) -> list[charts.Chart]:
    """Reliable change for everyone in scope as one split bar, and the share reliably
    improved in each group (hidden groups drawn as 'Not shown')."""
    out = []
    total = impact.total
    if total.shown and total.reliable is not None:
        rc = total.reliable
        parts = [
            ("Reliably improved", rc.improved, rc.improved_share),
            ("No reliable change", rc.no_reliable_change, rc.no_reliable_change_share),
            ("Reliably deteriorated", rc.deteriorated, rc.deteriorated_share),
        ]
        out.append(
            charts.share_bar(
                title=f"Reliable change per person: {impact.measure.name}",
                summary=(
                    f"Of {rc.n} people with matched pairs, {rc.improved} "
                    f"({_percent(rc.improved_share)}) reliably improved, "
                    f"{rc.no_reliable_change} ({_percent(rc.no_reliable_change_share)}) showed "
                    f"no reliable change and {rc.deteriorated} "
                    f"({_percent(rc.deteriorated_share)}) reliably deteriorated."
                ),
                parts=[
                    charts.Bar(label, count, f"{count} ({_percent(share)})")
                    for label, count, share in parts
                ],
            )
        )
    rows = [g for g in impact.groups if not g.empty]
    if len(rows) > 1 and impact.s_diff:
        bars = []
        for g in rows:
            if g.shown and g.reliable is not None:
                bars.append(
                    charts.Bar(
                        g.name,
                        g.reliable.improved_share,
                        f"{_percent(g.reliable.improved_share)} of {g.reliable.n}",
                    )
                )
            else:
                bars.append(charts.Bar(g.name, None, "Not shown"))
        shown = [g for g in rows if g.shown]
        if not shown:
            return out
        out.append(
            charts.bar_chart(
                title=f"Share reliably improved by {group_by}: {impact.measure.name}",
                summary=(
                    f"The share of people reliably improved in each {group_by}; "
                    f"{len(rows) - len(shown)} of {len(rows)} not shown because they have "
                    f"fewer than {impact.threshold} matched pairs or would reveal one that does."
                ),
                bars=bars,
                max_value=1,
                unit_label="Reliably improved",
            )
        )
    return out
