"""Reads for commissioning: what each user may see, and the figures pages share."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.shortcuts import get_object_or_404

from cohorts.models import Membership, StaffMember
from core.queries import count_of
from core.roles import roles_for

from .models import Agreement, Milestone, Participation, Programme, Service

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
    rows = participations_with_progress(
        participations_visible_to(user).filter(programme__in=programmes)
    )
    by_programme: dict[int, list[Participation]] = {p.pk: [] for p in programmes}
    for row in rows:
        by_programme[row.programme_id].append(row)
    return [(p, by_programme[p.pk]) for p in programmes]


def status_label(status: str | None) -> str:
    return dict(Agreement.Status.choices).get(status or "", "Not started")
