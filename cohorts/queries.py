"""Reads for the workforce and cohorts: what each user may see, and the figures that the
cohort pages, dashboards and reports share."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    Case,
    Count,
    Exists,
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
from django.shortcuts import get_object_or_404

from commissioning.models import Agreement, Participation, Programme, Service
from commissioning.queries import programmes_visible_to
from core.figures import ids_of, remembered
from core.queries import count_of
from core.roles import roles_for

from .models import Cohort, Membership, Screening, ScreeningRating, StaffImport, StaffMember

AnyUser = User | AnonymousUser

# A rating of "Often" or "Consistently" counts as a criterion met.
CRITERION_MET_AT = 2
# Members who hold a place in their wave: everyone but those withdrawn.
HOLDING_A_PLACE = [
    Membership.Status.NOMINATED,
    Membership.Status.CONFIRMED,
    Membership.Status.TRAINED,
    Membership.Status.ACTIVE,
]
CHAMPION_STATUSES = [Membership.Status.TRAINED, Membership.Status.ACTIVE]


# --- Staff ---------------------------------------------------------------------------------------


def staff_visible_to(user: AnyUser) -> QuerySet[StaffMember]:
    """Individual staff records: a service manager sees their services' staff, a line
    manager their reports, everyone their own record. Commissioners see none: below the
    level of a service they get aggregates only."""
    roles = roles_for(user)
    if roles.is_admin:
        return StaffMember.objects.all()
    condition = Q(service_id__in=roles.managed_service_ids)
    if roles.staff_id:
        condition |= Q(id=roles.staff_id) | Q(line_manager_id=roles.staff_id)
    return StaffMember.objects.filter(condition)


def reports_of(user: AnyUser) -> QuerySet[StaffMember]:
    """The people this user line-manages directly."""
    roles = roles_for(user)
    if not roles.staff_id:
        return StaffMember.objects.none()
    return StaffMember.objects.filter(line_manager_id=roles.staff_id, is_active=True)


def staff_screenable_by(user: AnyUser) -> QuerySet[StaffMember]:
    """Whom this user may screen: a service manager their services' active staff, a line
    manager their reports. Nobody screens themselves."""
    roles = roles_for(user)
    if roles.is_admin:
        staff = StaffMember.objects.filter(is_active=True)
    else:
        condition = Q(service_id__in=roles.managed_service_ids)
        if roles.staff_id:
            condition |= Q(line_manager_id=roles.staff_id)
        staff = StaffMember.objects.filter(condition, is_active=True)
    if roles.staff_id:
        staff = staff.exclude(id=roles.staff_id)
    return staff


def may_screen(user: AnyUser) -> bool:
    roles = roles_for(user)
    return roles.is_admin or roles.is_service_manager or roles.is_line_manager


def get_screenable_staff_for_user(user: AnyUser, pk: int) -> StaffMember:
    return get_object_or_404(
        staff_screenable_by(user).select_related("service__organisation", "line_manager"), pk=pk
    )


def services_managed_by(user: AnyUser) -> QuerySet[Service]:
    """The services whose staff and cohort places this user looks after (admins: all)."""
    roles = roles_for(user)
    services = Service.objects.select_related("organisation").order_by("name")
    if roles.is_admin:
        return services
    return services.filter(id__in=roles.managed_service_ids)


# --- Screening -----------------------------------------------------------------------------------


def screenings_visible_to(user: AnyUser) -> QuerySet[Screening]:
    """A screening is seen by the person screened, their line manager and the managers of
    their service. Commissioners see none."""
    roles = roles_for(user)
    if roles.is_admin:
        return Screening.objects.all()
    condition = Q(staff__service_id__in=roles.managed_service_ids)
    if roles.staff_id:
        condition |= Q(staff_id=roles.staff_id) | Q(staff__line_manager_id=roles.staff_id)
    return Screening.objects.filter(condition)


def with_ratings(screenings: QuerySet[Screening]) -> QuerySet[Screening]:
    """Screenings with their ratings (one query for all) and the count of criteria met."""
    return (
        screenings.select_related(
            "staff__service", "staff__line_manager", "programme", "screened_by"
        )
        .annotate(
            criteria_met=count_of(
                ScreeningRating.objects.filter(
                    screening=OuterRef("pk"), rating__gte=CRITERION_MET_AT
                )
            )
        )
        .prefetch_related(Prefetch("ratings", queryset=ScreeningRating.objects.order_by("id")))
    )


def programme_for_screening(staff: StaffMember, programme_pk: int) -> Programme:
    """A programme the staff member's service takes part in, or 404."""
    return get_object_or_404(
        Programme.objects.filter(participations__service_id=staff.service_id), pk=programme_pk
    )


def screening_of(staff: StaffMember, programme: Programme) -> Screening | None:
    return (
        Screening.objects.filter(staff=staff, programme=programme)
        .prefetch_related("ratings")
        .first()
    )


@dataclass
class ScreeningRow:
    staff: StaffMember
    programme: Programme
    screening: Screening | None


def screening_overview(
    user: AnyUser, *, service_id: int | None = None, line_manager_id: int | None = None
) -> list[ScreeningRow]:
    """Each person this user may screen, once for each programme their service takes part
    in, with the screening if there is one. Three queries whatever the numbers."""
    staff = staff_screenable_by(user).select_related("service", "line_manager")
    if service_id:
        staff = staff.filter(service_id=service_id)
    if line_manager_id:
        staff = staff.filter(line_manager_id=line_manager_id)
    people = list(staff.order_by("service__name", "full_name"))
    service_ids = {person.service_id for person in people}
    programmes: dict[int, list[Programme]] = {}
    for participation in (
        Participation.objects.filter(service_id__in=service_ids)
        .select_related("programme")
        .order_by("programme__name")
    ):
        programmes.setdefault(participation.service_id, []).append(participation.programme)
    screenings = {
        (s.staff_id, s.programme_id): s
        for s in Screening.objects.filter(staff__in=[p.pk for p in people])
    }
    return [
        ScreeningRow(person, programme, screenings.get((person.pk, programme.pk)))
        for person in people
        for programme in programmes.get(person.service_id, [])
    ]


def teams_screenable_by(user: AnyUser) -> QuerySet[StaffMember]:
    """Line managers whose reports this user may screen: the 'team' filter's choices."""
    return (
        StaffMember.objects.filter(
            Exists(staff_screenable_by(user).filter(line_manager_id=OuterRef("pk")))
        )
        .select_related("service")
        .order_by("full_name")
    )


def my_screenings(user: AnyUser) -> QuerySet[Screening]:
    """The signed-in practitioner's own screenings."""
    roles = roles_for(user)
    if not roles.staff_id:
        return Screening.objects.none()
    return with_ratings(Screening.objects.filter(staff_id=roles.staff_id)).order_by(
        "programme__name"
    )


def get_screening_for_user(user: AnyUser, pk: int) -> Screening:
    return get_object_or_404(with_ratings(screenings_visible_to(user)), pk=pk)


# --- Cohorts and places --------------------------------------------------------------------------


def cohorts_visible_to(user: AnyUser) -> QuerySet[Cohort]:
    return Cohort.objects.filter(programme__in=programmes_visible_to(user))


def get_cohort_for_user(user: AnyUser, pk: int) -> Cohort:
    return get_object_or_404(cohorts_visible_to(user).select_related("programme"), pk=pk)


def memberships_of(user: AnyUser) -> QuerySet[Membership]:
    roles = roles_for(user)
    return Membership.objects.filter(staff_id=roles.staff_id).select_related("cohort__programme")


def may_plan(user: AnyUser, cohort: Cohort) -> bool:
    """Service managers plan their own services' part of a cohort; admins any."""
    roles = roles_for(user)
    if roles.is_admin:
        return True
    return Participation.objects.filter(
        programme_id=cohort.programme_id, service_id__in=roles.managed_service_ids
    ).exists()


def may_manage_cohorts(user: AnyUser, programme: Programme) -> bool:
    """Commissioners of the programme (and admins) set up its waves."""
    roles = roles_for(user)
    return roles.is_admin or programme.commissioning_organisation_id in roles.commissioner_org_ids


def latest_agreed_places() -> Subquery:
    """Cohort places per wave in a participation's latest *agreed* agreement (annotation on
    Participation). A version awaiting sign-off does not change what was agreed."""
    agreed = Agreement.objects.filter(
        participation=OuterRef("pk"), status=Agreement.Status.AGREED
    ).order_by("-version")
    return Subquery(agreed.values("cohort_places_per_wave")[:1], output_field=IntegerField())


def has_agreed_agreement() -> Exists:
    return Exists(
        Agreement.objects.filter(participation=OuterRef("pk"), status=Agreement.Status.AGREED)
    )


def committed_places(programme: Programme) -> dict[int, int | None]:
    """Service id → cohort places per wave its latest agreed agreement commits (None when
    nothing is agreed yet, or the agreement leaves places blank)."""
    return dict(
        Participation.objects.filter(programme=programme)
        .annotate(places=latest_agreed_places())
        .values_list("service_id", "places")
    )


def participations_in_scope(user: AnyUser, programme: Programme) -> QuerySet[Participation]:
    """The programme's services this user sees figures for: commissioners all of their
    programme's, service managers their own."""
    roles = roles_for(user)
    participations = Participation.objects.filter(programme=programme)
    if roles.is_admin or programme.commissioning_organisation_id in roles.commissioner_org_ids:
        return participations
    return participations.filter(service_id__in=roles.managed_service_ids)


def cohort_places_by_service(cohort: Cohort, participations: QuerySet[Participation]):
    """For each service: places committed, members by status in this wave, places left.

    The same figures serve the planning page, the commissioner's view and reports.
    """
    members = Membership.objects.filter(cohort=cohort, staff__service_id=OuterRef("service_id"))
    counts = {
        status: count_of(members.filter(status=status)) for status in Membership.Status.values
    }
    return (
        participations.select_related("service__organisation")
        .annotate(
            places=latest_agreed_places(),
            agreed=has_agreed_agreement(),
            holding=count_of(members.filter(status__in=HOLDING_A_PLACE)),
            **{f"n_{status}": count for status, count in counts.items()},
        )
        .annotate(
            places_left=Case(
                When(places__isnull=True, then=Value(None)),
                default=F("places") - F("holding"),
                output_field=IntegerField(),
            )
        )
        .annotate(
            over_by=Case(
                When(places_left__lt=0, then=-F("places_left")),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("service__name")
    )


def places_totals(rows) -> dict[str, int]:
    """Totals over the rows of ``cohort_places_by_service`` (places agreed counts only
    services that have agreed some)."""
    totals = {"places": sum(row.places or 0 for row in rows)}
    totals["holding"] = sum(row.holding for row in rows)
    for status in Membership.Status.values:
        totals[status] = sum(getattr(row, f"n_{status}") for row in rows)
    return totals


def champions_per_service(programme: Programme, participations=None):
    """Trained and active champions from each service, across all the programme's waves."""
    participations = participations if participations is not None else Participation.objects.all()
    return (
        participations.filter(programme=programme)
        .select_related("service")
        .annotate(
            champions=count_of(
                Membership.objects.filter(
                    cohort__programme_id=OuterRef("programme_id"),
                    staff__service_id=OuterRef("service_id"),
                    status__in=CHAMPION_STATUSES,
                )
            )
        )
        .order_by("service__name")
    )


def cohorts_with_counts(user: AnyUser) -> QuerySet[Cohort]:
    """Visible cohorts with member counts, counting only the services this user may see
    figures for (a service manager's own; a commissioner's whole programme)."""
    roles = roles_for(user)
    members = Membership.objects.filter(cohort=OuterRef("pk"))
    if not roles.is_admin:
        members = members.filter(
            Q(cohort__programme__commissioning_organisation_id__in=roles.commissioner_org_ids)
            | Q(staff__service_id__in=roles.managed_service_ids)
        )
    return (
        cohorts_visible_to(user)
        .select_related("programme")
        .annotate(
            holding=count_of(members.filter(status__in=HOLDING_A_PLACE)),
            champions=count_of(members.filter(status__in=CHAMPION_STATUSES)),
            withdrawn=count_of(members.filter(status=Membership.Status.WITHDRAWN)),
        )
        .order_by("programme__name", "wave")
    )


def plannable_memberships(user: AnyUser, cohort: Cohort) -> QuerySet[Membership]:
    """Members of the cohort from the services this user plans for, with their screening
    score for the programme."""
    roles = roles_for(user)
    members = Membership.objects.filter(cohort=cohort)
    if not roles.is_admin:
        members = members.filter(staff__service_id__in=roles.managed_service_ids)
    score = Screening.objects.filter(
        staff_id=OuterRef("staff_id"), programme_id=cohort.programme_id
    )
    return (
        members.select_related("staff__service", "staff__line_manager", "nominated_by")
        .annotate(score=Subquery(score.values("total_score")[:1]))
        .order_by(
            Case(
                *[When(status=s, then=Value(i)) for i, s in enumerate(Membership.Status.values)],
                output_field=IntegerField(),
            ),
            "staff__full_name",
        )
    )


def get_membership_for_user(user: AnyUser, cohort: Cohort, pk: int) -> Membership:
    return get_object_or_404(plannable_memberships(user, cohort), pk=pk)


def nominable_staff(user: AnyUser, cohort: Cohort) -> QuerySet[StaffMember]:
    """Active staff of this user's services taking part in the programme who hold no place
    in any of its waves, and have not been withdrawn from this one."""
    roles = roles_for(user)
    staff = StaffMember.objects.filter(
        is_active=True,
        service__participations__programme_id=cohort.programme_id,
    )
    if not roles.is_admin:
        staff = staff.filter(service_id__in=roles.managed_service_ids)
    in_a_wave = Membership.objects.filter(
        staff_id=OuterRef("pk"), cohort__programme_id=cohort.programme_id
    ).filter(Q(status__in=HOLDING_A_PLACE) | Q(cohort=cohort))
    return staff.exclude(Exists(in_a_wave))


def get_nominee_for_user(user: AnyUser, cohort: Cohort, pk: int) -> StaffMember:
    return get_object_or_404(nominable_staff(user, cohort).select_related("service"), pk=pk)


INTEREST_RANK = Case(
    When(practitioner_interest=Screening.Interest.INTERESTED, then=Value(0)),
    When(practitioner_interest=Screening.Interest.NOT_ASKED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def shortlist(
    user: AnyUser,
    cohort: Cohort,
    *,
    service_id: int | None = None,
    line_manager_id: int | None = None,
) -> QuerySet[Screening]:
    """The ranked shortlist for a wave: screened people who could be nominated, ranked by
    their own interest first (selection is mutual), then total score, then criteria met."""
    candidates = nominable_staff(user, cohort)
    if service_id:
        candidates = candidates.filter(service_id=service_id)
    if line_manager_id:
        candidates = candidates.filter(line_manager_id=line_manager_id)
    return (
        with_ratings(
            Screening.objects.filter(programme_id=cohort.programme_id, staff__in=candidates)
        )
        .annotate(interest_rank=INTEREST_RANK)
        .order_by("interest_rank", "-total_score", "-criteria_met", "staff__full_name")
    )


def shortlist_teams(user: AnyUser, cohort: Cohort) -> QuerySet[StaffMember]:
    """Line managers with reports on the shortlist's services: the 'team' filter."""
    return (
        StaffMember.objects.filter(
            Exists(nominable_staff(user, cohort).filter(line_manager_id=OuterRef("pk")))
        )
        .select_related("service")
        .order_by("full_name")
    )


# --- Staff import --------------------------------------------------------------------------------


def pending_import_for(user: AnyUser) -> StaffImport | None:
    """The file this user uploaded and has not yet confirmed, if any."""
    if not user.is_authenticated:
        return None
    return StaffImport.objects.filter(uploaded_by=user, applied_at__isnull=True).first()


def may_import_staff(user: AnyUser) -> bool:
    roles = roles_for(user)
    return roles.is_admin or roles.is_service_manager


@dataclass(frozen=True)
class ChampionCounts:
    """Champions from one scope across all a programme's waves.

    ``nominated`` counts everyone holding a place (nominated, confirmed, trained or
    active); ``trained`` everyone who has completed training (trained or active);
    ``active`` those now practising as champions. Penetration is active ÷ trained
    (Proctor et al. 2011): did practice change, not just did training happen.
    """

    nominated: int
    trained: int
    active: int

    @property
    def penetration(self) -> int | None:
        return round(100 * self.active / self.trained) if self.trained else None


def champion_counts(memberships: QuerySet[Membership], by: str) -> dict[int, ChampionCounts]:
    """Champion counts from ``memberships`` grouped by the field ``by`` (e.g.
    "staff__service_id" or "cohort__programme_id"), in one query."""
    rows = (
        memberships.filter(status__in=HOLDING_A_PLACE)
        .order_by()
        .values(by)
        .annotate(
            nominated=Count("id"),
            trained=Count("id", filter=Q(status__in=CHAMPION_STATUSES)),
            active=Count("id", filter=Q(status=Membership.Status.ACTIVE)),
        )
    )
    return {
        row[by]: ChampionCounts(row["nominated"], row["trained"], row["active"]) for row in rows
    }


NO_CHAMPIONS = ChampionCounts(0, 0, 0)


def champion_counts_by_service(
    programme: Programme, service_ids: list[int]
) -> dict[int, ChampionCounts]:
    """Service id → its champion counts in ``programme``, in one query (none while the data
    has not changed: ``core.figures``)."""
    found = remembered(
        "champion_counts_by_service",
        [programme.pk, ids_of(service_ids)],
        lambda: champion_counts(
            Membership.objects.filter(
                cohort__programme=programme, staff__service_id__in=service_ids
            ),
            "staff__service_id",
        ),
        # Cohort places count in the scope of the cohort's programme (core.figure_scopes).
        programmes=[programme.pk],
    )
    return {pk: found.get(pk, NO_CHAMPIONS) for pk in service_ids}


def champion_counts_by_programme(service: Service) -> dict[int, ChampionCounts]:
    """Programme id → the service's champion counts in it, in one query."""
    return champion_counts(
        Membership.objects.filter(staff__service=service), "cohort__programme_id"
    )


def champion_counts_for_team(line_manager: StaffMember) -> ChampionCounts:
    """A line manager's reports' champion counts across every programme, in one query."""
    found = champion_counts(
        Membership.objects.filter(staff__line_manager=line_manager, staff__is_active=True),
        "staff__line_manager_id",
    )
    return found.get(line_manager.pk, NO_CHAMPIONS)
