"""Shared fixtures: a small world with one person in each role, plus outsiders."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from cohorts.models import StaffMember
from commissioning.models import Participation, Programme, Service

from . import factories as f


@dataclass
class World:
    programme: Programme
    service: Service
    participation: Participation
    commissioner: User
    service_manager: User
    line_manager: User
    line_manager_staff: StaffMember
    practitioner: User
    practitioner_staff: StaffMember
    colleague_staff: StaffMember  # same team as the practitioner, another person
    admin: User
    # Outsiders: another programme by another commissioner, and another service.
    other_programme: Programme
    other_service: Service
    other_commissioner: User
    other_service_manager: User
    other_practitioner: User
    other_practitioner_staff: StaffMember
    nobody: User


@pytest.fixture(autouse=True)
def no_cached_figures():
    """Each test starts with an empty cache: figures cached by an earlier test could share
    primary keys with this one's records."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    membership = f.CommissionerMembershipFactory(user__username="commissioner@example.org")
    programme = f.ProgrammeFactory(commissioning_organisation=membership.organisation)
    service = f.ServiceFactory()
    participation = f.ParticipationFactory(programme=programme, service=service)
    service_manager = f.UserFactory(username="sm@example.org")
    service.managers.add(service_manager)

    line_manager = f.UserFactory(username="lm@example.org")
    lm_staff = f.StaffMemberFactory(
        user=line_manager, service=service, role=StaffMember.Role.LINE_MANAGER
    )
    practitioner = f.UserFactory(username="practitioner@example.org")
    p_staff = f.StaffMemberFactory(user=practitioner, service=service, line_manager=lm_staff)
    colleague = f.StaffMemberFactory(service=service, line_manager=lm_staff)

    other_membership = f.CommissionerMembershipFactory(user__username="other-comm@example.org")
    other_programme = f.ProgrammeFactory(commissioning_organisation=other_membership.organisation)
    other_service = f.ServiceFactory()
    f.ParticipationFactory(programme=other_programme, service=other_service)
    other_sm = f.UserFactory(username="other-sm@example.org")
    other_service.managers.add(other_sm)
    other_practitioner = f.UserFactory(username="other-practitioner@example.org")
    other_staff = f.StaffMemberFactory(user=other_practitioner, service=other_service)

    admin = f.UserFactory(username="admin@example.org", is_superuser=True, is_staff=True)
    nobody = f.UserFactory(username="nobody@example.org")
    return World(
        programme=programme,
        service=service,
        participation=participation,
        commissioner=membership.user,
        service_manager=service_manager,
        line_manager=line_manager,
        line_manager_staff=lm_staff,
        practitioner=practitioner,
        practitioner_staff=p_staff,
        colleague_staff=colleague,
        admin=admin,
        other_programme=other_programme,
        other_service=other_service,
        other_commissioner=other_membership.user,
        other_service_manager=other_sm,
        other_practitioner=other_practitioner,
        other_practitioner_staff=other_staff,
        nobody=nobody,
    )
