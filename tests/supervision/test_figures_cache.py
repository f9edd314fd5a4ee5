"""Cached figures (core/figures.py): served without queries while nothing changed, and
recomputed as soon as anything they are computed from changes."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning.models import Service
from core import figures
from supervision import queries
from tests import factories as f

TODAY = dt.date(2026, 11, 26)


def line_management(world) -> tuple[int | None, int | None]:
    total = queries.compliance_by_service(world.programme).columns[-1]
    figure = total.figures["line_management"]
    return figure.numerator, figure.denominator


def queries_for(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


@pytest.fixture
def tracked(frozen, world, standards):
    """Five more people in the world's service with line management last week, so the
    service's figure is shown (threshold 5)."""
    for _ in range(5):
        person = f.StaffMemberFactory(service=world.service, line_manager=world.line_manager_staff)
        f.SupervisionSessionFactory(
            supervisee=person,
            supervisor=world.line_manager_staff,
            held_on=TODAY - dt.timedelta(days=7),
        )
    return world


def test_the_second_ask_costs_no_queries_and_gives_the_same_figures(tracked):
    first = queries.compliance_by_service(tracked.programme)
    assert queries_for(lambda: queries.compliance_by_service(tracked.programme)) == 0
    again = queries.compliance_by_service(tracked.programme)
    assert [c.scope for c in again.columns] == [c.scope for c in first.columns]
    assert line_management(tracked) == (5, 8)


def test_a_new_session_changes_the_figure_at_once(tracked):
    assert line_management(tracked) == (5, 8)
    f.SupervisionSessionFactory(
        supervisee=tracked.practitioner_staff,
        supervisor=tracked.line_manager_staff,
        held_on=TODAY - dt.timedelta(days=1),
    )
    assert line_management(tracked) == (6, 8)


def test_a_deleted_session_and_a_bulk_update_change_it_too(tracked):
    assert line_management(tracked) == (5, 8)
    session = tracked.service.staff.exclude(supervision_received=None).first()
    session.supervision_received.all().delete()
    assert line_management(tracked) == (4, 8)
    # QuerySet.update sends no signal: code that uses it says so itself.
    Service.objects.filter(pk=tracked.service.pk).update(name="Renamed service")
    figures.figures_changed()
    assert queries.compliance_by_service(tracked.programme).columns[0].scope == "Renamed service"


def test_figures_computed_inside_an_open_transaction_are_forgotten_on_commit(
    tracked, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        person = f.StaffMemberFactory(
            service=tracked.service, line_manager=tracked.line_manager_staff
        )
        # Someone else reads (and caches) the figures before this transaction commits ...
        version_before_commit = figures.figures_version()
        queries.compliance_by_service(tracked.programme)
    assert callbacks, "the change asks to forget figures again on commit"
    # ... and the commit moves the version on, so that read is not served again.
    assert figures.figures_version() > version_before_commit
    assert line_management(tracked) == (5, 9)
    assert person.pk


def test_reminders_do_not_throw_figures_away(tracked):
    queries.compliance_by_service(tracked.programme)
    version = figures.figures_version()
    f.ReminderFactory(recipient=tracked.practitioner)
    assert figures.figures_version() == version
    assert queries_for(lambda: queries.compliance_by_service(tracked.programme)) == 0


def test_a_new_day_is_worked_out_afresh(tracked):
    assert line_management(tracked) == (5, 8)
    # Seven weeks on, last week's line management is outside the 30-day cadence.
    later = dt.datetime(2027, 1, 14, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(later, tick=False):
        assert line_management(tracked) == (0, 8)


def test_each_scope_has_its_own_figures(tracked):
    everyone = queries.compliance_by_service(tracked.programme)
    own = queries.compliance_by_service(
        tracked.programme, services=Service.objects.filter(pk=tracked.service.pk)
    )
    assert everyone.columns[-1].scope == tracked.service.name  # one service: no total column
    assert own.columns[-1].scope == tracked.service.name
    other = f.ServiceFactory(name="Another service")
    f.ParticipationFactory(programme=tracked.programme, service=other)
    assert [c.scope for c in queries.compliance_by_service(tracked.programme).columns] == [
        "Another service",
        tracked.service.name,
        "All services",
    ]
    assert [
        c.scope
        for c in queries.compliance_by_service(
            tracked.programme, services=Service.objects.filter(pk=tracked.service.pk)
        ).columns
    ] == [tracked.service.name]


def single_scope_line_management(world) -> tuple[int | None, int | None]:
    """A figure that names no programme or service counter: keyed by its staff query."""
    column = queries.compliance_for_service(world.service).columns[-1]
    figure = column.figures["line_management"]
    return figure.numerator, figure.denominator


def test_a_lost_version_counter_never_brings_back_old_figures(tracked):
    assert single_scope_line_management(tracked) == (5, 8)
    last = figures.figures_version()
    cache.delete(figures.VERSION_KEY)  # evicted, say
    # Change the data behind the cache's back (no signal), as a restore might.
    from supervision.models import SupervisionSession

    SupervisionSession.objects.filter(supervisee__service=tracked.service).update(
        held_on=TODAY - dt.timedelta(days=90)
    )
    # Later the same day: the fresh counter starts from the clock.
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 5, tzinfo=dt.UTC), tick=False):
        assert single_scope_line_management(tracked) == (0, 8)
        assert figures.figures_version() > last


@pytest.mark.parametrize(
    "label, counts",
    [
        ("supervision.supervisionsession", True),
        ("fidelity.fidelitycheck", True),
        ("outcomes.measureresponse", True),
        ("cohorts.staffmember", True),
        ("commissioning.standards", True),
        ("supervision.reminder", False),
        ("supervision.reminderdigest", False),
        ("reports.generatedreport", False),
        ("auth.user", False),
        ("sessions.session", False),
    ],
)
def test_which_records_count_for_figures(label, counts):
    assert figures.counts_for_figures(label) is counts


def test_fidelity_checks_and_measure_responses_throw_figures_away(db):
    version = figures.figures_version()
    f.FidelityCheckFactory()
    after_check = figures.figures_version()
    assert after_check > version
    f.MeasureResponseFactory()
    assert figures.figures_version() > after_check
