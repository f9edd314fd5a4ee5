"""Scoped forgetting of cached figures (core.figures, core.figure_scopes): a day-to-day
record forgets only the figures of its person's service and that service's programmes;
anything else still forgets every figure."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_delete
from django.test.utils import CaptureQueriesContext

from cohorts import queries as cohort_queries
from cohorts.models import StaffMember
from commissioning.models import Agreement, Standards
from core import figure_scopes, figures
from supervision import queries
from supervision.models import SupervisionSession
from tests import factories as f

from .builders import add_standards
from .conftest import LONDON, TODAY


def queries_for(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def line_management(programme) -> tuple[int | None, int | None]:
    figure = queries.compliance_by_service(programme).columns[-1].figures["line_management"]
    return figure.numerator, figure.denominator


def team_line_management(service) -> tuple[int | None, int | None]:
    standards = queries.standards_by_service([service.pk])[service.pk]
    figure = queries.compliance_by_team(service, standards).columns[-1].figures["line_management"]
    return figure.numerator, figure.denominator


def tracked_team(service, size: int = 5) -> tuple[StaffMember, list[StaffMember]]:
    """A line manager (under a head) and ``size`` reports in ``service``, five of them
    with line management last week."""
    head = f.StaffMemberFactory(service=service, role=StaffMember.Role.SERVICE_MANAGER)
    manager = f.StaffMemberFactory(
        service=service, line_manager=head, role=StaffMember.Role.LINE_MANAGER
    )
    team = [f.StaffMemberFactory(service=service, line_manager=manager) for _ in range(size)]
    for person in team[:5]:
        f.SupervisionSessionFactory(
            supervisee=person, supervisor=manager, held_on=TODAY - dt.timedelta(days=7)
        )
    return manager, team


@pytest.fixture
def two(frozen, world, standards):
    """Programme 1 (the world's) with service A, programme 2 (the other one) with service
    B, each with standards and a team of six people of whom five had line management last
    week (threshold 5, so every figure is shown); with those already there, nine people
    in A and seven in B are tracked, and A's practitioner has had no session yet."""
    add_standards(world.other_programme)
    world.manager_a, world.team_a = tracked_team(world.service)
    world.manager_b, world.team_b = tracked_team(world.other_service, size=6)
    return world


def warm(w) -> None:
    """Ask for every scoped figure of both programmes and services once."""
    for programme in (w.programme, w.other_programme):
        queries.compliance_by_service(programme)
        cohort_queries.champion_counts_by_service(programme, [w.service.pk, w.other_service.pk])
    for service in (w.service, w.other_service):
        team_line_management(service)


def costs(w) -> dict[str, int]:
    """Queries each figure costs now: 0 while it is still remembered."""
    return {
        "programme 1": queries_for(lambda: queries.compliance_by_service(w.programme)),
        "programme 2": queries_for(lambda: queries.compliance_by_service(w.other_programme)),
        "service A": queries_for(
            lambda: queries.compliance_by_team(
                w.service, queries.standards_by_service([w.service.pk])[w.service.pk]
            )
        )
        - 2,  # the standards lookup
        "service B": queries_for(
            lambda: queries.compliance_by_team(
                w.other_service,
                queries.standards_by_service([w.other_service.pk])[w.other_service.pk],
            )
        )
        - 2,
    }


def test_the_standards_lookup_costs_two_queries(two):
    # ``costs`` takes them off; if this changes, so must it.
    assert queries_for(lambda: queries.standards_by_service([two.service.pk])) == 2


def test_a_session_in_one_programme_leaves_the_other_programmes_figures_be(two):
    w = two
    assert line_management(w.programme) == (5, 9)
    assert line_management(w.other_programme) == (5, 7)
    warm(w)
    assert set(costs(w).values()) == {0}
    f.SupervisionSessionFactory(
        supervisee=w.practitioner_staff,
        supervisor=w.line_manager_staff,
        held_on=TODAY - dt.timedelta(days=1),
    )
    cost = costs(w)
    assert cost["programme 2"] == 0 and cost["service B"] == 0
    assert cost["programme 1"] > 0 and cost["service A"] > 0
    assert line_management(w.programme) == (6, 9)  # the new figure, at once
    assert team_line_management(w.service) == (6, 9)
    assert line_management(w.other_programme) == (5, 7)


def test_a_service_in_two_programmes_forgets_both(two):
    w = two
    third = f.ProgrammeFactory()
    add_standards(third)
    f.ParticipationFactory(programme=third, service=f.ServiceFactory())
    f.ParticipationFactory(programme=w.other_programme, service=w.service)
    assert line_management(w.other_programme) == (10, 16)
    warm(w)
    queries.compliance_by_service(third)
    f.SupervisionSessionFactory(
        supervisee=w.practitioner_staff,
        supervisor=w.line_manager_staff,
        held_on=TODAY - dt.timedelta(days=1),
    )
    assert queries_for(lambda: queries.compliance_by_service(third)) == 0
    assert costs(w)["service B"] == 0
    assert line_management(w.programme) == (6, 9)
    assert line_management(w.other_programme) == (11, 16)


def test_a_session_moved_to_someone_in_another_service_forgets_both(two):
    w = two
    session = w.team_a[0].supervision_received.get()
    warm(w)
    session.supervisee = w.team_b[-1]
    session.supervisor = w.manager_b
    session.save()
    assert line_management(w.programme) == (4, 9)
    assert line_management(w.other_programme) == (6, 7)
    assert team_line_management(w.service) == (4, 9)
    assert team_line_management(w.other_service) == (6, 7)


def test_an_edited_session_forgets_only_its_own_scope(two):
    w = two
    session = w.team_a[0].supervision_received.get()
    warm(w)
    session.held_on = TODAY - dt.timedelta(days=90)  # outside the 30-day cadence
    session.save()
    assert costs(w)["programme 2"] == 0 and costs(w)["service B"] == 0
    assert line_management(w.programme) == (4, 9)


def test_a_deleted_session_forgets_its_scope(two):
    w = two
    warm(w)
    w.team_a[0].supervision_received.get().delete()
    cost = costs(w)
    assert cost["programme 2"] == 0 and cost["service B"] == 0
    assert line_management(w.programme) == (4, 9)
    assert team_line_management(w.service) == (4, 9)


def test_deleting_a_person_forgets_everything(two):
    w = two
    warm(w)
    w.team_a[0].delete()  # their sessions go with them
    cost = costs(w)
    assert cost["programme 2"] > 0 and cost["service B"] > 0
    assert line_management(w.programme) == (4, 8)


def test_a_deleted_record_whose_person_cannot_be_found_forgets_everything(two):
    w = two
    warm(w)
    gone = SupervisionSession(pk=10**9, supervisee_id=10**9, supervisor=w.manager_a)
    assert figure_scopes.scope_of_deleted(gone, figure_scopes.FACTS[gone._meta.label_lower]) is None
    post_delete.send(sender=SupervisionSession, instance=gone)
    assert costs(w)["programme 2"] > 0


@pytest.mark.parametrize("change", ["standards", "agreement", "participation", "cohort"])
def test_other_records_still_forget_everything(two, change):
    w = two
    warm(w)
    if change == "standards":
        standards = Standards.objects.get(programme=w.programme)
        standards.small_number_threshold = 3
        standards.save()
    elif change == "agreement":
        f.AgreementFactory(participation=w.participation, status=Agreement.Status.DRAFT)
    elif change == "participation":
        f.ParticipationFactory(programme=w.programme, service=f.ServiceFactory())
    else:
        f.CohortFactory(programme=w.programme)
    cost = costs(w)
    assert cost["programme 2"] > 0 and cost["service B"] > 0


def test_a_scoped_change_forgets_again_on_commit(two, django_capture_on_commit_callbacks):
    w = two
    warm(w)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        f.SupervisionSessionFactory(
            supervisee=w.practitioner_staff,
            supervisor=w.line_manager_staff,
            held_on=TODAY - dt.timedelta(days=1),
        )
        # Someone reads (and caches) the figures before the transaction commits ...
        queries.compliance_by_service(w.programme)
        assert queries_for(lambda: queries.compliance_by_service(w.programme)) == 0
        programme_2 = cache.get(figures.programme_key(w.other_programme))
    assert callbacks, "the change asks to forget its figures again on commit"
    # ... and the commit moves the programme's counter on, so that read is not served again.
    assert queries_for(lambda: queries.compliance_by_service(w.programme)) > 0
    assert cache.get(figures.programme_key(w.other_programme)) == programme_2
    assert costs(w)["programme 2"] == 0


@pytest.mark.parametrize(
    "counter",
    [
        lambda w: figures.BASE_KEY,
        lambda w: figures.programme_key(w.programme),
        lambda w: figures.service_key(w.service),
    ],
    ids=["base", "programme", "service"],
)
def test_a_lost_scope_counter_never_brings_back_old_figures(two, counter):
    w = two
    assert line_management(w.programme) == (5, 9)
    assert team_line_management(w.service) == (5, 9)
    last = figures._counters([counter(w)])[0]
    cache.delete(counter(w))  # evicted, say
    # Change the data behind the cache's back (no signal), as a restore might, later today.
    SupervisionSession.objects.filter(supervisee__service=w.service).update(
        held_on=TODAY - dt.timedelta(days=90)
    )
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 5, tzinfo=LONDON), tick=False):
        if counter(w) == figures.service_key(w.service):
            assert team_line_management(w.service) == (0, 9)
        else:
            assert line_management(w.programme) == (0, 9)
        # Started afresh above any number it had, so no bump can bring it back to one.
        assert figures._counters([counter(w)])[0] > last


def test_scope_counters_are_read_in_one_cache_round_trip(two):
    w = two
    ids = [w.service.pk, w.other_service.pk]
    cohort_queries.champion_counts_by_service(w.programme, ids)
    from fidelity import aggregates

    scope = aggregates.programme_scope(w.programme)
    aggregates.aggregates_for(scope)  # worked out once (with the quarter sums it remembers)
    with (
        mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many,
        mock.patch.object(cache, "get", wraps=cache.get) as get,
    ):
        aggregates.aggregates_for(scope)
        aggregates.aggregates_for(scope)
    # Each ask reads every counter in one get_many (the local-memory cache answers that
    # with one get per key, so those are not counted), then looks up its entry.
    assert get_many.call_count == 2
    entries = [c for c in get.call_args_list if c.args[0].startswith("figures:fidelity")]
    assert len(entries) == 2
