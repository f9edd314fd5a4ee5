"""Journey 4: services move through the implementation stages one at a time, with a
milestone checklist per stage; the programme page's figures come from stage_progress."""

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from commissioning import queries, services
from commissioning.models import Participation, Stage, StageRecord
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def exploring(world):
    services.milestone_templates_seed(programme=world.programme)
    participation = services.participation_add(
        programme=world.programme, added_by=world.commissioner, service=f.ServiceFactory()
    )
    participation.service.managers.add(world.service_manager)
    return participation


def advance(participation, user, from_stage=None, on=TODAY):
    return services.stage_advance(
        participation=participation,
        moved_by=user,
        from_stage=from_stage or participation.current_stage,
        on=on,
    )


def test_moving_on_closes_the_current_stage_and_opens_the_next(world, exploring):
    started = exploring.stage_records.get().started_on
    record = advance(exploring, world.commissioner, on=started + dt.timedelta(days=40))
    exploring.refresh_from_db()
    assert exploring.current_stage == Stage.INSTALLATION
    closed = exploring.stage_records.get(stage=Stage.EXPLORATION)
    assert closed.completed_on == started + dt.timedelta(days=40)
    assert (record.stage, record.started_on, record.completed_on) == (
        Stage.INSTALLATION,
        closed.completed_on,
        None,
    )
    changes = LogEntry.objects.get_for_object(exploring).latest("timestamp").changes_dict
    assert changes["current_stage"] == ["exploration", "installation"]
    assert LogEntry.objects.get_for_object(record).exists()


def test_service_managers_move_their_own_services_on(world, exploring):
    advance(exploring, world.service_manager)
    with pytest.raises(ValidationError):
        advance(exploring, world.other_service_manager)
    with pytest.raises(ValidationError):
        advance(exploring, world.practitioner)


def test_a_move_someone_else_already_made_is_not_repeated(world, exploring):
    advance(exploring, world.commissioner)
    stale = Participation.objects.get(pk=exploring.pk)
    with pytest.raises(ValidationError, match="already moved to installation"):
        advance(stale, world.service_manager, from_stage=Stage.EXPLORATION)
    assert StageRecord.objects.filter(participation=exploring).count() == 2


def test_sustainment_is_the_last_stage(world):
    participation = f.ParticipationFactory(
        programme=world.programme, current_stage=Stage.SUSTAINMENT
    )
    with pytest.raises(ValidationError, match="last stage"):
        advance(participation, world.commissioner)


def test_a_stage_is_entered_once(world):
    participation = world.participation  # installation, with an old initial record
    f.StageRecordFactory(participation=participation, stage=Stage.INITIAL)
    with pytest.raises(ValidationError, match="only be entered once"):
        advance(participation, world.commissioner)
    participation.refresh_from_db()
    assert participation.current_stage == Stage.INSTALLATION
    assert not participation.stage_records.filter(stage=Stage.INSTALLATION).exists()


def test_entering_a_stage_adds_checklist_items_the_service_lacks(world):
    participation = world.participation  # made before the programme had a checklist
    f.MilestoneTemplateFactory(programme=world.programme, stage=Stage.INITIAL, title="Group")
    advance(participation, world.commissioner)
    assert participation.milestones.get(stage=Stage.INITIAL).title == "Group"


def test_ticking_milestones_dates_them_and_unticking_clears_them(world, exploring):
    first, second, *_ = exploring.milestones.filter(stage=Stage.EXPLORATION)
    ticked, unticked = services.milestone_checklist_update(
        participation=exploring, recorded_by=world.service_manager, done=[first, second], on=TODAY
    )
    assert (ticked, unticked) == (2, 0)
    first.refresh_from_db()
    assert first.completed_on == TODAY
    assert LogEntry.objects.get_for_object(first).exists()
    later = TODAY + dt.timedelta(days=3)
    ticked, unticked = services.milestone_checklist_update(
        participation=exploring, recorded_by=world.commissioner, done=[first], on=later
    )
    assert (ticked, unticked) == (0, 1)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.completed_on == TODAY  # keeps the day it was done
    assert second.completed_on is None


def test_another_services_milestones_cannot_be_ticked(world, exploring):
    foreign = f.MilestoneFactory(participation=world.participation)
    with pytest.raises(ValidationError, match="not on this service's checklist"):
        services.milestone_checklist_update(
            participation=exploring, recorded_by=world.commissioner, done=[foreign]
        )
    foreign.refresh_from_db()
    assert foreign.completed_on is None


def test_stage_progress_gives_duration_and_proportion_per_stage(world):
    participation = f.ParticipationFactory(
        programme=world.programme, current_stage=Stage.INITIAL, joined_on=dt.date(2026, 1, 5)
    )
    f.StageRecordFactory(
        participation=participation,
        stage=Stage.EXPLORATION,
        started_on=dt.date(2026, 1, 5),
        completed_on=dt.date(2026, 2, 14),
    )
    f.StageRecordFactory(
        participation=participation,
        stage=Stage.INSTALLATION,
        started_on=dt.date(2026, 2, 14),
        completed_on=dt.date(2026, 5, 1),
    )
    f.StageRecordFactory(
        participation=participation, stage=Stage.INITIAL, started_on=dt.date(2026, 5, 1)
    )
    for done in (True, True, False):
        f.MilestoneFactory(
            participation=participation,
            stage=Stage.INITIAL,
            completed_on=dt.date(2026, 6, 1) if done else None,
        )
    progress = queries.stage_progress([participation], today=TODAY)[participation.pk]
    exploration, installation, initial, full, sustainment = progress
    assert (exploration.state, exploration.days) == ("done", 40)
    assert installation.days == 76
    assert (initial.state, initial.days) == ("current", 203)
    assert (initial.milestones_done, initial.milestones_total, initial.percent) == (2, 3, 66)
    assert (full.state, full.days, full.percent) == ("future", None, None)
    assert queries.current_stage_of(progress) == initial


def test_days_in_stage_count_from_joining_when_there_is_no_record(world):
    participation = f.ParticipationFactory(
        programme=world.programme, current_stage=Stage.EXPLORATION, joined_on=dt.date(2026, 11, 1)
    )
    with time_machine.travel(dt.datetime(2026, 11, 11, 12, 0)):
        current = queries.current_stage_of(
            queries.stage_progress([participation])[participation.pk]
        )
    assert current.days == 10
