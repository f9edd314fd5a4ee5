"""Reads for commissioning: what each user may see, and the figures pages share."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cohorts.models import Membership, StaffMember
from core.figures import remembered_rows
from core.queries import count_of
from core.roles import roles_for

from .models import (
    STAGE_ORDER,
    Agreement,
    AgreementComment,
    CadenceRule,
    Invitation,
    Milestone,
    MilestoneTemplate,
    Organisation,
    Participation,
    Programme,
    Resource,
    Service,
    Stage,
    StageRecord,
    Standards,
)

AnyUser = User | AnonymousUser


def programmes_visible_to(user: AnyUser) -> QuerySet[Programme]:
    """Commissioners see their organisations' programmes; service managers the programmes
    their services take part in."""
    roles = roles_for(user)
    if roles.is_admin:
        return Programme.objects.all()
    return Programme.objects.filter(
        Q(commissioning_organisation_id__in=roles.commissioner_org_ids)
        | Q(
            id__in=Participation.objects.filter(service_id__in=roles.managed_service_ids).values(
                "programme_id"
            )
        )
    )


def services_visible_to(user: AnyUser) -> QuerySet[Service]:
    """Service managers see their own services; commissioners the services in their
    programmes; staff the service they work in."""
    roles = roles_for(user)
    if roles.is_admin:
        return Service.objects.all()
    commissioned = Participation.objects.filter(
        programme__commissioning_organisation_id__in=roles.commissioner_org_ids
    ).values("service_id")
    own = [roles.staff_service_id] if roles.staff_service_id else []
    return Service.objects.filter(
        Q(id__in=roles.managed_service_ids) | Q(id__in=commissioned) | Q(id__in=own)
    )


def participations_visible_to(user: AnyUser) -> QuerySet[Participation]:
    roles = roles_for(user)
    if roles.is_admin:
        return Participation.objects.all()
    return Participation.objects.filter(
        Q(programme__commissioning_organisation_id__in=roles.commissioner_org_ids)
        | Q(service_id__in=roles.managed_service_ids)
    )


def get_programme_for_user(user: AnyUser, pk: int) -> Programme:
    return get_object_or_404(programmes_visible_to(user), pk=pk)


def get_service_for_user(user: AnyUser, pk: int) -> Service:
    return get_object_or_404(services_visible_to(user).select_related("organisation"), pk=pk)


def latest_agreements() -> QuerySet[Agreement]:
    return Agreement.objects.filter(participation=OuterRef("pk")).order_by("-version")


def participations_with_progress(queryset: QuerySet[Participation]) -> QuerySet[Participation]:
    """Participations with their latest agreement, headcount, champions and the share of
    the current stage's milestones done (the SIC 'proportion' score)."""
    latest = latest_agreements()
    champions = Membership.objects.filter(
        cohort__programme_id=OuterRef("programme_id"),
        staff__service_id=OuterRef("service_id"),
        status__in=[Membership.Status.TRAINED, Membership.Status.ACTIVE],
    )
    stage_milestones = Milestone.objects.filter(
        participation=OuterRef("pk"), stage=OuterRef("current_stage")
    )
    return (
        queryset.select_related("service__organisation", "programme")
        .annotate(
            agreement_status=Subquery(latest.values("status")[:1]),
            agreement_version=Subquery(latest.values("version")[:1]),
            headcount=count_of(
                StaffMember.objects.filter(service_id=OuterRef("service_id"), is_active=True)
            ),
            champions=count_of(champions),
            milestones_total=count_of(stage_milestones),
            milestones_done=count_of(stage_milestones.filter(completed_on__isnull=False)),
        )
        .annotate(
            milestones_percent=Case(
                When(milestones_total=0, then=Value(None)),
                default=F("milestones_done") * 100 / F("milestones_total"),
                output_field=IntegerField(),
            )
        )
        .order_by("service__name")
    )


def programmes_overview(user: AnyUser) -> list[tuple[Programme, list[Participation]]]:
    """Each visible programme with its services' progress, in two queries in all."""
    programmes = list(
        programmes_visible_to(user)
        .select_related("commissioning_organisation")
        .order_by("-start_date", "name")
    )
    rows = remembered_rows(
        "programmes_overview",
        participations_with_progress(
            participations_visible_to(user).filter(programme__in=programmes)
        ),
    )
    by_programme: dict[int, list[Participation]] = {p.pk: [] for p in programmes}
    for row in rows:
        by_programme[row.programme_id].append(row)
    return [(p, by_programme[p.pk]) for p in programmes]


def status_label(status: str | None) -> str:
    return dict(Agreement.Status.choices).get(status or "", "Not started")


# --- Who may do what -----------------------------------------------------------------------------
# Seeing is decided by the *_visible_to querysets above; these say who may change what
# they can see. Views answer 403 when someone may see a thing but not change it.


def commissions(user: AnyUser, programme: Programme) -> bool:
    """A commissioner of the programme's commissioning body (not merely an admin)."""
    return programme.commissioning_organisation_id in roles_for(user).commissioner_org_ids


def manages(user: AnyUser, service_id: int) -> bool:
    """One of the service's managers (not merely an admin)."""
    return service_id in roles_for(user).managed_service_ids


def may_set_up_programme(user: AnyUser, programme: Programme) -> bool:
    """Programme details, services, invitations and milestone checklists: its commissioners
    (and admins, who look after the system)."""
    return roles_for(user).is_admin or commissions(user, programme)


def may_edit_agreement(user: AnyUser, participation: Participation) -> bool:
    """The service's managers write the agreement; commissioners comment, send back, sign."""
    return roles_for(user).is_admin or manages(user, participation.service_id)


def may_send_back_agreement(user: AnyUser, participation: Participation) -> bool:
    return roles_for(user).is_admin or commissions(user, participation.programme)


def sides_user_may_sign(user: AnyUser, participation: Participation) -> list[str]:
    """ "commissioner" and/or "service_manager": the sides this person may sign for.

    Signing is personal, so admins sign for neither side unless they hold the role.
    """
    sides = []
    if commissions(user, participation.programme):
        sides.append("commissioner")
    if manages(user, participation.service_id):
        sides.append("service_manager")
    return sides


def may_track_implementation(user: AnyUser, participation: Participation) -> bool:
    """Stage moves and milestone checklists: the service's managers and its commissioners."""
    roles = roles_for(user)
    return (
        roles.is_admin
        or commissions(user, participation.programme)
        or manages(user, participation.service_id)
    )


def commissioner_organisations_of(user: AnyUser) -> QuerySet[Organisation]:
    """The commissioning bodies this user may set up programmes for."""
    return Organisation.objects.filter(
        id__in=roles_for(user).commissioner_org_ids, kind=Organisation.Kind.COMMISSIONER
    )


def commissioners_of(organisation_ids: Iterable[int]) -> QuerySet[User]:
    """People who commission for these organisations: the choices for lead commissioner."""
    return (
        User.objects.filter(
            is_active=True, commissioner_memberships__organisation_id__in=list(organisation_ids)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def provider_services() -> QuerySet[Service]:
    """Services of provider organisations, to add to a programme (names only)."""
    return Service.objects.filter(organisation__kind=Organisation.Kind.PROVIDER).select_related(
        "organisation"
    )


def provider_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.PROVIDER)


# --- One service in one programme ----------------------------------------------------------------


def get_participation_for_user(user: AnyUser, pk: int) -> Participation:
    """A service's part in a programme, if the user may see it; 404 otherwise."""
    return get_object_or_404(
        participations_visible_to(user).select_related(
            "programme__commissioning_organisation", "service__organisation"
        ),
        pk=pk,
    )


def participation_managers(participation: Participation) -> list[User]:
    return list(participation.service.managers.order_by("first_name", "last_name", "username"))


def invitations_for(participation: Participation) -> QuerySet[Invitation]:
    return participation.invitations.select_related("invited_by", "accepted_by").order_by(
        "-created"
    )


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link's token belongs to, or None. Tokens are stored hashed."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related(
            "participation__service__organisation",
            "participation__programme__commissioning_organisation",
            "invited_by",
        )
        .filter(token_hash=hash_token(token))
        .first()
    )


def account_exists(email: str) -> bool:
    """Whether someone can already sign in with this email address."""
    return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Agreements ----------------------------------------------------------------------------------


def agreement_versions(participation: Participation) -> list[Agreement]:
    """Every version of the participation's agreement, newest first, with who signed."""
    return list(
        participation.agreements.select_related(
            "commissioner_signed_by", "service_manager_signed_by", "submitted_by"
        )
        .prefetch_related("pressure_tags")
        .order_by("-version")
    )


def pick_version(versions: list[Agreement], version: int | None) -> Agreement | None:
    """The requested version from ``agreement_versions`` (the latest when None); 404 for a
    version that does not exist."""
    if not versions:
        if version is not None:
            raise Http404("There is no such version.")
        return None
    if version is None:
        return versions[0]
    for agreement in versions:
        if agreement.version == version:
            return agreement
    raise Http404("There is no such version.")


def latest_agreement(participation: Participation) -> Agreement | None:
    return (
        participation.agreements.select_related(
            "commissioner_signed_by", "service_manager_signed_by"
        )
        .prefetch_related("pressure_tags")
        .order_by("-version")
        .first()
    )


def agreement_comments(agreements: Iterable[Agreement]) -> dict[int, list[AgreementComment]]:
    """Comments on each of these agreement versions, oldest first, in one query."""
    by_agreement: dict[int, list[AgreementComment]] = {a.pk: [] for a in agreements}
    for comment in AgreementComment.objects.filter(
        agreement_id__in=list(by_agreement)
    ).select_related("author"):
        by_agreement[comment.agreement_id].append(comment)
    return by_agreement


def latest_send_back(comments: list[AgreementComment]) -> AgreementComment | None:
    sent_back = [c for c in comments if c.sends_back]
    return sent_back[-1] if sent_back else None


@dataclass(frozen=True)
class AgreementField:
    name: str
    label: str
    section: str
    unit: str = ""


AGREEMENT_SECTIONS = ("Workforce snapshot", "Pressures and constraints", "Expectations")
AGREEMENT_FIELDS = (
    AgreementField("headcount", "Headcount", AGREEMENT_SECTIONS[0], "people"),
    AgreementField("vacancies", "Vacancies", AGREEMENT_SECTIONS[0], "posts"),
    AgreementField("agency_share_percent", "Agency share", AGREEMENT_SECTIONS[0], "%"),
    AgreementField(
        "typical_caseload", "Typical caseload", AGREEMENT_SECTIONS[0], "children or families"
    ),
    AgreementField(
        "turnover_percent", "Staff turnover (last 12 months)", AGREEMENT_SECTIONS[0], "%"
    ),
    AgreementField("pressure_tags", "Pressures", AGREEMENT_SECTIONS[1]),
    AgreementField("pressures", "What the pressures mean here", AGREEMENT_SECTIONS[1]),
    AgreementField(
        "protected_supervision_minutes_per_month",
        "Protected supervision time",
        AGREEMENT_SECTIONS[2],
        "minutes a month per practitioner",
    ),
    AgreementField(
        "cpd_release_hours_per_year", "CPD release", AGREEMENT_SECTIONS[2], "hours a year each"
    ),
    AgreementField(
        "cohort_places_per_wave", "Cohort places", AGREEMENT_SECTIONS[2], "places in each wave"
    ),
)
NOT_GIVEN = "Not given"


def agreement_value(agreement: Agreement, field: AgreementField) -> str:
    """One field of an agreement as people read it ("12.5%", "90 minutes a month…")."""
    if field.name == "pressure_tags":
        names = [tag.name for tag in agreement.pressure_tags.all()]
        return ", ".join(sorted(names)) if names else "None chosen"
    value = getattr(agreement, field.name)
    if value is None or value == "":
        return NOT_GIVEN
    if isinstance(value, Decimal):
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
    if field.unit == "%":
        return f"{value}%"
    return f"{value} {field.unit}".strip()


def agreement_sections(agreement: Agreement) -> list[tuple[str, list[tuple[str, str]]]]:
    """The agreement's content, section by section: (section, [(label, value), …])."""
    return [
        (
            section,
            [
                (f.label, agreement_value(agreement, f))
                for f in AGREEMENT_FIELDS
                if f.section == section
            ],
        )
        for section in AGREEMENT_SECTIONS
    ]


@dataclass(frozen=True)
class FieldChange:
    section: str
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def agreement_changes(before: Agreement, after: Agreement) -> list[FieldChange]:
    """Field by field, what one version says against another (for the difference view)."""
    return [
        FieldChange(f.section, f.label, agreement_value(before, f), agreement_value(after, f))
        for f in AGREEMENT_FIELDS
    ]


# --- Implementation stages and milestones --------------------------------------------------------


@dataclass(frozen=True)
class StageProgress:
    """One stage for one service: when it ran, how long it took, what share of its
    milestones are done (duration and proportion, as the Stages of Implementation
    Completion score them)."""

    stage: str
    label: str
    state: str  # "done", "current" or "future"
    started_on: date | None
    completed_on: date | None
    days: int | None  # so far, for the current stage
    milestones_total: int
    milestones_done: int

    @property
    def percent(self) -> int | None:
        if not self.milestones_total:
            return None
        return self.milestones_done * 100 // self.milestones_total


def stage_progress(
    participations: Iterable[Participation], today: date | None = None
) -> dict[int, list[StageProgress]]:
    """For each participation, its five stages in order: two queries however many."""
    participations = list(participations)
    today = today or timezone.localdate()
    ids = [p.pk for p in participations]
    counts = {
        (row["participation_id"], row["stage"]): (row["total"], row["done"])
        for row in Milestone.objects.filter(participation_id__in=ids)
        .order_by()
        .values("participation_id", "stage")
        .annotate(total=Count("id"), done=Count("id", filter=Q(completed_on__isnull=False)))
    }
    records = {
        (r.participation_id, r.stage): r
        for r in StageRecord.objects.filter(participation_id__in=ids)
    }
    labels = dict(Stage.choices)
    result: dict[int, list[StageProgress]] = {}
    for participation in participations:
        position = STAGE_ORDER.index(participation.current_stage)
        rows = []
        for i, stage in enumerate(STAGE_ORDER):
            record = records.get((participation.pk, stage))
            started = record.started_on if record else None
            if started is None and i == position:
                started = participation.joined_on  # a stage with no record began on joining
            completed = record.completed_on if record else None
            days = None
            if started is not None and (completed is not None or i == position):
                days = max(((completed or today) - started).days, 0)
            total, done = counts.get((participation.pk, stage), (0, 0))
            rows.append(
                StageProgress(
                    stage=stage,
                    label=labels[stage],
                    state="done" if i < position else "current" if i == position else "future",
                    started_on=started,
                    completed_on=completed,
                    days=days,
                    milestones_total=total,
                    milestones_done=done,
                )
            )
        result[participation.pk] = rows
    return result


def current_stage_of(progress: list[StageProgress]) -> StageProgress:
    return next(row for row in progress if row.state == "current")


def milestones_by_stage(participation: Participation) -> list[tuple[str, str, list[Milestone]]]:
    """The participation's checklist, stage by stage: (stage, label, milestones)."""
    milestones = list(participation.milestones.order_by("position", "pk"))
    return [
        (stage, label, [m for m in milestones if m.stage == stage])
        for stage, label in Stage.choices
    ]


def milestone_templates_by_stage(
    programme: Programme,
) -> list[tuple[str, str, list[MilestoneTemplate]]]:
    """The programme's checklist templates, stage by stage, each with how many services
    have done it (annotated ``done_count``)."""
    templates = list(
        programme.milestone_templates.annotate(
            done_count=Count("milestones", filter=Q(milestones__completed_on__isnull=False))
        ).order_by("position", "pk")
    )
    return [
        (stage, label, [t for t in templates if t.stage == stage]) for stage, label in Stage.choices
    ]


def get_milestone_template_for_user(user: AnyUser, pk: int) -> MilestoneTemplate:
    return get_object_or_404(
        MilestoneTemplate.objects.filter(programme__in=programmes_visible_to(user)).select_related(
            "programme"
        ),
        pk=pk,
    )


def programme_participations(user: AnyUser, programme: Programme) -> QuerySet[Participation]:
    """The programme's services this user may see, with their progress figures."""
    return participations_with_progress(
        participations_visible_to(user).filter(programme=programme)
    ).prefetch_related(Prefetch("service__managers", queryset=User.objects.order_by("first_name")))


# --- Professional standards ----------------------------------------------------------------------

_INTERVAL_WORDS = {1: "daily", 7: "weekly", 14: "fortnightly", 42: "every six weeks"}


def interval_words(days: int) -> str:
    """7 → "weekly", 30 → "monthly", 10 → "every 10 days"."""
    if days in _INTERVAL_WORDS:
        return _INTERVAL_WORDS[days]
    if 28 <= days <= 31:
        return "monthly"
    if days % 7 == 0:
        return f"every {days // 7} weeks"
    return f"every {days} days"


def _period_words(rule: CadenceRule, first: bool) -> str:
    if rule.from_week == 0 and rule.to_week is None:
        return ""
    if rule.to_week is None:
        return "from then on" if not first else f"from week {rule.from_week} on"
    if rule.from_week == 0:
        return f"for their first {rule.to_week} weeks"
    return (
        f"to {rule.to_week} weeks"
        if not first
        else (f"from week {rule.from_week} to week {rule.to_week}")
    )


@dataclass(frozen=True)
class CadenceExplained:
    who: str
    supervision_type: str
    sentence: str
    rules: list[CadenceRule]


def cadence_explained(rules: Iterable[CadenceRule]) -> list[CadenceExplained]:
    """Plain English for each supervision type and group of staff, e.g. "Newly qualified
    staff: line management weekly for their first 6 weeks, fortnightly to 26 weeks, then
    monthly". Expects the rules ordered by type, group and start week."""
    groups: dict[tuple[str, bool], list[CadenceRule]] = {}
    for rule in rules:
        groups.setdefault((rule.supervision_type, rule.newly_qualified), []).append(rule)
    explained = []
    for (_, nq), group in sorted(groups.items(), key=lambda item: (not item[0][1], item[0][0])):
        group.sort(key=lambda r: r.from_week)
        parts = []
        previous_end: int | None = None
        for index, rule in enumerate(group):
            follows = index > 0 and previous_end == rule.from_week
            words = interval_words(rule.interval_days)
            period = _period_words(rule, first=not follows)
            if follows and rule.to_week is None:
                parts.append(f"then {words}")
            else:
                parts.append(f"{words} {period}".strip())
            previous_end = rule.to_week
        who = "Newly qualified staff" if nq else "All staff"
        kind = group[0].get_supervision_type_display()
        if not nq and group[0].supervision_type == "coaching":
            who = "Line managers"
            kind = "coaching"
        sentence = f"{who}: {kind[0].lower() + kind[1:]} {', '.join(parts)}."
        explained.append(CadenceExplained(who, kind, sentence, group))
    return explained


def standards_explained(standards: Standards) -> list[tuple[str, str, str]]:
    """(standard, its value, what it means for the people it applies to)."""
    s = standards
    hours = "hour" if s.cpd_hours_per_year == 1 else "hours"
    return [
        (
            "Minimum session length",
            f"{s.min_session_minutes} minutes",
            f"A supervision session counts towards the cadence when it lasts at least "
            f"{s.min_session_minutes} minutes.",
        ),
        (
            "Coaching for line managers",
            interval_words(s.coaching_interval_days).capitalize(),
            f"Line managers should receive coaching {interval_words(s.coaching_interval_days)} "
            "where no coaching cadence rule says otherwise.",
        ),
        (
            "Clinical supervision",
            "Available" if s.clinical_supervision_available else "Not offered",
            "Practitioners can ask for clinical supervision as well as line management."
            if s.clinical_supervision_available
            else "Clinical supervision is not part of this programme's offer.",
        ),
        (
            "CPD each year",
            f"{s.cpd_hours_per_year} {hours}, {s.cpd_pieces_per_year} pieces",
            f"Each practitioner records at least {s.cpd_hours_per_year} {hours} of CPD a "
            f"registration year, in at least {s.cpd_pieces_per_year} pieces, "
            f"{s.cpd_peer_reflection_pieces} of them with peer reflection.",
        ),
        (
            "Fidelity checks",
            interval_words(s.fidelity_check_interval_days).capitalize(),
            f"Each practitioner has a light-touch fidelity check "
            f"{interval_words(s.fidelity_check_interval_days)}, to support their practice.",
        ),
        (
            "Resource reviews",
            f"Every {s.resource_review_months} months",
            f"Library resources are reviewed at least every {s.resource_review_months} "
            "months; past their review-by date they are flagged as outdated.",
        ),
        (
            "Small-number threshold",
            f"{s.small_number_threshold} people",
            f"Figures about fewer than {s.small_number_threshold} people are not shown, so "
            "no one can be identified.",
        ),
    ]


def cadence_rules_of(standards: Standards) -> list[CadenceRule]:
    return list(CadenceRule.objects.filter(standards=standards))


# --- Resource library ----------------------------------------------------------------------------


def resource_organisations_of(user: AnyUser) -> QuerySet[Organisation]:
    """Commissioning bodies whose libraries the user sees: commissioners their own, service
    managers those commissioning programmes their services take part in."""
    roles = roles_for(user)
    commissioners = Organisation.objects.filter(kind=Organisation.Kind.COMMISSIONER)
    if roles.is_admin:
        return commissioners
    return commissioners.filter(
        Q(id__in=roles.commissioner_org_ids)
        | Q(
            id__in=Participation.objects.filter(service_id__in=roles.managed_service_ids).values(
                "programme__commissioning_organisation_id"
            )
        )
    )


def resources_visible_to(user: AnyUser) -> QuerySet[Resource]:
    return Resource.objects.filter(organisation__in=resource_organisations_of(user))


def get_resource_for_user(user: AnyUser, pk: int) -> Resource:
    return get_object_or_404(resources_visible_to(user).select_related("organisation"), pk=pk)


@dataclass(frozen=True)
class ResourceShare:
    current: int
    total: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.current / self.total) if self.total else None


def resources_current_share(
    resources: QuerySet[Resource], today: date | None = None
) -> ResourceShare:
    """How many of these resources are within their review-by date, in one query."""
    today = today or timezone.localdate()
    totals = resources.aggregate(
        total=Count("id"), current=Count("id", filter=Q(review_by__gte=today))
    )
    return ResourceShare(current=totals["current"], total=totals["total"])
