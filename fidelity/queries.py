"""Reads for fidelity: a check is seen by the practitioner and their line manager only
(and by whoever completed it, if a peer). Everyone else sees aggregates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cohorts.models import StaffMember
from commissioning.models import Participation, Programme
from core.queries import count_of
from core.roles import roles_for

from .models import (
    ChallengeTheme,
    FidelityCheck,
    FidelityItem,
    FidelityRating,
    FidelityTool,
    SupportAction,
)

AnyUser = User | AnonymousUser


def checks_visible_to(user: AnyUser) -> QuerySet[FidelityCheck]:
    """The person's own checks, their reports' checks (as line manager) and the checks
    they completed for a colleague. Nobody else, admins included (DESIGN §3)."""
    if not user.is_authenticated:
        return FidelityCheck.objects.none()
    roles = roles_for(user)
    seen = Q(completed_by_id=user.pk)
    if roles.staff_id:
        seen |= Q(staff_id=roles.staff_id) | Q(staff__line_manager_id=roles.staff_id)
    return FidelityCheck.objects.filter(seen)


def support_actions_visible_to(user: AnyUser) -> QuerySet[SupportAction]:
    """The person supported, the line manager who owns the action, and the person's
    current line manager (who takes over if the owner moves on)."""
    roles = roles_for(user)
    if not roles.staff_id:
        return SupportAction.objects.none()
    return SupportAction.objects.filter(
        Q(staff_id=roles.staff_id)
        | Q(owner_id=roles.staff_id)
        | Q(staff__line_manager_id=roles.staff_id)
    )


# --- One check, one action ---------------------------------------------------------------------


def with_details(checks: QuerySet[FidelityCheck]) -> QuerySet[FidelityCheck]:
    """Everything a check's page shows, in a fixed number of queries."""
    return checks.select_related(
        "tool__programme", "staff__line_manager", "completed_by"
    ).prefetch_related(
        Prefetch(
            "ratings",
            queryset=FidelityRating.objects.select_related("item").order_by("item__number"),
        ),
        "themes",
        Prefetch("support_actions", queryset=SupportAction.objects.select_related("owner")),
    )


def get_check_for_user(user: AnyUser, pk: int) -> FidelityCheck:
    """A check the user may see, with its details; 404 otherwise."""
    return get_object_or_404(with_details(checks_visible_to(user)), pk=pk)


def get_support_action_for_user(user: AnyUser, pk: int) -> SupportAction:
    return get_object_or_404(
        support_actions_visible_to(user).select_related("staff", "owner", "check_record"), pk=pk
    )


# --- Who may do what ---------------------------------------------------------------------------
# Seeing is decided by the *_visible_to querysets; these say who may change what they see.


def may_edit_check(user: AnyUser, check: FidelityCheck) -> bool:
    """Only whoever completed a check changes it."""
    return check.completed_by_id is not None and check.completed_by_id == user.pk


def may_respond_to_check(user: AnyUser, check: FidelityCheck) -> bool:
    """The practitioner answers a check someone else completed about them."""
    roles = roles_for(user)
    return (
        roles.staff_id is not None
        and check.staff_id == roles.staff_id
        and check.completed_by_id != user.pk
    )


def may_manage_support_action(user: AnyUser, action: SupportAction) -> bool:
    """The owner (the line manager) changes the action and marks it done."""
    roles = roles_for(user)
    return roles.staff_id is not None and roles.staff_id in (
        action.owner_id,
        getattr(action.staff, "line_manager_id", None),
    )


def observable_staff(user: AnyUser) -> QuerySet[StaffMember]:
    """Whom a user may record an observation or supervision check for: their reports
    (as line manager) and their teammates (as a peer: same line manager), not themselves."""
    roles = roles_for(user)
    if not roles.staff_id:
        return StaffMember.objects.none()
    team = Q(line_manager_id=roles.staff_id)
    my_manager = StaffMember.objects.filter(pk=roles.staff_id).values("line_manager_id")[:1]
    team |= Q(line_manager_id=Subquery(my_manager), line_manager_id__isnull=False)
    return (
        StaffMember.objects.filter(team, is_active=True)
        .exclude(pk=roles.staff_id)
        .order_by("full_name")
    )


# --- Tools --------------------------------------------------------------------------------------


def tool_in_use(programme_id: int) -> FidelityTool | None:
    """The version new checks in a programme use, items included (two queries)."""
    return (
        FidelityTool.objects.filter(programme_id=programme_id)
        .order_by("-in_use", "-published", "-pk")
        .prefetch_related("items")
        .first()
    )


def tool_for_service(service_id: int | None) -> FidelityTool | None:
    """The tool a service's staff reflect with: the one in use in the most recently
    started programme the service takes part in that has a tool (three queries)."""
    if service_id is None:
        return None
    programme_id = (
        Participation.objects.filter(
            Exists(FidelityTool.objects.filter(programme_id=OuterRef("programme_id"))),
            service_id=service_id,
        )
        .order_by("-programme__start_date", "-programme_id")
        .values_list("programme_id", flat=True)
        .first()
    )
    return tool_in_use(programme_id) if programme_id else None


def tool_versions(programme: Programme) -> QuerySet[FidelityTool]:
    """Every published version of a programme's tools, newest first, with how many checks
    used each."""
    return (
        FidelityTool.objects.filter(programme=programme)
        .select_related("published_by")
        .annotate(check_count=count_of(FidelityCheck.objects.filter(tool_id=OuterRef("pk"))))
        .order_by("name", "-version")
    )


def get_tool_for_user(user: AnyUser, programme: Programme, pk: int) -> FidelityTool:
    tool = FidelityTool.objects.filter(programme=programme, pk=pk).first()
    if tool is None:
        raise Http404("No such tool in this programme.")
    return tool


def themes_offered() -> QuerySet[ChallengeTheme]:
    return ChallengeTheme.objects.filter(is_active=True)


def themes_for(check: FidelityCheck) -> QuerySet[ChallengeTheme]:
    """The themes offered, plus any retired theme the check already has."""
    return ChallengeTheme.objects.filter(Q(is_active=True) | Q(checks=check)).distinct()


# --- Due dates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FidelityPlan:
    """What a service's staff follow: their programme's tool and how often to reflect."""

    programme_id: int
    interval_days: int
    starts: date


def plans_by_service(service_ids: Iterable[int] | None = None) -> dict[int, FidelityPlan]:
    """Service id → its fidelity plan (one query). Like supervision cadence, a service in
    several programmes follows the most recently started one with standards (and a tool)."""
    participations = Participation.objects.filter(
        Exists(FidelityTool.objects.filter(programme_id=OuterRef("programme_id"))),
        programme__standards__isnull=False,
    )
    if service_ids is not None:
        participations = participations.filter(service_id__in=list(service_ids))
    plans: dict[int, FidelityPlan] = {}
    for service_id, programme_id, interval, starts in participations.order_by(
        "service_id", "-programme__start_date", "-programme_id"
    ).values_list(
        "service_id",
        "programme_id",
        "programme__standards__fidelity_check_interval_days",
        "programme__start_date",
    ):
        plans.setdefault(service_id, FidelityPlan(programme_id, interval, starts))
    return plans


def next_check_due(plan: FidelityPlan | None, last: date | None, started: date) -> date | None:
    """A check is due an interval after the last one; the first, an interval after the
    later of the programme's start and the person's."""
    if plan is None:
        return None
    since = last or max(plan.starts, started)
    return since + timedelta(days=plan.interval_days)


DUE_SOON_DAYS = 7


def due_state(due: date | None, today: date) -> str:
    """ "overdue", "due" (within a week) or "ok"; "" when no standard applies."""
    if due is None:
        return ""
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=DUE_SOON_DAYS):
        return "due"
    return "ok"


def with_last_check(staff: QuerySet[StaffMember]) -> QuerySet[StaffMember]:
    return staff.annotate(
        last_check_on=Subquery(
            FidelityCheck.objects.filter(staff_id=OuterRef("pk"))
            .order_by()
            .values("staff_id")
            .annotate(last=Max("done_on"))
            .values("last")[:1]
        )
    )


@dataclass(frozen=True)
class Reflections:
    """The practitioner's "Reflections" panel on My practice."""

    staff: StaffMember
    last_check: FidelityCheck | None
    next_due: date | None
    state: str
    open_actions: list[SupportAction]
    awaiting_response: int


def reflections_for(user: AnyUser, today: date | None = None) -> Reflections | None:
    """Due date, last check and open support for the signed-in practitioner (four queries)."""
    roles = roles_for(user)
    if not roles.staff_id:
        return None
    today = today or timezone.localdate()
    staff = StaffMember.objects.filter(pk=roles.staff_id).first()
    if staff is None:
        return None
    mine = FidelityCheck.objects.filter(staff_id=staff.pk)
    last = mine.select_related("completed_by").first()
    plan = plans_by_service([staff.service_id]).get(staff.service_id)
    due = next_check_due(plan, last.done_on if last else None, staff.start_date)
    actions = list(
        SupportAction.objects.filter(staff_id=staff.pk, done_on__isnull=True)
        .select_related("owner")
        .order_by("due_on", "pk")
    )
    awaiting = (
        mine.filter(response="")
        .exclude(completed_by_id=user.pk)
        .exclude(kind=FidelityCheck.Kind.SELF)
    )
    return Reflections(
        staff=staff,
        last_check=last,
        next_due=due,
        state=due_state(due, today),
        open_actions=actions,
        awaiting_response=awaiting.count(),
    )


@dataclass(frozen=True)
class TeamReflection:
    """One report's row in "Team reflections" on My team."""

    staff: StaffMember
    last_check_on: date | None
    next_due: date | None
    state: str
    open_actions: int


def team_reflections(user: AnyUser, today: date | None = None) -> list[TeamReflection]:
    """Each report's last check, next due and open support actions (two queries)."""
    roles = roles_for(user)
    if not roles.staff_id:
        return []
    today = today or timezone.localdate()
    reports = list(
        with_last_check(StaffMember.objects.filter(line_manager_id=roles.staff_id, is_active=True))
        .annotate(
            open_support=count_of(
                SupportAction.objects.filter(staff_id=OuterRef("pk"), done_on__isnull=True)
            )
        )
        .order_by("full_name")
    )
    plans = plans_by_service({r.service_id for r in reports}) if reports else {}
    rows = []
    for r in reports:
        last: date | None = getattr(r, "last_check_on", None)  # annotated by with_last_check
        due = next_check_due(plans.get(r.service_id), last, r.start_date)
        rows.append(TeamReflection(r, last, due, due_state(due, today), r.open_support))
    return rows


# --- Lists --------------------------------------------------------------------------------------


def checks_about(user: AnyUser, staff_ids: Iterable[int]) -> QuerySet[FidelityCheck]:
    return (
        checks_visible_to(user)
        .filter(staff_id__in=list(staff_ids))
        .select_related("staff", "completed_by", "tool")
        .prefetch_related("themes")
    )


def my_checks(user: AnyUser) -> QuerySet[FidelityCheck]:
    roles = roles_for(user)
    return checks_about(user, [roles.staff_id] if roles.staff_id else [])


def team_checks(user: AnyUser) -> QuerySet[FidelityCheck]:
    """Checks about the user's reports, and those they completed for colleagues."""
    roles = roles_for(user)
    if not roles.staff_id:
        return FidelityCheck.objects.none()
    return (
        checks_visible_to(user)
        .exclude(staff_id=roles.staff_id)
        .select_related("staff", "completed_by", "tool")
        .prefetch_related("themes")
    )


def open_support_actions(user: AnyUser) -> QuerySet[SupportAction]:
    return (
        support_actions_visible_to(user)
        .filter(done_on__isnull=True)
        .select_related("staff", "owner", "check_record")
        .order_by("due_on", "pk")
    )


def done_support_actions(user: AnyUser) -> QuerySet[SupportAction]:
    return (
        support_actions_visible_to(user)
        .filter(done_on__isnull=False)
        .select_related("staff", "owner")
        .order_by("-done_on", "-pk")
    )


# --- Reminders ----------------------------------------------------------------------------------


def staff_for_fidelity_reminders(after_pk: int, limit: int) -> list[StaffMember]:
    """The next ``limit`` active staff with logins, with their last check date: one
    query per batch."""
    return list(
        with_last_check(
            StaffMember.objects.filter(
                is_active=True, pk__gt=after_pk, user__isnull=False, user__is_active=True
            )
        ).order_by("pk")[:limit]
    )


def support_actions_for_reminders(until: date) -> QuerySet[SupportAction]:
    """Open actions due by ``until`` (or overdue) whose owner has an active login: one query."""
    return (
        SupportAction.objects.filter(
            done_on__isnull=True,
            due_on__lte=until,
            owner__user__isnull=False,
            owner__user__is_active=True,
        )
        .select_related("staff", "owner")
        .order_by("pk")
    )


def items_of(tool: FidelityTool) -> list[FidelityItem]:
    return list(tool.items.all())
