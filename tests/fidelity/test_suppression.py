"""The privacy rule at the query layer: aggregates above the line manager are suppressed
when built from fewer people than the programme's threshold, and complementary
suppression stops a hidden figure being worked out from a total."""

import datetime as dt

from fidelity.aggregates import aggregates_for, programme_scope, service_scope
from tests import factories as f
from tests.fidelity.aggregate_builders import reflect, team, tool_for

DAY = dt.date(2026, 9, 1)


def four_people_reflecting(world, checks_each=1):
    tool, items = tool_for(world.programme)
    _, people = team(world.service, 4)
    for person in people:
        for n in range(checks_each):
            reflect(person, tool, items, [3, 2], DAY + dt.timedelta(days=40 * n))
        f.SupportActionFactory(staff=person, owner=person.line_manager)
    return tool, items, people


def test_an_aggregate_over_four_people_with_a_threshold_of_five_is_suppressed(world):
    f.StandardsFactory(programme=world.programme, small_number_threshold=5)
    four_people_reflecting(world)
    figures = aggregates_for(programme_scope(world.programme))
    for row in [*figures.principles, figures.cadence, figures.actions]:
        for cell in row.cells:
            assert cell.status in {"suppressed", "empty"}
            assert cell.value is None and cell.people is None
    assert [c.status for c in figures.principles[0].cells] == ["suppressed"]
    assert "fewer than 5 people" in figures.principles[0].cells[0].reason


def test_the_same_four_people_are_shown_where_the_threshold_is_four(world):
    f.StandardsFactory(programme=world.programme, small_number_threshold=4)
    four_people_reflecting(world)
    figures = aggregates_for(programme_scope(world.programme))
    safety = figures.principles[0].cells[0]
    assert safety.shown and safety.value == 3 and safety.people == 4


def test_people_are_counted_not_checks(world):
    # Twelve checks, but by four people: still about four people.
    f.StandardsFactory(programme=world.programme, small_number_threshold=5)
    four_people_reflecting(world, checks_each=3)
    figures = aggregates_for(programme_scope(world.programme))
    assert figures.principles[0].cells[0].suppressed
    assert figures.cadence.cells[0].suppressed


def test_a_programme_without_standards_uses_the_default_threshold_of_five(world):
    four_people_reflecting(world)
    assert aggregates_for(programme_scope(world.programme)).principles[0].cells[0].suppressed


def test_a_hidden_service_cannot_be_recovered_from_the_programme_total(world):
    f.StandardsFactory(programme=world.programme, small_number_threshold=5)
    tool, items = tool_for(world.programme)
    small, middle, large = world.service, f.ServiceFactory(name="B"), f.ServiceFactory(name="C")
    for service in (middle, large):
        f.ParticipationFactory(programme=world.programme, service=service)
    for service, size, score in ((small, 3, 1), (middle, 6, 3), (large, 7, 4)):
        _, people = team(service, size, prefix=service.name)
        for person in people:
            reflect(person, tool, items, [score, score], DAY)
    figures = aggregates_for(programme_scope(world.programme))
    columns = figures.columns
    safety = dict(zip(columns, figures.principles[0].cells, strict=True))
    assert safety[small.name].suppressed
    # With the total and the large service shown, the middle one must go too, or the
    # small service's mean would be (total × 16 − 6 × middle − 7 × large) / 3.
    assert safety["B"].suppressed
    assert safety["B"].reason.startswith("Also not shown")
    assert safety["C"].shown and safety["C"].value == 4
    assert safety["All services"].shown and safety["All services"].people == 16


def test_commissioners_see_teams_unnamed_and_service_managers_see_them_named(world):
    f.StandardsFactory(programme=world.programme, small_number_threshold=2)
    tool, items = tool_for(world.programme)
    for person in (world.practitioner_staff, world.colleague_staff):
        reflect(person, tool, items, [3, 3], DAY)
    manager_name = world.line_manager_staff.full_name
    named = service_scope(world.programme, world.service, name_teams=True)
    unnamed = service_scope(world.programme, world.service, name_teams=False)
    assert named.labels == [f"{manager_name}'s team"]
    assert unnamed.labels == ["Team A"]
