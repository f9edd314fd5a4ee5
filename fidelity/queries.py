"""Reads for fidelity: a check is seen by the practitioner and their line manager only."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from core.roles import roles_for

from .models import FidelityCheck, SupportAction

AnyUser = User | AnonymousUser


def checks_visible_to(user: AnyUser) -> QuerySet[FidelityCheck]:
    roles = roles_for(user)
    if not roles.staff_id:
        return FidelityCheck.objects.none()
    return FidelityCheck.objects.filter(
        Q(staff_id=roles.staff_id) | Q(staff__line_manager_id=roles.staff_id)
    )


def support_actions_visible_to(user: AnyUser) -> QuerySet[SupportAction]:
    """The person supported and the line manager who owns the action."""
    roles = roles_for(user)
    if not roles.staff_id:
        return SupportAction.objects.none()
    return SupportAction.objects.filter(Q(staff_id=roles.staff_id) | Q(owner_id=roles.staff_id))
