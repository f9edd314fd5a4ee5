"""Reads for the workforce and cohorts: what each user may see."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from commissioning.queries import programmes_visible_to
from core.roles import roles_for

from .models import Cohort, Membership, StaffMember

AnyUser = User | AnonymousUser


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


def cohorts_visible_to(user: AnyUser) -> QuerySet[Cohort]:
    return Cohort.objects.filter(programme__in=programmes_visible_to(user))


def memberships_of(user: AnyUser) -> QuerySet[Membership]:
    roles = roles_for(user)
    return Membership.objects.filter(staff_id=roles.staff_id).select_related("cohort__programme")
