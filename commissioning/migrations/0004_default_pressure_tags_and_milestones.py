"""The managed list of workforce pressures starts with a common set, and programmes that
existed before milestone checklists became editable get the default checklist.

The lists are copied here, not imported, so that this migration keeps doing what it did
when it was written whatever later happens to commissioning.services.
"""

from django.db import migrations

PRESSURE_TAGS = (
    "Agency reliance",
    "Court deadlines",
    "Estate/space",
    "High caseloads",
    "Management changes",
    "Sickness absence",
    "Training budget",
    "Vacancies",
)

DEFAULT_MILESTONES = {
    "exploration": (
        "Readiness conversation with service leadership",
        "Workforce pressures and constraints recorded",
        "Practice model presented to team managers",
        "Decision to proceed agreed with commissioner",
    ),
    "installation": (
        "Co-commissioning agreement signed",
        "Champion screening completed",
        "Baseline measures collected",
        "Wave 1 champions trained",
        "Protected supervision time built into rotas",
    ),
    "initial": (
        "Line managers trained in reflective supervision",
        "First fidelity reflections completed",
        "Post-training measures collected",
        "Monthly implementation group running",
        "Fidelity reflections routine in supervision",
    ),
    "full": (
        "Most practitioners using the model day to day",
        "Supervision on cadence for three months running",
        "Practice model in induction for new starters",
        "Wave 2 places agreed",
    ),
    "sustainment": (
        "Practice model written into the service's own policies",
        "Champions supporting new starters",
        "Supervision and fidelity reflection part of routine audit",
        "Implementation reviewed a year after full implementation",
    ),
}


def forwards(apps, schema_editor):
    PressureTag = apps.get_model("commissioning", "PressureTag")
    Programme = apps.get_model("commissioning", "Programme")
    MilestoneTemplate = apps.get_model("commissioning", "MilestoneTemplate")
    for name in PRESSURE_TAGS:
        PressureTag.objects.get_or_create(name=name)
    for programme in Programme.objects.filter(milestone_templates__isnull=True):
        MilestoneTemplate.objects.bulk_create(
            MilestoneTemplate(programme=programme, stage=stage, title=title, position=position)
            for stage, titles in DEFAULT_MILESTONES.items()
            for position, title in enumerate(titles)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0003_agreement_revisions_comments_invitations_milestone_templates"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
