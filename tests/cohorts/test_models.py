import pytest
from django.db import IntegrityError, transaction

from cohorts.models import Membership, ScreeningRating
from tests import factories as f

pytestmark = pytest.mark.django_db


def assert_rejected(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_work_emails_are_unique():
    f.StaffMemberFactory(email="sam@service.example")
    assert_rejected(lambda: f.StaffMemberFactory(email="sam@service.example"))


def test_nobody_line_manages_themselves():
    person = f.StaffMemberFactory()
    person.line_manager_id = person.pk
    assert_rejected(person.save)


def test_screening_ratings_stay_on_the_scale():
    screening = f.ScreeningFactory()
    assert_rejected(
        lambda: ScreeningRating.objects.create(screening=screening, criterion="curiosity", rating=4)
    )
    ScreeningRating.objects.create(screening=screening, criterion="curiosity", rating=3)
    assert_rejected(
        lambda: ScreeningRating.objects.create(screening=screening, criterion="curiosity", rating=2)
    )


def test_waves_are_unique_within_a_programme():
    cohort = f.CohortFactory(wave=1)
    assert_rejected(lambda: f.CohortFactory(programme=cohort.programme, wave=1))
    assert_rejected(lambda: f.CohortFactory(wave=0))


def test_a_withdrawal_needs_a_reason():
    assert_rejected(lambda: f.MembershipFactory(status=Membership.Status.WITHDRAWN))
    membership = f.MembershipFactory(
        status=Membership.Status.WITHDRAWN, withdrawn_reason="Moved to another team"
    )
    assert "Withdrawn" in str(membership)


def test_one_membership_per_person_per_cohort():
    membership = f.MembershipFactory()
    assert_rejected(lambda: f.MembershipFactory(cohort=membership.cohort, staff=membership.staff))
