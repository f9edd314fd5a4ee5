"""Reads for outcomes: individual responses belong to the person who gave them."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from core.roles import roles_for

from .models import MeasureResponse

AnyUser = User | AnonymousUser


def responses_visible_to(user: AnyUser) -> QuerySet[MeasureResponse]:
    """Only the person themselves sees an individual response; everyone else gets
    suppressed aggregates (built in the outcomes issue)."""
    roles = roles_for(user)
    if not roles.staff_id:
        return MeasureResponse.objects.none()
    return MeasureResponse.objects.filter(staff_id=roles.staff_id)
