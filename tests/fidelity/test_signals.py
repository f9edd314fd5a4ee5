"""Early signals: drift, overdue reflections and recurring themes, as prompts for support.
Line managers see them about their reports; above them, only about teams big enough."""

import datetime as dt

import pytest

from fidelity.aggregates import programme_scope, service_scope
from fidelity.models import ChallengeTheme
from fidelity.signals import (
    DRIFT,
    OVERDUE,
    THEME,
    falling,
    scope_signals,
    team_signals,
)
from tests import factories as f
from tests.fidelity.aggregate_builders import reflect, team, tool_for

TODAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([3.4, 3.0, 2.9], True),  # down 0.5 over three checks
        ([3.4, 3.2, 3.0], False),  # down only 0.4
        ([3.4, 2.6, 2.8], False),  # rose again at the last check
        ([3.0, 2.0], False),  # too few checks to call it drift
        ([2.0, 3.5, 3.0, 2.5], True),  # the last three fall by 1.0
    ],
)
def test_drift_is_a_steady_fall_of_half_a_point_across_three_checks(values, expected):
    assert falling(values) is expected


@pytest.fixture
def programme_tool(world):
    f.StandardsFactory(
        programme=world.programme, small_number_threshold=5, fidelity_check_interval_days=56
    )
    return tool_for(world.programme)


def test_line_manager_is_prompted_about_a_report_whose_scores_are_easing(world, programme_tool):
    tool, items = programme_tool
    for days, score in ((100, 4), (60, 3), (20, 2)):
        reflect(world.practitioner_staff, tool, items, [score, score], TODAY - dt.timedelta(days))
    for days in (100, 60, 20):
        reflect(world.colleague_staff, tool, items, [3, 3], TODAY - dt.timedelta(days))
    signals = team_signals(world.line_manager_staff.pk, TODAY).signals
    drift = [s for s in signals if s.kind == DRIFT]
    assert [s.about for s in drift] == [world.practitioner_staff.full_name]
    assert "eased" in drift[0].message and "may help" in drift[0].message
    assert "fail" not in drift[0].message.lower() and "poor" not in drift[0].message.lower()


def test_line_manager_sees_who_is_past_the_interval(world, programme_tool):
    tool, items = programme_tool
    reflect(world.practitioner_staff, tool, items, [3, 3], TODAY - dt.timedelta(days=80))
    reflect(world.colleague_staff, tool, items, [3, 3], TODAY - dt.timedelta(days=10))
    overdue = [s for s in team_signals(world.line_manager_staff.pk, TODAY).signals]
    assert [s.about for s in overdue if s.kind == OVERDUE] == [world.practitioner_staff.full_name]


def test_a_theme_on_two_peoples_checks_recurs_in_the_team(world, programme_tool):
    tool, items = programme_tool
    workload = ChallengeTheme.objects.get_or_create(name="Workload")[0]
    time = ChallengeTheme.objects.get_or_create(name="Time")[0]
    reflect(world.practitioner_staff, tool, items, [3, 3], TODAY, themes=[workload, time])
    reflect(world.colleague_staff, tool, items, [3, 3], TODAY, themes=[workload])
    themes = [
        s for s in team_signals(world.line_manager_staff.pk, TODAY).signals if s.kind == THEME
    ]
    assert len(themes) == 1
    assert "“Workload” came up in reflections from 2 people in your team" in themes[0].message


def big_team_with_falling_scores(service, tool, items, size, prefix, themes=()):
    manager, people = team(service, size, prefix=prefix)
    for person in people:
        for when, score in ((dt.date(2026, 5, 1), 4), (dt.date(2026, 8, 1), 3), (TODAY, 2)):
            reflect(person, tool, items, [score, score], when, themes=themes)
    return manager, people


def test_service_manager_sees_a_big_teams_signals_without_names(world, programme_tool):
    tool, items = programme_tool
    workload = ChallengeTheme.objects.get_or_create(name="Workload")[0]
    manager, people = big_team_with_falling_scores(
        world.service, tool, items, 6, "Big", themes=[workload]
    )
    panel = scope_signals(service_scope(world.programme, world.service, name_teams=True), TODAY)
    kinds = {(s.kind, s.about) for s in panel.signals}
    assert (DRIFT, "Big Manager's team") in kinds
    assert (THEME, "Big Manager's team") in kinds
    assert "Scores for reflections in Big Manager's team have fallen over the last 3 quarters" in (
        " ".join(s.message for s in panel.signals)
    )
    text = " ".join(s.message for s in panel.signals)
    for person in people:
        assert person.full_name not in text


def test_a_small_team_is_folded_into_the_service_not_signalled_alone(world, programme_tool):
    tool, items = programme_tool
    big_team_with_falling_scores(world.service, tool, items, 6, "Big")
    # The world's line manager's team: two people, scores falling too.
    for person in (world.practitioner_staff, world.colleague_staff):
        for when, score in ((dt.date(2026, 5, 1), 4), (dt.date(2026, 8, 1), 3), (TODAY, 1)):
            reflect(person, tool, items, [score, score], when)
    scope = service_scope(world.programme, world.service, name_teams=True)
    panel = scope_signals(scope, TODAY)
    small_label = f"{world.line_manager_staff.full_name}'s team"
    assert small_label in panel.folded
    # Complementary: with the small team folded and the service shown, the big team is
    # folded too, or the small team's signal could be worked out from the two.
    assert "Big Manager's team" in panel.folded
    assert {s.about for s in panel.signals} == {world.service.name}


def test_a_commissioner_sees_only_services_with_enough_people(world, programme_tool):
    tool, items = programme_tool
    big_team_with_falling_scores(world.service, tool, items, 6, "Big")
    small = f.ServiceFactory(name="Small Service")
    f.ParticipationFactory(programme=world.programme, service=small)
    big_team_with_falling_scores(small, tool, items, 2, "Small")
    panel = scope_signals(programme_scope(world.programme), TODAY)
    assert "Small Service" in panel.folded
    assert all(s.about != "Small Service" for s in panel.signals)
