"""factory_boy factories: every test builds its own data from these."""

import datetime as dt

import factory
from django.contrib.auth.models import User
from django.utils import timezone

from cohorts.models import Cohort, Membership, Screening, StaffMember, TrainingCompletion
from commissioning.models import (
    Agreement,
    CommissionerMembership,
    Milestone,
    Organisation,
    Participation,
    Programme,
    Resource,
    Service,
    Stage,
    Standards,
)
from fidelity.models import FidelityCheck, FidelityItem, FidelityTool, Principle, SupportAction
from outcomes.models import (
    Measure,
    MeasureItem,
    MeasurementPoint,
    MeasureResponse,
    ResponseDraft,
)
from supervision.models import CpdActivity, Reminder, SupervisionSession

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}@example.org")
    email = factory.SelfAttribute("username")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.django.Password(PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.PROVIDER


class CommissionerOrgFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"County Council {n}")
    kind = Organisation.Kind.COMMISSIONER


class CommissionerMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionerMembership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(CommissionerOrgFactory)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Family Help Team {n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Trauma-informed programme {n}")
    commissioning_organisation = factory.SubFactory(CommissionerOrgFactory)
    practice_model = "Trauma-informed relational practice"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=270))


class StandardsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Standards

    programme = factory.SubFactory(ProgrammeFactory)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    programme = factory.SubFactory(ProgrammeFactory)
    service = factory.SubFactory(ServiceFactory)
    current_stage = Stage.INSTALLATION


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    participation = factory.SubFactory(ParticipationFactory)
    headcount = 20
    vacancies = 2


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    participation = factory.SubFactory(ParticipationFactory)
    stage = factory.SelfAttribute("participation.current_stage")
    title = factory.Sequence(lambda n: f"Milestone {n}")


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    organisation = factory.SubFactory(CommissionerOrgFactory)
    title = factory.Sequence(lambda n: f"Resource {n}")
    evidence_level = Resource.Evidence.GUIDANCE
    source = "National guidance"
    owner = "Workforce development team"
    last_reviewed = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    review_by = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=335))


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    service = factory.SubFactory(ServiceFactory)
    full_name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"staff{n}@service.example")
    job_title = "Family practitioner"
    role = StaffMember.Role.PRACTITIONER
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=800))


class ScreeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Screening

    staff = factory.SubFactory(StaffMemberFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    screened_by = factory.SubFactory(UserFactory)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    wave = factory.Sequence(lambda n: n + 1)
    name = "Champions"
    planned_size = 12


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    cohort = factory.SubFactory(CohortFactory)
    staff = factory.SubFactory(StaffMemberFactory)


class TrainingCompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingCompletion

    staff = factory.SubFactory(StaffMemberFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    course = TrainingCompletion.Course.PRACTITIONER
    completed_on = factory.LazyFunction(timezone.localdate)


class SupervisionSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionSession

    supervisee = factory.SubFactory(StaffMemberFactory)
    supervisor = factory.SubFactory(
        StaffMemberFactory,
        service=factory.SelfAttribute("..supervisee.service"),
        role=StaffMember.Role.LINE_MANAGER,
    )
    held_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    minutes = 90
    supervision_type = "line_management"
    notes = "Private reflection on a hard week."


class CpdActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CpdActivity

    staff = factory.SubFactory(StaffMemberFactory)
    kind = CpdActivity.Kind.COURSE
    title = factory.Sequence(lambda n: f"Workshop {n}")
    done_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    hours = 3


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reminder

    recipient = factory.SubFactory(UserFactory)
    kind = Reminder.Kind.SUPERVISION_DUE
    item_key = factory.Sequence(lambda n: f"item-{n}")
    due_period = "2026-12-01"
    message = "Supervision is due."


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    name = factory.Sequence(lambda n: f"Confidence scale {n}")
    slug = factory.Sequence(lambda n: f"confidence-{n}")
    status = Measure.Status.PUBLISHED


class MeasurementPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasurementPoint

    programme = factory.SubFactory(ProgrammeFactory)
    measure = factory.SubFactory(MeasureFactory)
    kind = MeasurementPoint.Kind.PRE
    label = factory.Sequence(lambda n: f"Point {n}")
    anchor = MeasurementPoint.Anchor.TRAINING_START
    opens_after_days = -21


class MeasureResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureResponse

    staff = factory.SubFactory(StaffMemberFactory)
    point = factory.SubFactory(MeasurementPointFactory)
    cohort = factory.SubFactory(CohortFactory, programme=factory.SelfAttribute("..point.programme"))
    measure = factory.SelfAttribute("point.measure")
    answers = factory.LazyFunction(lambda: {"1": 3, "2": 4})
    score = 3.5


class FidelityToolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FidelityTool

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Practice reflection {n}")


class FidelityItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FidelityItem

    tool = factory.SubFactory(FidelityToolFactory)
    number = factory.Sequence(lambda n: n % 8 + 1)
    principle = Principle.SAFETY
    prompt = "I helped the family feel safe."


class FidelityCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FidelityCheck

    tool = factory.SubFactory(FidelityToolFactory)
    staff = factory.SubFactory(StaffMemberFactory)


class SupportActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportAction

    staff = factory.SubFactory(StaffMemberFactory)
    owner = factory.SubFactory(
        StaffMemberFactory,
        service=factory.SelfAttribute("..staff.service"),
        role=StaffMember.Role.LINE_MANAGER,
    )
    description = "Shadow a colleague on a family visit."
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))


# --- Cohorts: screening ratings, agreed places, staff imports ------------------------------------


class ScreeningRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cohorts.ScreeningRating"

    screening = factory.SubFactory(ScreeningFactory)
    criterion = "curiosity"
    rating = 2
    evidence = "Asks what a child's behaviour might be telling us."


class AgreedAgreementFactory(AgreementFactory):
    """An agreement signed by both sides, committing cohort places per wave."""

    status = Agreement.Status.AGREED
    cohort_places_per_wave = 3
    commissioner_signed_by = factory.SubFactory(UserFactory)
    commissioner_signed_at = factory.LazyFunction(timezone.now)
    service_manager_signed_by = factory.SubFactory(UserFactory)
    service_manager_signed_at = factory.LazyFunction(timezone.now)


class StaffImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cohorts.StaffImport"

    uploaded_by = factory.SubFactory(UserFactory)
    file_name = "staff.csv"
    content = b"full_name,email,job_title,service,start_date\n"


# --- Commissioning: checklists, pressures, stage records -----------------------------------------


class MilestoneTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commissioning.MilestoneTemplate"

    programme = factory.SubFactory(ProgrammeFactory)
    stage = Stage.EXPLORATION
    title = factory.Sequence(lambda n: f"Checklist item {n}")
    position = factory.Sequence(lambda n: n)


class PressureTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commissioning.PressureTag"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Pressure {n}")


class StageRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commissioning.StageRecord"

    participation = factory.SubFactory(ParticipationFactory)
    stage = factory.SelfAttribute("participation.current_stage")
    started_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))


# --- Supervision: cadence rules, digests, preferences ---------------------------------------------


class CadenceRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commissioning.CadenceRule"

    standards = factory.SubFactory(StandardsFactory)
    supervision_type = "line_management"
    interval_days = 30


class ReminderDigestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "supervision.ReminderDigest"

    recipient = factory.SubFactory(UserFactory)
    day = factory.LazyFunction(timezone.localdate)


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "supervision.NotificationPreference"

    user = factory.SubFactory(UserFactory)
    email_digest = True


# --- Fidelity: challenge themes, a tool with its items -----------------------------------------


class ChallengeThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "fidelity.ChallengeTheme"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Theme {n}")


def fidelity_tool_with_items(programme, items: int = 6, **kwargs) -> FidelityTool:
    """A tool in use in ``programme`` with one item per principle (up to six)."""
    tool = FidelityToolFactory(programme=programme, in_use=True, **kwargs)
    for number, principle in enumerate(list(Principle)[:items], start=1):
        FidelityItemFactory(
            tool=tool, number=number, principle=principle, prompt=f"Prompt {number}"
        )
    return tool


class MeasureItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureItem

    measure = factory.SubFactory(MeasureFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"I can do practice thing {n}.")


class ResponseDraftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponseDraft

    staff = factory.SubFactory(StaffMemberFactory)
    point = factory.SubFactory(MeasurementPointFactory)
    cohort = factory.SubFactory(CohortFactory, programme=factory.SelfAttribute("..point.programme"))
    answers = factory.LazyFunction(lambda: {"1": 3})


class GeneratedReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.GeneratedReport"

    requested_by = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    as_of = factory.LazyFunction(timezone.localdate)
