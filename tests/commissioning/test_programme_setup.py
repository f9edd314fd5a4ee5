"""Journey 1, the writes: a commissioner sets up a programme, adds services, and the
programme's milestone checklist."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from commissioning import services
from commissioning.models import (
    Milestone,
    MilestoneTemplate,
    Organisation,
    Participation,
    Programme,
    Stage,
    StageRecord,
    Standards,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

START = dt.date(2027, 1, 4)


def create(world, **overrides):
    values = {
        "created_by": world.commissioner,
        "organisation": world.programme.commissioning_organisation,
        "name": "Relational practice in early help",
        "practice_model": "Trauma-informed relational practice",
        "start_date": START,
        "end_date": START + dt.timedelta(days=730),
        "lead_commissioners": [world.commissioner],
    }
    return services.programme_create(**(values | overrides))


def test_a_new_programme_has_standards_and_the_default_checklist(world):
    programme = create(world)
    assert list(programme.lead_commissioners.all()) == [world.commissioner]
    assert Standards.objects.filter(programme=programme).exists()
    by_stage = {
        stage: list(
            programme.milestone_templates.filter(stage=stage).values_list("title", flat=True)
        )
        for stage in Stage.values
    }
    assert by_stage == {k: list(v) for k, v in services.DEFAULT_MILESTONES.items()}
    assert LogEntry.objects.get_for_object(programme).filter(action=LogEntry.Action.CREATE)


def test_a_programme_cannot_end_before_it_starts(world):
    with pytest.raises(ValidationError) as refused:
        create(world, end_date=START - dt.timedelta(days=1))
    assert "end date must be the same as or after the start date" in str(refused.value)
    assert not Programme.objects.filter(name="Relational practice in early help").exists()


def test_programme_names_are_unique_per_commissioning_body(world):
    with pytest.raises(ValidationError, match="already has a programme called"):
        create(world, name=world.programme.name)


def test_only_the_bodys_commissioners_set_up_its_programmes(world):
    with pytest.raises(ValidationError, match="do not commission for"):
        create(world, created_by=world.other_commissioner)
    with pytest.raises(ValidationError, match="Lead commissioners must commission for"):
        create(world, lead_commissioners=[world.other_commissioner])
    assert Programme.objects.count() == 2


def test_a_programme_update_changes_its_details(world):
    services.programme_update(
        programme=world.programme,
        changed_by=world.commissioner,
        name="Renamed programme",
        practice_model="Another model",
        start_date=START,
        end_date=None,
        lead_commissioners=[],
    )
    world.programme.refresh_from_db()
    assert world.programme.name == "Renamed programme"
    assert world.programme.end_date is None
    entry = LogEntry.objects.get_for_object(world.programme).filter(action=LogEntry.Action.UPDATE)
    assert entry.exists()


def test_service_managers_cannot_change_a_programme(world):
    with pytest.raises(ValidationError, match="Only the programme's commissioners"):
        services.programme_update(
            programme=world.programme,
            changed_by=world.service_manager,
            name="Taken over",
            practice_model="x",
            start_date=START,
        )


def test_adding_an_existing_service_starts_it_in_exploration_with_the_checklist(world):
    f.MilestoneTemplateFactory(programme=world.programme, stage=Stage.EXPLORATION, title="Meet")
    f.MilestoneTemplateFactory(programme=world.programme, stage=Stage.FULL, title="Embed")
    service = f.ServiceFactory()
    participation = services.participation_add(
        programme=world.programme, added_by=world.commissioner, service=service
    )
    assert participation.current_stage == Stage.EXPLORATION
    assert StageRecord.objects.get(participation=participation).stage == Stage.EXPLORATION
    assert set(participation.milestones.values_list("stage", "title")) == {
        ("exploration", "Meet"),
        ("full", "Embed"),
    }
    assert LogEntry.objects.get_for_object(participation).exists()


def test_adding_a_new_service_in_a_new_organisation_creates_both(world):
    participation = services.participation_add(
        programme=world.programme,
        added_by=world.commissioner,
        new_organisation_name="Seaside Family Trust",
        new_service_name="Family Hub East",
    )
    service = participation.service
    assert service.name == "Family Hub East"
    assert service.organisation.name == "Seaside Family Trust"
    assert service.organisation.kind == Organisation.Kind.PROVIDER


def test_a_service_takes_part_once(world):
    with pytest.raises(ValidationError, match="already takes part"):
        services.participation_add(
            programme=world.programme, added_by=world.commissioner, service=world.service
        )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "Choose an existing service or name a new one"),
        ({"new_service_name": "Hub"}, "Choose the provider organisation"),
        ({"new_service_name": "Hub", "new_organisation_name": "Organisation 0"}, None),
    ],
)
def test_a_new_service_needs_a_name_and_an_organisation(world, values, message):
    f.OrganisationFactory(name="Organisation 0")
    before = Participation.objects.count(), Organisation.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.participation_add(programme=world.programme, added_by=world.commissioner, **values)
    assert message is None or message in str(refused.value)
    assert (Participation.objects.count(), Organisation.objects.count()) == before


def test_service_managers_cannot_add_services(world):
    with pytest.raises(ValidationError):
        services.participation_add(
            programme=world.programme, added_by=world.service_manager, service=f.ServiceFactory()
        )


# --- The milestone checklist ---------------------------------------------------------------------


def test_adding_a_checklist_item_reaches_services_that_have_not_finished_the_stage(world):
    behind = world.participation  # installation
    ahead = f.ParticipationFactory(programme=world.programme, current_stage=Stage.FULL)
    template = services.milestone_template_add(
        programme=world.programme,
        added_by=world.commissioner,
        stage=Stage.INITIAL,
        title="Implementation group meets monthly",
    )
    assert behind.milestones.get(stage=Stage.INITIAL).template == template
    assert not ahead.milestones.filter(stage=Stage.INITIAL).exists()
    assert LogEntry.objects.get_for_object(template).exists()


def test_checklist_titles_are_unique_within_a_stage(world):
    f.MilestoneTemplateFactory(programme=world.programme, stage=Stage.EXPLORATION, title="Meet")
    with pytest.raises(ValidationError, match="already has a milestone with this title"):
        services.milestone_template_add(
            programme=world.programme,
            added_by=world.commissioner,
            stage="exploration",
            title="meet",
        )


def test_rewording_a_checklist_item_rewords_the_services_copies(world):
    template = services.milestone_template_add(
        programme=world.programme, added_by=world.commissioner, stage="installation", title="Old"
    )
    services.milestone_template_update(
        template=template, changed_by=world.commissioner, title="New wording", position=3
    )
    milestone = world.participation.milestones.get(template=template)
    assert (milestone.title, milestone.position) == ("New wording", 3)


def test_removing_a_checklist_item_keeps_what_services_have_done(world):
    other = f.ParticipationFactory(programme=world.programme, current_stage=Stage.INSTALLATION)
    template = services.milestone_template_add(
        programme=world.programme, added_by=world.commissioner, stage="installation", title="Do"
    )
    other.milestones.filter(template=template).update(completed_on=dt.date(2026, 10, 1))
    removed = services.milestone_template_remove(template=template, removed_by=world.commissioner)
    assert removed == 1
    assert not MilestoneTemplate.objects.filter(pk=template.pk).exists()
    assert not world.participation.milestones.filter(title="Do").exists()
    kept = Milestone.objects.get(participation=other, title="Do")
    assert kept.completed_on == dt.date(2026, 10, 1) and kept.template is None


def test_service_managers_cannot_change_the_checklist(world):
    with pytest.raises(ValidationError):
        services.milestone_template_add(
            programme=world.programme, added_by=world.service_manager, stage="full", title="x"
        )
