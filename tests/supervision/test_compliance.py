"""Compliance figures per team, service and programme, with small-number suppression, in a
constant number of queries; and the partial the programme and service pages include."""

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from cohorts.models import TrainingCompletion
from supervision import queries
from supervision.cadence import COMPLEMENTARY_REASON
from tests import factories as f

TODAY = dt.date(2026, 11, 26)


def team(service, size, *, recent=None, manager_has_manager=False):
    """A line manager and ``size`` reports; the first ``recent`` had line management
    supervision last week, the rest not for two months."""
    boss = f.StaffMemberFactory(service=service) if manager_has_manager else None
    manager = f.StaffMemberFactory(service=service, line_manager=boss, role="line_manager")
    recent = size if recent is None else recent
    for i in range(size):
        person = f.StaffMemberFactory(service=service, line_manager=manager)
        f.SupervisionSessionFactory(
            supervisee=person,
            supervisor=manager,
            held_on=TODAY - dt.timedelta(days=7 if i < recent else 60),
        )
    return manager


@pytest.fixture
def programme(frozen, world, standards):
    """Three services: the world's (three people tracked), one of five, one of six."""
    standards.cadence_rules.filter(supervision_type="reflective").delete()  # one type is plenty
    services = {"A": world.service}
    for name, size, recent in (("B", 5, 4), ("C", 6, 6)):
        services[name] = f.ServiceFactory(name=f"Service {name}")
        f.ParticipationFactory(programme=world.programme, service=services[name])
        team(services[name], size, recent=recent)
    organisation = world.programme.commissioning_organisation
    f.ResourceFactory(organisation=organisation)
    f.ResourceFactory(
        organisation=organisation, last_reviewed=dt.date(2024, 1, 1), review_by=dt.date(2025, 1, 1)
    )
    return services


def test_compliance_by_service_hides_small_services_and_one_more(world, programme):
    table = queries.compliance_by_service(world.programme)
    columns = {c.scope: c for c in table.columns}
    assert list(columns) == [world.service.name, "Service B", "Service C", "All services"]
    line_management = {scope: c.figures["line_management"] for scope, c in columns.items()}
    # The world's service: three people tracked, fewer than five.
    assert line_management[world.service.name].suppressed
    assert "fewer than 5 people" in line_management[world.service.name].suppressed_reason
    # Service B could otherwise be worked out from the total: hidden too.
    assert line_management["Service B"].suppressed
    assert line_management["Service B"].suppressed_reason == COMPLEMENTARY_REASON
    assert line_management["Service C"].percent == 100
    total = line_management["All services"]
    # 3 in the world's service (none supervised) + 4 of 5 + 6 of 6.
    assert (total.numerator, total.denominator) == (10, 14)


def test_figures_about_line_managers_and_resources(world, programme):
    f.TrainingCompletionFactory(
        staff=world.line_manager_staff,
        programme=world.programme,
        course=TrainingCompletion.Course.LINE_MANAGER,
    )
    total = queries.compliance_for_programme(world.programme)
    # Line managers: the world's, B's and C's (the world's head manages someone too).
    assert total.denominators["line_manager_training"] == 4
    assert total.figures["line_manager_training"].suppressed
    resources = total.figures["resources_current"]
    assert (resources.numerator, resources.denominator, resources.percent) == (1, 2, 50)


def test_cpd_on_pace_share(world, programme):
    for person in world.service.staff.all():
        f.CpdActivityFactory(staff=person, hours=30, peer_reflection=True)
        f.CpdActivityFactory(staff=person, hours=1)
    total = queries.compliance_for_programme(world.programme)
    on_pace = total.figures["cpd_on_pace"]
    assert on_pace.denominator == total.people == 4 + 6 + 7
    assert on_pace.numerator == 4


def test_a_service_and_a_team_on_their_own(world, programme):
    service_c = queries.compliance_for_service(programme["C"], world.programme)
    (column,) = service_c.columns
    assert column.scope == "Service C" and column.figures["line_management"].percent == 100
    manager = programme["B"].staff.get(role="line_manager")
    team_b = queries.compliance_for_team(manager)
    assert team_b.columns[0].figures["line_management"].percent == 80
    assert team_b.columns[0].scope == f"Team of {manager.full_name}"


def test_no_standards_no_figures(world):
    assert queries.compliance_by_service(world.programme) is None
    assert queries.compliance_for_service(world.service) is None


def test_the_queries_do_not_grow_with_the_programme(world, programme):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            queries.compliance_by_service(world.programme)
        return len(captured)

    small = count()
    for i in range(4):
        service = f.ServiceFactory(name=f"Service growth {i}")
        f.ParticipationFactory(programme=world.programme, service=service)
        team(service, 6, manager_has_manager=True)
    assert count() == small == 6


def test_the_partial_says_why_a_figure_is_hidden(world, programme):
    table = queries.compliance_by_service(world.programme)
    html = render_to_string(
        "supervision/_compliance.html", {"compliance": table, "prefix": "programme"}
    )
    assert "Line management supervision within cadence" in html
    assert "Not shown" in html and 'href="#programme-note-1"' in html
    assert 'id="programme-note-1"' in html and "fewer than 5 people" in html
    assert COMPLEMENTARY_REASON in html
    assert "71%" in html and "(10 of 14 people)" in html  # the total
    assert "Service C" in html and "100%" in html


def test_figures_for_only_the_services_someone_may_see(world, programme):
    from commissioning.models import Service

    own = Service.objects.filter(pk__in=[programme["B"].pk, programme["C"].pk])
    table = queries.compliance_by_service(world.programme, services=own)
    assert [c.scope for c in table.columns] == ["Service B", "Service C", "These services"]
    assert table.column("These services").figures["line_management"].denominator == 11
