"""Reads for supervision and CPD: what each user may see, and the figures pages share."""

from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import DecimalField, Max, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cohorts.models import StaffMember
from commissioning.models import SupervisionType
from core.queries import count_of, sum_of
from core.roles import roles_for
from fidelity.models import SupportAction

from .models import CpdActivity, Reminder, SupervisionSession

AnyUser = User | AnonymousUser


def registration_year(today: date | None = None) -> tuple[date, date]:
    """Social Work England's registration year: 1 December to 30 November."""
    today = today or timezone.localdate()
    start_year = today.year if today.month == 12 else today.year - 1
    return date(start_year, 12, 1), date(start_year + 1, 11, 30)


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
        sessions_visible_to(user).select_related("supervisee", "supervisor"), pk=pk
    )


def cpd_visible_to(user: AnyUser) -> QuerySet[CpdActivity]:
    roles = roles_for(user)
    return (
        CpdActivity.objects.filter(staff_id=roles.staff_id)
        if roles.staff_id
        else (CpdActivity.objects.none())
    )


def reminders_for(user: AnyUser) -> QuerySet[Reminder]:
    if not user.is_authenticated:
        return Reminder.objects.none()
    return Reminder.objects.filter(recipient=user, dismissed_at__isnull=True)


def last_session_by_type(staff_id: int) -> list[dict]:
    """For one person: each supervision type received, with the latest date and count."""
    labels = dict(SupervisionType.choices)
    rows = (
        SupervisionSession.objects.filter(supervisee_id=staff_id)
        .values("supervision_type")
        .annotate(last_held=Max("held_on"))
        .order_by("supervision_type")
    )
    return [{**row, "label": labels[row["supervision_type"]]} for row in rows]


def cpd_summary(staff_id: int, today: date | None = None) -> dict:
    """Hours, pieces and peer-reflected pieces in the current registration year."""
    start, end = registration_year(today)
    rows = list(
        CpdActivity.objects.filter(staff_id=staff_id, done_on__range=(start, end)).values_list(
            "hours", "peer_reflection"
        )
    )
    return {
        "year_start": start,
        "year_end": end,
        "hours": sum((hours for hours, _ in rows), start=0),
        "pieces": len(rows),
        "peer_pieces": sum(1 for _, peer in rows if peer),
    }


def team_overview(user: AnyUser, today: date | None = None) -> QuerySet[StaffMember]:
    """A line manager's reports with their latest supervision, CPD this registration year
    and open support actions, in one query."""
    roles = roles_for(user)
    start, end = registration_year(today)
    received = SupervisionSession.objects.filter(supervisee_id=OuterRef("pk"))
    return (
        (
            StaffMember.objects.filter(line_manager_id=roles.staff_id, is_active=True)
            if roles.staff_id
            else StaffMember.objects.none()
        )
        .annotate(
            last_supervision=Subquery(received.order_by("-held_on").values("held_on")[:1]),
            sessions_this_year=count_of(received.filter(held_on__range=(start, end))),
            cpd_hours=sum_of(
                CpdActivity.objects.filter(staff_id=OuterRef("pk"), done_on__range=(start, end)),
                "hours",
                DecimalField(max_digits=7, decimal_places=1),
            ),
            open_actions=count_of(
                SupportAction.objects.filter(staff_id=OuterRef("pk"), done_on__isnull=True)
            ),
        )
        .order_by("full_name")
    )
