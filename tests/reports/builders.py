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
