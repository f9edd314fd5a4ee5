"""Every page runs the same number of queries whatever the data size."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.models import StaffMember
from tests import factories as f

from .sweep import ACCESS, ARGUMENTS, PUBLIC, QUERY_BUDGETS, discover_pages


def viewer_of(name: str) -> str | None:
    access = ACCESS[name]
    if access == PUBLIC:
        return None
    return next((role for role, status in access.items() if status == 200), None)


PAGES = [p for p in discover_pages() if viewer_of(p.name)]


def grow(world, n: int, start: int = 0) -> None:
    """Add n of everything each page lists, around the world's people."""
    today = dt.date(2026, 11, 1)
    for i in range(start, start + n):
        service = f.ServiceFactory()
        f.ParticipationFactory(programme=world.programme, service=service)
        f.MilestoneFactory(participation=world.participation, completed_on=today)
        f.AgreementFactory(participation=world.participation, version=100 + i)
        f.CohortFactory(programme=world.programme)
        f.StaffMemberFactory(service=world.service, line_manager=world.line_manager_staff)
        report = f.StaffMemberFactory(
            service=world.service,
            line_manager=world.line_manager_staff,
            role=StaffMember.Role.PRACTITIONER,
        )
        f.SupervisionSessionFactory(supervisee=report, supervisor=world.line_manager_staff)
        f.CpdActivityFactory(staff=report)
        f.SupportActionFactory(staff=report, owner=world.line_manager_staff)
        f.SupervisionSessionFactory(
            supervisee=world.practitioner_staff,
            supervisor=world.line_manager_staff,
            held_on=today - dt.timedelta(days=i),
            supervision_type="reflective",
        )
        f.CpdActivityFactory(staff=world.practitioner_staff, peer_reflection=bool(i % 2))
        f.FidelityCheckFactory(staff=world.practitioner_staff)
        f.ReminderFactory(recipient=world.practitioner)
        f.MembershipFactory(staff=world.practitioner_staff)


def queries_for(client, world, page) -> int:
    role = viewer_of(page.name)
    client.force_login(getattr(world, role))
    kwargs = ARGUMENTS[page.name][0](world) if page.arguments else {}
    url = reverse(page.name, kwargs=kwargs)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_every_page_has_a_query_budget():
    missing = sorted({p.name for p in PAGES} - set(QUERY_BUDGETS))
    assert not missing, f"Add QUERY_BUDGETS entries in tests/quality/sweep.py for {missing}"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_query_count_is_constant_and_within_budget(client, world, page):
    grow(world, 1)
    small = queries_for(client, world, page)
    grow(world, 9, start=1)
    large = queries_for(client, world, page)
    assert small == large, f"{page.name}: {small} queries with small data, {large} with 10×"
    assert large == QUERY_BUDGETS.get(page.name), f"{page.name} now runs {large} queries"
