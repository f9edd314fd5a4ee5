"""The supervision pages run a fixed number of queries, with a programme's standards and
cadence rules in place, however many reports, sessions, CPD and reminders there are.
(tests/quality/test_query_counts.py sweeps every page, in a world without standards.)"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f

BUDGETS = {
    ("practitioner", "/my-practice/"): 23,  # Reflections (fidelity): +4; measures open: +1
    ("practitioner", "/my-practice/cpd/new/"): 13,
    ("practitioner", "/notifications/"): 13,
    ("line_manager", "/team/"): 32,  # with Team reflections (+2) and signals (+4), fidelity
    ("line_manager", "/my-practice/"): 23,
}


def grow(world, n: int) -> None:
    lm = world.line_manager_staff
    for i in range(n):
        report = f.StaffMemberFactory(service=world.service, line_manager=lm)
        for kind in ("line_management", "reflective", "coaching"):
            f.SupervisionSessionFactory(supervisee=report, supervisor=lm, supervision_type=kind)
        f.SupervisionSessionFactory(
            supervisee=world.practitioner_staff,
            supervisor=lm,
            held_on=dt.date(2026, 11, 1) - dt.timedelta(days=i),
        )
        f.SupervisionSessionFactory(
            supervisee=lm, supervisor=lm.line_manager, supervision_type="coaching"
        )
        f.CpdActivityFactory(staff=report)
        f.CpdActivityFactory(staff=world.practitioner_staff, peer_reflection=bool(i % 2))
        f.ReminderFactory(recipient=world.practitioner)
        f.ReminderFactory(
            recipient=world.practitioner, dismissed_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        )
        f.SupportActionFactory(staff=report, owner=lm)
        f.ResourceFactory(organisation=world.programme.commissioning_organisation)
        f.TrainingCompletionFactory(staff=report, programme=world.programme)


def count(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize(("role", "url"), BUDGETS, ids=[f"{r}{u}" for r, u in BUDGETS])
def test_supervision_pages_run_the_same_queries_at_ten_times_the_data(
    frozen, client, world, standards, role, url
):
    grow(world, 1)
    small = count(client, getattr(world, role), url)
    grow(world, 9)
    large = count(client, getattr(world, role), url)
    assert small == large, f"{url}: {small} queries with small data, {large} with 10×"
    assert large == BUDGETS[role, url], f"{url} now runs {large} queries"
