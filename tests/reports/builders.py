"""Data the report tests (and the report journeys) build on: a programme with figures
worth reporting: standards, a second service, champions, supervision and an agreed
agreement."""

import datetime as dt

from django.utils import timezone

from cohorts.models import Membership, StaffMember
from commissioning.models import Agreement
from tests import factories as f
from tests.supervision.builders import add_standards


def build_programme_world(world):
    today = timezone.localdate()
    add_standards(world.programme, small_number_threshold=2)
    world.service.name = "Riverside Family Help"
    world.service.save()
    second = f.ServiceFactory(name="Hillside Early Help")
    f.ParticipationFactory(programme=world.programme, service=second, current_stage="exploration")
    head = f.StaffMemberFactory(service=second, role=StaffMember.Role.LINE_MANAGER)
    team = [f.StaffMemberFactory(service=second, line_manager=head) for _ in range(4)]
    for person in team[:3]:
        f.SupervisionSessionFactory(supervisee=person, supervisor=head)
    cohort = f.CohortFactory(programme=world.programme)
    f.MembershipFactory(
        cohort=cohort, staff=world.practitioner_staff, status=Membership.Status.ACTIVE
    )
    f.MembershipFactory(
        cohort=cohort, staff=world.colleague_staff, status=Membership.Status.TRAINED
    )
    f.MembershipFactory(cohort=cohort, staff=team[0], status=Membership.Status.NOMINATED)
    f.SupervisionSessionFactory(
        supervisee=world.practitioner_staff, supervisor=world.line_manager_staff
    )
    agreement = f.AgreedAgreementFactory(participation=world.participation)
    signed = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=400), dt.time(12)))
    Agreement.objects.filter(pk=agreement.pk).update(
        pressures="Two vacancies in the duty team.",
        commissioner_signed_at=signed,
        service_manager_signed_at=signed,
    )
    f.ResourceFactory(organisation=world.programme.commissioning_organisation)
    world.second_service = second
    world.today = today
    return world


def outcome_and_fidelity_setup(programme):
    """A published measure with "before" and "six weeks after" points, and a reflection
    tool with two principles, in ``programme``."""
    from fidelity.models import ChallengeTheme
    from tests.fidelity.aggregate_builders import tool_for

    measure = f.MeasureFactory(
        name="Confidence (test)", reliability=0.85, reference_sd=0.6, higher_is_better=True
    )
    pre = f.MeasurementPointFactory(
        programme=programme, measure=measure, kind="pre", label="Before training"
    )
    post = f.MeasurementPointFactory(
        programme=programme,
        measure=measure,
        kind="post",
        label="Six weeks after training",
        anchor="end",
        opens_after_days=42,
    )
    tool, items = tool_for(programme)
    theme, _ = ChallengeTheme.objects.get_or_create(name="Workload")
    return {
        "pre": pre,
        "post": post,
        "tool": tool,
        "items": items,
        "theme": theme,
        "cohort": f.CohortFactory(programme=programme),
    }


def add_outcomes_and_fidelity(setup, service, people, *, line_manager=None, start=0):
    """``people`` new staff in ``service``, each with a matched pair of scores, two
    reflections (last quarter and this one) tagged with a challenge, and a support action."""
    from tests.fidelity.aggregate_builders import reflect

    today = timezone.localdate()
    this_quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last_quarter = this_quarter - dt.timedelta(days=45)
    line_manager = line_manager or f.StaffMemberFactory(
        service=service, role=StaffMember.Role.LINE_MANAGER
    )
    for n in range(people):
        person = f.StaffMemberFactory(service=service, line_manager=line_manager)
        before = 2.0 + (n + start) % 4 * 0.2
        f.MeasureResponseFactory(
            staff=person, point=setup["pre"], cohort=setup["cohort"], score=before
        )
        f.MeasureResponseFactory(
            staff=person,
            point=setup["post"],
            cohort=setup["cohort"],
            score=before + 0.5 + n % 3 * 0.3,
        )
        tool, items = setup["tool"], setup["items"]
        reflect(person, tool, items, [3, 3], last_quarter)
        check = reflect(person, tool, items, [3, 2], today, themes=[setup["theme"]])
        f.SupportActionFactory(staff=person, owner=line_manager, check_record=check)
