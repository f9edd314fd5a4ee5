"""Reads for supervision and CPD: what each user may see, and the figures pages share.

Cadence and compliance are worked out in two steps: one query loads the people with the
facts cadence needs (their last session of each type, CPD this registration year,
whether they manage anyone), then ``supervision.cadence`` applies the programme's
standards to them in plain Python. So each page, the daily reminder run and the
compliance figures run a fixed number of queries however many people they cover.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cohorts.models import StaffMember, TrainingCompletion
from commissioning.models import (
    CadenceRule,
    CommissionerMembership,
    Participation,
    Programme,
    Resource,
    Service,
    Standards,
    SupervisionType,
)
from core.figures import query_key, remembered
from core.queries import count_of, sum_of
from core.roles import roles_for
from fidelity.models import SupportAction

from . import cadence
from .cadence import Cadence, CpdPace, CpdTargets, Figure, Rule, Status
from .models import (
    CpdActivity,
    NotificationPreference,
    Reminder,
    ReminderDigest,
    SupervisionSession,
)

AnyUser = User | AnonymousUser

TYPE_LABELS: dict[str, str] = dict(SupervisionType.choices)
# How far back the line manager's capability panel looks.
CAPABILITY_WINDOW_DAYS = 91
WELLBEING_TREND_MONTHS = 6
DEFAULT_THRESHOLD = Standards._meta.get_field("small_number_threshold").get_default()


def registration_year(today: date | None = None) -> tuple[date, date]:
    """Social Work England's registration year: 1 December to 30 November."""
    return cadence.registration_year(today or timezone.localdate())


# --- Who sees what -----------------------------------------------------------------------------


def sessions_visible_to(user: AnyUser) -> QuerySet[SupervisionSession]:
    """Supervision records, notes included, belong to the supervisee and supervisor only."""
    roles = roles_for(user)
    if not roles.staff_id:
        return SupervisionSession.objects.none()
    return SupervisionSession.objects.filter(
        Q(supervisee_id=roles.staff_id) | Q(supervisor_id=roles.staff_id)
    )


def get_session_for_user(user: AnyUser, pk: int) -> SupervisionSession:
    return get_object_or_404(
        sessions_visible_to(user).select_related("supervisee", "supervisor", "affirmed_by"),
        pk=pk,
    )


def cpd_visible_to(user: AnyUser) -> QuerySet[CpdActivity]:
    roles = roles_for(user)
    return (
        CpdActivity.objects.filter(staff_id=roles.staff_id)
        if roles.staff_id
        else (CpdActivity.objects.none())
    )


def reminders_for(user: AnyUser) -> QuerySet[Reminder]:
    """A person's reminders that they have not dismissed, newest first."""
    if not user.is_authenticated:
        return Reminder.objects.none()
    return Reminder.objects.filter(recipient=user, dismissed_at__isnull=True)


def dismissed_reminders_for(user: AnyUser) -> QuerySet[Reminder]:
    if not user.is_authenticated:
        return Reminder.objects.none()
    return Reminder.objects.filter(recipient=user, dismissed_at__isnull=False).order_by(
        "-dismissed_at"
    )


def get_reminder_for_user(user: AnyUser, pk: int) -> Reminder:
    """Reminders are private to their recipient: anyone else gets 404."""
    if not user.is_authenticated:
        raise Http404("No such reminder.")
    return get_object_or_404(Reminder, pk=pk, recipient=user)


def latest_digest_for(user: AnyUser) -> ReminderDigest | None:
    if not user.is_authenticated:
        return None
    return ReminderDigest.objects.filter(recipient=user).order_by("-day").first()


def notification_preference_for(user: User) -> NotificationPreference:
    """The person's preference, or the default (email on) when they have not set one."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )


def supervisor_candidates(staff: StaffMember) -> QuerySet[StaffMember]:
    """Who can be named as someone's supervisor: active colleagues in their service and
    their line manager (who may work elsewhere). Never themselves."""
    condition = Q(service_id=staff.service_id)
    if staff.line_manager_id:
        condition |= Q(pk=staff.line_manager_id)
    return (
        StaffMember.objects.filter(condition, is_active=True)
        .exclude(pk=staff.pk)
        .order_by("full_name")
    )


def resources_for(staff: StaffMember) -> QuerySet[Resource]:
    """Library resources a person can link CPD to: those of the bodies commissioning the
    programmes their service takes part in."""
    organisations = Participation.objects.filter(service_id=staff.service_id).values(
        "programme__commissioning_organisation_id"
    )
    return Resource.objects.filter(organisation_id__in=organisations).order_by("title")


# --- The standards that apply to a person ------------------------------------------------------


@dataclass(frozen=True)
class AppliedStandards:
    """A programme's standards in the shape cadence needs."""

    programme_id: int
    programme_name: str
    organisation_id: int
    expected_from: date  # the programme's start: cadence is measured from then
    rules: tuple[Rule, ...]
    coaching_interval_days: int
    min_session_minutes: int
    cpd_targets: CpdTargets
    small_number_threshold: int
    clinical_available: bool

    def rules_for(self, *, is_line_manager: bool) -> list[Rule]:
        """The rules that apply to a person. Everyone has line management supervision
        and, where the programme makes it available, clinical supervision. Line managers
        have coaching as their reflective space; everyone else has reflective and group
        reflective supervision."""
        if is_line_manager:
            applies = {SupervisionType.LINE_MANAGEMENT, SupervisionType.COACHING}
        else:
            applies = {
                SupervisionType.LINE_MANAGEMENT,
                SupervisionType.REFLECTIVE,
                SupervisionType.GROUP_REFLECTIVE,
            }
        if self.clinical_available:
            applies.add(SupervisionType.CLINICAL)
        return [r for r in self.rules if r.supervision_type in applies]

    @property
    def types(self) -> list[str]:
        """The supervision types with a cadence, in the order SupervisionType lists them."""
        present = {r.supervision_type for r in self.rules}
        return [t for t in SupervisionType.values if t in present]


def applied_standards(
    standards: Iterable[Standards], rules: Iterable[CadenceRule]
) -> dict[int, AppliedStandards]:
    """Standards id → AppliedStandards. Coaching follows its own cadence rules where the
    programme set some, and the standards' coaching interval otherwise."""
    by_standards: dict[int, list[Rule]] = {}
    for r in rules:
        by_standards.setdefault(r.standards_id, []).append(
            Rule(
                supervision_type=r.supervision_type,
                interval_days=r.interval_days,
                newly_qualified=r.newly_qualified,
                from_week=r.from_week,
                to_week=r.to_week,
            )
        )
    applied = {}
    for s in standards:
        own = by_standards.get(s.pk, [])
        if not any(r.supervision_type == SupervisionType.COACHING for r in own):
            own.append(Rule(SupervisionType.COACHING, s.coaching_interval_days))
        applied[s.pk] = AppliedStandards(
            programme_id=s.programme_id,
            programme_name=s.programme.name,
            organisation_id=s.programme.commissioning_organisation_id,
            expected_from=s.programme.start_date,
            rules=tuple(own),
            coaching_interval_days=s.coaching_interval_days,
            min_session_minutes=s.min_session_minutes,
            cpd_targets=CpdTargets(
                s.cpd_hours_per_year, s.cpd_pieces_per_year, s.cpd_peer_reflection_pieces
            ),
            small_number_threshold=s.small_number_threshold,
            clinical_available=s.clinical_supervision_available,
        )
    return applied


def standards_by_service(service_ids: Iterable[int] | None = None) -> dict[int, AppliedStandards]:
    """Service id → the standards its staff are held to (two queries).

    A service in several programmes follows the most recently started one that has
    standards: that is the programme it is implementing now.
    """
    participations = Participation.objects.filter(programme__standards__isnull=False)
    if service_ids is not None:
        participations = participations.filter(service_id__in=list(service_ids))
    chosen: dict[int, Standards] = {}
    for p in participations.select_related("programme__standards__programme").order_by(
        "service_id", "-programme__start_date", "-programme_id"
    ):
        chosen.setdefault(p.service_id, p.programme.standards)
    standards = {s.pk: s for s in chosen.values()}
    applied = applied_standards(
        standards.values(), CadenceRule.objects.filter(standards_id__in=list(standards))
    )
    return {service_id: applied[s.pk] for service_id, s in chosen.items()}


def standards_for_programme(programme: Programme) -> AppliedStandards | None:
    standards = Standards.objects.filter(programme=programme).select_related("programme").first()
    if standards is None:
        return None
    return applied_standards([standards], standards.cadence_rules.all())[standards.pk]


# --- Cadence for many people in one query ------------------------------------------------------


def last_session_field(supervision_type: str) -> str:
    return f"last_{supervision_type}"


def with_cadence_facts(
    staff: QuerySet[StaffMember], year: tuple[date, date]
) -> QuerySet[StaffMember]:
    """Annotate what cadence and CPD pace need: the latest session of each type, CPD this
    registration year, and whether the person manages anyone. Each is a correlated
    subquery on an index, so one query covers any number of people."""
    start, end = year
    received = SupervisionSession.objects.filter(supervisee_id=OuterRef("pk")).order_by("-held_on")
    cpd = CpdActivity.objects.filter(staff_id=OuterRef("pk"), done_on__range=(start, end))
    last_sessions = {
        last_session_field(t): Subquery(received.filter(supervision_type=t).values("held_on")[:1])
        for t in SupervisionType.values
    }
    return staff.annotate(
        **last_sessions,
        cpd_hours=sum_of(cpd, "hours", DecimalField(max_digits=7, decimal_places=1)),
        cpd_pieces=count_of(cpd),
        cpd_peer_pieces=count_of(cpd.filter(peer_reflection=True)),
        manages_anyone=Exists(
            StaffMember.objects.filter(line_manager_id=OuterRef("pk"), is_active=True)
        ),
    )


@dataclass
class PersonCadence:
    """One person's supervision cadence by type and CPD pace, under their standards."""

    staff: StaffMember
    standards: AppliedStandards | None
    cadences: list[Cadence] = field(default_factory=list)
    cpd: CpdPace | None = None

    @cached_property  # cadences are complete once cadence_of returns; asked per measure
    def by_type(self) -> dict[str, Cadence]:
        return {c.supervision_type: c for c in self.cadences}

    @property
    def overdue(self) -> list[Cadence]:
        return [c for c in self.cadences if c.status is Status.OVERDUE]

    @property
    def supervision(self) -> list[Cadence]:
        """Supervision they receive, coaching apart."""
        return [c for c in self.cadences if c.supervision_type != SupervisionType.COACHING]

    @property
    def coaching(self) -> Cadence | None:
        return self.by_type.get(SupervisionType.COACHING)

    def cells(self, types: list[str]) -> list[Cadence | None]:
        """The cadence for each of ``types`` (None where it does not apply to them)."""
        by_type = self.by_type
        return [by_type.get(t) for t in types]


def cadence_of(
    person: StaffMember, standards: AppliedStandards | None, today: date
) -> PersonCadence:
    """Apply standards to a person annotated by ``with_cadence_facts``.

    Supervision cadence applies to people with a line manager (who arranges it); people
    at the top of a service are not tracked. Coaching applies to line managers.
    """
    result = PersonCadence(staff=person, standards=standards)
    if standards is None:
        return result
    if person.line_manager_id:
        rules = standards.rules_for(is_line_manager=bool(getattr(person, "manages_anyone", False)))
        for supervision_type in cadence.types_with_rules(rules):
            position = cadence.cadence_for(
                rules,
                supervision_type,
                newly_qualified=person.newly_qualified,
                start_date=person.start_date,
                last=getattr(person, last_session_field(supervision_type)),
                today=today,
                expected_from=standards.expected_from,
            )
            if position is not None:
                result.cadences.append(position)
        order = {t: i for i, t in enumerate(SupervisionType.values)}
        result.cadences.sort(key=lambda c: order[c.supervision_type])
    year_start, year_end = cadence.registration_year(today)
    result.cpd = cadence.cpd_pace(
        hours=getattr(person, "cpd_hours", Decimal(0)),
        pieces=getattr(person, "cpd_pieces", 0),
        peer_pieces=getattr(person, "cpd_peer_pieces", 0),
        targets=standards.cpd_targets,
        year_start=year_start,
        year_end=year_end,
        today=today,
        start_date=person.start_date,
    )
    return result


def cadence_for_people(
    staff: QuerySet[StaffMember], today: date | None = None
) -> list[PersonCadence]:
    """Cadence and CPD pace for everyone in ``staff``, in three queries."""
    today = today or timezone.localdate()
    people = list(with_cadence_facts(staff, registration_year(today)))
    standards = standards_by_service({p.service_id for p in people})
    return [cadence_of(p, standards.get(p.service_id), today) for p in people]


def cadence_for_staff(staff_id: int, today: date | None = None) -> PersonCadence | None:
    rows = cadence_for_people(StaffMember.objects.filter(pk=staff_id), today)
    return rows[0] if rows else None


# --- Pages ---------------------------------------------------------------------------------------


def team_overview(user: AnyUser, today: date | None = None) -> list[PersonCadence]:
    """A line manager's reports with their cadence by type, CPD pace and open support
    actions, in four queries."""
    roles = roles_for(user)
    reports = (
        StaffMember.objects.filter(line_manager_id=roles.staff_id, is_active=True)
        if roles.staff_id
        else StaffMember.objects.none()
    )
    reports = reports.annotate(
        open_actions=count_of(
            SupportAction.objects.filter(staff_id=OuterRef("pk"), done_on__isnull=True)
        )
    ).order_by("full_name")
    return cadence_for_people(reports, today)


def types_in(rows: list[PersonCadence]) -> list[str]:
    """The supervision types anyone in ``rows`` is held to, in SupervisionType's order:
    the team table's columns."""
    present = {c.supervision_type for row in rows for c in row.supervision}
    return [t for t in SupervisionType.values if t in present]


def sessions_awaiting_confirmation(user: AnyUser) -> QuerySet[SupervisionSession]:
    """Sessions this person gave that their supervisees logged and nobody has confirmed
    yet: significant concerns first, then the newest."""
    roles = roles_for(user)
    if not roles.staff_id:
        return SupervisionSession.objects.none()
    return (
        SupervisionSession.objects.filter(supervisor_id=roles.staff_id, affirmed_at__isnull=True)
        .select_related("supervisee")
        .annotate(
            significant=Case(
                When(vicarious_trauma_concern=SupervisionSession.Concern.HIGH, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("significant", "-held_on", "-id")
    )


@dataclass(frozen=True)
class Capability:
    """The line manager's own capability panel."""

    me: PersonCadence
    trained_on: date | None
    coaching: Cadence | None
    reflective_share: int | None  # % of the minutes of supervision they gave
    sessions_given: int
    window_start: date
    wellbeing: Figure  # share of their team's sessions where wellbeing was checked
    wellbeing_trend: list[tuple[date, Figure]]


def line_manager_capability(user: AnyUser, today: date | None = None) -> Capability | None:
    """Trained? Coaching on cadence? How reflective is the supervision they give? How
    often is their team's wellbeing checked (aggregated, and suppressed where it would be
    about fewer people than the programme's threshold)?"""
    roles = roles_for(user)
    if not roles.staff_id:
        return None
    today = today or timezone.localdate()
    me = cadence_for_staff(roles.staff_id, today)
    if me is None:
        return None
    threshold = me.standards.small_number_threshold if me.standards else DEFAULT_THRESHOLD
    window_start = today - timedelta(days=CAPABILITY_WINDOW_DAYS)
    trained_on = (
        TrainingCompletion.objects.filter(
            staff_id=roles.staff_id, course=TrainingCompletion.Course.LINE_MANAGER
        )
        .order_by("completed_on")
        .values_list("completed_on", flat=True)
        .first()
    )
    given = SupervisionSession.objects.filter(
        supervisor_id=roles.staff_id, held_on__range=(window_start, today)
    ).aggregate(
        sessions=Count("id"),
        total_minutes=Sum("minutes"),
        reflective_minutes=Sum(F("minutes") * F("reflective_percent"), output_field=IntegerField()),
    )
    reflective_share = (
        round(given["reflective_minutes"] / given["total_minutes"])
        if given["total_minutes"]
        else None
    )
    team_sessions = SupervisionSession.objects.filter(
        supervisee__line_manager_id=roles.staff_id, supervisee__is_active=True
    )
    wellbeing_counts = {
        "sessions": Count("id"),
        "checked": Count("id", filter=Q(wellbeing_checked=True)),
        "people": Count("supervisee_id", distinct=True),
    }
    overall = team_sessions.filter(held_on__range=(window_start, today)).aggregate(
        **wellbeing_counts
    )
    trend_start = months_back(today, WELLBEING_TREND_MONTHS - 1)
    by_month = {
        row["month"]: row
        for row in team_sessions.filter(held_on__range=(trend_start, today))
        .annotate(month=TruncMonth("held_on"))
        .values("month")
        .annotate(**wellbeing_counts)
        .order_by("month")
    }
    trend = [
        (month, _wellbeing_share(by_month.get(month), threshold))
        for month in (months_back(today, n) for n in range(WELLBEING_TREND_MONTHS - 1, -1, -1))
    ]
    return Capability(
        me=me,
        trained_on=trained_on,
        coaching=me.coaching,
        reflective_share=reflective_share,
        sessions_given=given["sessions"],
        window_start=window_start,
        wellbeing=_wellbeing_share(overall, threshold),
        wellbeing_trend=trend,
    )


def months_back(today: date, n: int) -> date:
    """The first day of the month ``n`` months before today's."""
    index = today.year * 12 + today.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def _wellbeing_share(row: dict | None, threshold: int) -> Figure:
    """Sessions with wellbeing checked, out of all sessions: about the people who had
    those sessions, so suppressed when they are fewer than the threshold."""
    label = "Wellbeing checked"
    if not row or not row["sessions"]:
        return Figure(label, None, None, "No sessions recorded.", empty=True)
    if row["people"] < threshold:
        return cadence.share(label, 0, row["people"], threshold=threshold)
    return Figure(label, row["checked"], row["sessions"])


# --- Compliance: shares of people within the standards, per team, service and programme ------


@dataclass(frozen=True)
class ComplianceMeasure:
    key: str
    label: str
    about: str  # whom (or what) the share is of, for the table's wording


@dataclass
class Compliance:
    """The compliance figures for one scope: a team, a service or a whole programme."""

    scope: str
    people: int
    figures: dict[str, Figure]
    denominators: dict[str, int]  # true sizes, for complementary suppression


@dataclass
class ComplianceTable:
    """Figures for one or more scopes, measured against one programme's standards."""

    programme_name: str
    as_of: date
    threshold: int
    measures: list[ComplianceMeasure]
    columns: list[Compliance]

    @property
    def rows(self) -> list[tuple[ComplianceMeasure, list[Figure]]]:
        return [(m, [c.figures[m.key] for c in self.columns]) for m in self.measures]

    @property
    def notes(self) -> list[str]:
        """Each reason a figure was not shown, once, for the table's footnotes."""
        return list(
            dict.fromkeys(
                f.suppressed_reason
                for c in self.columns
                for f in c.figures.values()
                if f.suppressed and not f.empty
            )
        )

    @property
    def cells(self) -> list[tuple[ComplianceMeasure, list[tuple[Figure, int | None]]]]:
        """Rows of (figure, number of the note saying why it is hidden) for the table."""
        numbers = {reason: i for i, reason in enumerate(self.notes, start=1)}
        return [
            (m, [(f, numbers.get(f.suppressed_reason)) for f in figures])
            for m, figures in self.rows
        ]

    def column(self, scope: str) -> Compliance:
        return next(c for c in self.columns if c.scope == scope)


RESOURCES_CURRENT = "resources_current"


def compliance_measures(standards: AppliedStandards) -> list[ComplianceMeasure]:
    supervision = [
        ComplianceMeasure(t, f"{TYPE_LABELS[t]} supervision within cadence", "people")
        for t in standards.types
        if t != SupervisionType.COACHING
    ]
    return [
        *supervision,
        ComplianceMeasure("coaching", "Line managers coached on cadence", "line managers"),
        ComplianceMeasure("line_manager_training", "Line managers trained", "line managers"),
        ComplianceMeasure("cpd_on_pace", "CPD on pace", "people"),
        ComplianceMeasure(RESOURCES_CURRENT, "Resources in date", "resources"),
    ]


def _compliance_of(
    scope: str,
    people: list[PersonCadence],
    measures: list[ComplianceMeasure],
    trained: set[int],
    resources: tuple[int, int],
    threshold: int,
) -> Compliance:
    counts: dict[str, tuple[int, int]] = {}
    for measure in measures:
        key = measure.key
        if key == "coaching":
            coached = [p.coaching for p in people if p.coaching is not None]
            counts[key] = (sum(c.within_cadence for c in coached), len(coached))
        elif key == "line_manager_training":
            managers = [p for p in people if getattr(p.staff, "manages_anyone", False)]
            counts[key] = (sum(p.staff.pk in trained for p in managers), len(managers))
        elif key == "cpd_on_pace":
            tracked = [p.cpd for p in people if p.cpd is not None]
            counts[key] = (sum(c.on_pace for c in tracked), len(tracked))
        elif key == RESOURCES_CURRENT:
            counts[key] = resources
        else:
            positions = [p.by_type[key] for p in people if key in p.by_type]
            counts[key] = (sum(c.within_cadence for c in positions), len(positions))
    figures = {}
    for measure in measures:
        numerator, denominator = counts[measure.key]
        if measure.key == RESOURCES_CURRENT:
            # About library entries, not people: nothing to suppress.
            figures[measure.key] = (
                Figure(measure.label, numerator, denominator)
                if denominator
                else Figure(
                    measure.label, None, None, "No resources in the library yet.", empty=True
                )
            )
        else:
            figures[measure.key] = cadence.share(
                measure.label, numerator, denominator, threshold=threshold
            )
    return Compliance(
        scope=scope,
        people=len(people),
        figures=figures,
        denominators={key: d for key, (_, d) in counts.items()},
    )


def _trained_line_managers(staff_ids: list[int], programme_id: int) -> set[int]:
    return set(
        TrainingCompletion.objects.filter(
            staff_id__in=staff_ids,
            programme_id=programme_id,
            course=TrainingCompletion.Course.LINE_MANAGER,
        ).values_list("staff_id", flat=True)
    )


def _resources_current(organisation_id: int, today: date) -> tuple[int, int]:
    totals = Resource.objects.filter(organisation_id=organisation_id).aggregate(
        total=Count("id"), current=Count("id", filter=Q(review_by__gte=today))
    )
    return totals["current"], totals["total"]


def compliance_by_service(
    programme: Programme,
    today: date | None = None,
    services: QuerySet[Service] | None = None,
) -> ComplianceTable | None:
    """The programme's compliance figures for each taking-part service and in total, in
    six queries (none while the data has not changed: ``core.figures``). None when the
    programme has no standards yet.

    Callers decide who may see the programme (``commissioning.queries``) and, with
    ``services``, which of its services they see figures for (a service manager: their
    own). The figures are aggregates with small-number suppression, and where exactly
    one service's figure is hidden a second is hidden too, so the total cannot give it
    away.
    """
    today = today or timezone.localdate()
    scope = "all" if services is None else query_key(services.values("pk"))
    return remembered(
        "compliance_by_service",
        [programme.pk, today, scope],
        lambda: _compliance_by_service(programme, today, services),
        # Every person counted is in a service taking part in the programme.
        programmes=[programme.pk],
    )


def _compliance_by_service(
    programme: Programme, today: date, services: QuerySet[Service] | None
) -> ComplianceTable | None:
    standards = standards_for_programme(programme)
    if standards is None:
        return None
    taking_part = Service.objects.filter(participations__programme=programme)
    if services is not None:
        taking_part = taking_part.filter(pk__in=services.values("pk"))
    services_ = list(taking_part.order_by("name").distinct())
    staff = StaffMember.objects.filter(service__in=services_, is_active=True).order_by("pk")
    people = [
        cadence_of(p, standards, today) for p in with_cadence_facts(staff, registration_year(today))
    ]
    measures = compliance_measures(standards)
    trained = _trained_line_managers([p.staff.pk for p in people], programme.pk)
    resources = _resources_current(standards.organisation_id, today)
    threshold = standards.small_number_threshold
    people_of: dict[int, list[PersonCadence]] = {}
    for person in people:
        people_of.setdefault(person.staff.service_id, []).append(person)
    columns = [
        _compliance_of(
            service.name,
            people_of.get(service.pk, []),
            measures,
            trained,
            resources,
            threshold,
        )
        for service in services_
    ]
    total = _compliance_of(
        "All services" if services is None else "These services",
        people,
        measures,
        trained,
        resources,
        threshold,
    )
    _protect_columns(columns, total, measures)
    return ComplianceTable(
        programme_name=programme.name,
        as_of=today,
        threshold=threshold,
        measures=measures,
        columns=[*columns, total] if len(columns) > 1 else columns,
    )


def compliance_by_team(
    service: Service, standards: AppliedStandards, today: date | None = None
) -> ComplianceTable:
    """One service's figures for each line manager's team and in total, in five queries:
    the service view's table, one level below ``compliance_by_service``.

    The same suppression applies: teams are small, so many of their figures are hidden,
    and where exactly one team's is hidden a second is too.
    """
    today = today or timezone.localdate()
    return remembered(
        "compliance_by_team",
        [service.pk, standards.programme_id, today],
        lambda: _compliance_by_team(service, standards, today),
        services=[service.pk],
    )


def _compliance_by_team(
    service: Service, standards: AppliedStandards, today: date
) -> ComplianceTable:
    staff = StaffMember.objects.filter(service=service, is_active=True).order_by("pk")
    people = [
        cadence_of(p, standards, today)
        for p in with_cadence_facts(staff.select_related("line_manager"), registration_year(today))
    ]
    measures = compliance_measures(standards)
    trained = _trained_line_managers([p.staff.pk for p in people], standards.programme_id)
    resources = _resources_current(standards.organisation_id, today)
    threshold = standards.small_number_threshold
    teams: dict[int, tuple[str, list[PersonCadence]]] = {}
    for person in people:
        manager = person.staff.line_manager
        if manager is None:
            continue  # the top of the service is in the total only
        teams.setdefault(manager.pk, (f"Team of {manager.full_name}", []))[1].append(person)
    columns = [
        _compliance_of(name, members, measures, trained, resources, threshold)
        for name, members in sorted(teams.values(), key=lambda team: team[0])
    ]
    total = _compliance_of(service.name, people, measures, trained, resources, threshold)
    _protect_columns(columns, total, measures)
    return ComplianceTable(
        programme_name=standards.programme_name,
        as_of=today,
        threshold=threshold,
        measures=measures,
        columns=[*columns, total],
    )


def _protect_columns(
    columns: list[Compliance], total: Compliance, measures: list[ComplianceMeasure]
) -> None:
    """Complementary suppression across columns that sit beside a visible total."""
    for measure in measures:
        if measure.key == RESOURCES_CURRENT or total.figures[measure.key].suppressed:
            continue
        protected = cadence.suppress_complementary(
            [c.figures[measure.key] for c in columns],
            [c.denominators[measure.key] for c in columns],
        )
        for column, figure in zip(columns, protected, strict=True):
            column.figures[measure.key] = figure


def compliance_for_programme(programme: Programme, today: date | None = None) -> Compliance | None:
    """The programme's figures across all its services."""
    table = compliance_by_service(programme, today)
    return table.columns[-1] if table else None


def compliance_for_service(
    service: Service, programme: Programme | None = None, today: date | None = None
) -> ComplianceTable | None:
    """One service's figures against ``programme``'s standards (by default, those its
    staff are held to), in five queries."""
    today = today or timezone.localdate()
    if programme is None:
        chosen = standards_by_service([service.pk]).get(service.pk)
        if chosen is None:
            return None
        standards = chosen
    else:
        found = standards_for_programme(programme)
        if found is None:
            return None
        standards = found
    staff = StaffMember.objects.filter(service=service, is_active=True)
    return _single_scope_table(service.name, staff, standards, today)


def compliance_for_team(
    line_manager: StaffMember, today: date | None = None
) -> ComplianceTable | None:
    """A line manager's direct reports, against the standards of the manager's service."""
    today = today or timezone.localdate()
    standards = standards_by_service([line_manager.service_id]).get(line_manager.service_id)
    if standards is None:
        return None
    staff = StaffMember.objects.filter(line_manager=line_manager, is_active=True)
    return _single_scope_table(f"Team of {line_manager.full_name}", staff, standards, today)


def _single_scope_table(
    scope: str, staff: QuerySet[StaffMember], standards: AppliedStandards, today: date
) -> ComplianceTable:
    """One column of figures for ``staff``, remembered under the exact staff query
    (``core.figures``)."""
    return remembered(
        "compliance_single_scope",
        [scope, query_key(staff), standards.programme_id, today],
        lambda: _single_scope_figures(scope, staff, standards, today),
    )


def _single_scope_figures(
    scope: str, staff: QuerySet[StaffMember], standards: AppliedStandards, today: date
) -> ComplianceTable:
    people = [
        cadence_of(p, standards, today)
        for p in with_cadence_facts(staff.order_by("pk"), registration_year(today))
    ]
    measures = compliance_measures(standards)
    column = _compliance_of(
        scope,
        people,
        measures,
        _trained_line_managers([p.staff.pk for p in people], standards.programme_id),
        _resources_current(standards.organisation_id, today),
        standards.small_number_threshold,
    )
    return ComplianceTable(
        programme_name=standards.programme_name,
        as_of=today,
        threshold=standards.small_number_threshold,
        measures=measures,
        columns=[column],
    )


# --- What the daily reminder run reads ---------------------------------------------------------


def staff_for_reminders(after_pk: int, limit: int, year: tuple[date, date]) -> list[StaffMember]:
    """The next ``limit`` active staff after ``after_pk`` with their cadence facts and the
    user accounts of themselves and their line manager: one query per batch, so memory
    stays flat however large the workforce."""
    return list(
        with_cadence_facts(
            StaffMember.objects.filter(is_active=True, pk__gt=after_pk).order_by("pk"), year
        ).annotate(
            own_user_active=F("user__is_active"),
            manager_user_id=F("line_manager__user_id"),
            manager_user_active=F("line_manager__user__is_active"),
        )[:limit]
    )


def resources_due_for_review(today: date, within_days: int) -> Iterator[tuple[Resource, list[int]]]:
    """Resources due for review within ``within_days`` (or past it), each with the users
    who commission for the organisation that owns it. Two queries."""
    resources = list(
        Resource.objects.filter(review_by__lte=today + timedelta(days=within_days)).order_by(
            "review_by", "pk"
        )
    )
    commissioners: dict[int, list[int]] = {}
    for organisation_id, user_id in CommissionerMembership.objects.filter(
        organisation_id__in={r.organisation_id for r in resources}, user__is_active=True
    ).values_list("organisation_id", "user_id"):
        commissioners.setdefault(organisation_id, []).append(user_id)
    for resource in resources:
        yield resource, commissioners.get(resource.organisation_id, [])
