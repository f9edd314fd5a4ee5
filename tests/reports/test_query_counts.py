"""The dashboards run the same number of queries however many services and staff, with
standards in place (the sweep measures them without)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohorts.models import Membership
from tests import factories as f

from .builders import add_outcomes_and_fidelity, outcome_and_fidelity_setup


def grow(world, n: int) -> None:
    """``n`` more services, each with supervision, a champion, outcome pairs, reflections
    and support actions, and more of each in the world's own service."""
    if not hasattr(world, "figures_setup"):
        world.figures_setup = outcome_and_fidelity_setup(world.programme)
    for _ in range(n):
        service = f.ServiceFactory()
        f.ParticipationFactory(programme=world.programme, service=service)
        f.AgreedAgreementFactory(
            participation=world.participation.__class__.objects.get(
                programme=world.programme, service=service
            )
        )
        head = f.StaffMemberFactory(service=service)
        person = f.StaffMemberFactory(service=service, line_manager=head)
        f.SupervisionSessionFactory(supervisee=person, supervisor=head)
        f.MembershipFactory(
            cohort=f.CohortFactory(programme=world.programme),
            staff=person,
            status=Membership.Status.ACTIVE,
        )
        f.StaffMemberFactory(service=world.service, line_manager=world.line_manager_staff)
        add_outcomes_and_fidelity(world.figures_setup, service, 2)
        add_outcomes_and_fidelity(
            world.figures_setup, world.service, 1, line_manager=world.line_manager_staff
        )


def count(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("who", "url", "budget"),
    [
        # Fidelity totals are added up from their groups and the trend shares its quarter
        # sums with the falling-fidelity rule (fidelity.aggregates.RatingSum): −3.
        ("commissioner", "/dashboard/programmes/{programme}/", 36),
        ("service_manager", "/dashboard/services/{service}/", 38),
        ("line_manager", "/dashboard/team/", 16),
    ],
)
def test_dashboards_have_a_fixed_query_count(client, programme_world, who, url, budget):
    w = programme_world
    url = url.format(programme=w.programme.pk, service=w.service.pk)
    grow(w, 1)
    small = count(client, getattr(w, who), url)
    grow(w, 8)
    large = count(client, getattr(w, who), url)
    assert (small, large) == (budget, budget)
