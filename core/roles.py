"""Who a user is in Launchpad, derived from data rather than from user types.

A person's roles come from their records: a commissioner membership makes a commissioner,
being one of a service's managers makes a service manager, having reports makes a line
manager, and a staff record makes a practitioner. One person can hold several roles.

Every "visible to this user" query in the apps' ``queries.py`` starts from ``roles_for``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.urls import reverse

_CACHE_ATTR = "_launchpad_roles"


@dataclass(frozen=True)
class Roles:
    is_admin: bool = False
    commissioner_org_ids: frozenset[int] = field(default_factory=frozenset)
    managed_service_ids: frozenset[int] = field(default_factory=frozenset)
    staff_id: int | None = None
    staff_service_id: int | None = None
    has_reports: bool = False

    @property
    def is_commissioner(self) -> bool:
        return bool(self.commissioner_org_ids)

    @property
    def is_service_manager(self) -> bool:
        return bool(self.managed_service_ids)

    @property
    def is_line_manager(self) -> bool:
        return self.has_reports

    @property
    def is_practitioner(self) -> bool:
        return self.staff_id is not None

    @property
    def labels(self) -> list[str]:
        """Plain names of the roles held, for the page header."""
        names = []
        if self.is_commissioner:
            names.append("Commissioner")
        if self.is_service_manager:
            names.append("Service manager")
        if self.is_line_manager:
            names.append("Line manager")
        if self.is_practitioner and not (self.is_service_manager or self.is_line_manager):
            names.append("Practitioner")
        if self.is_admin:
            names.append("Administrator")
        return names

    def home_url(self) -> str:
        """Each role lands on its own page; the most strategic role wins."""
        if self.is_commissioner:
            return reverse("commissioning:programme_list")
        if self.is_service_manager:
            return reverse("commissioning:my_service")
        if self.is_line_manager:
            return reverse("supervision:team")
        if self.is_practitioner:
            return reverse("supervision:my_practice")
        if self.is_admin:
            return reverse("admin:index")
        return reverse("no_role")


NO_ROLES = Roles()


def roles_for(user: User | AnonymousUser) -> Roles:
    """The roles a user holds, computed once per request (cached on the user object)."""
    if not user.is_authenticated:
        return NO_ROLES
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    # Imported here: the apps import this module, and it must not import them at load.
    from cohorts.models import StaffMember
    from commissioning.models import CommissionerMembership, Service

    staff = StaffMember.objects.filter(user=user, is_active=True).values("id", "service_id").first()
    staff_id = staff["id"] if staff else None
    roles = Roles(
        is_admin=user.is_superuser,
        commissioner_org_ids=frozenset(
            CommissionerMembership.objects.filter(user=user).values_list(
                "organisation_id", flat=True
            )
        ),
        managed_service_ids=frozenset(
            Service.objects.filter(managers=user).values_list("id", flat=True)
        ),
        staff_id=staff_id,
        staff_service_id=staff["service_id"] if staff else None,
        has_reports=staff_id is not None
        and StaffMember.objects.filter(line_manager_id=staff_id, is_active=True).exists(),
    )
    setattr(user, _CACHE_ATTR, roles)
    return roles
