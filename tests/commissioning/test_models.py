import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from commissioning.models import Agreement, CadenceRule, Participation
from tests import factories as f

pytestmark = pytest.mark.django_db


def assert_rejected(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_a_service_takes_part_in_a_programme_once(world):
    assert_rejected(
        lambda: Participation.objects.create(programme=world.programme, service=world.service)
    )


def test_a_programme_cannot_end_before_it_starts():
    assert_rejected(
        lambda: f.ProgrammeFactory(start_date=dt.date(2026, 5, 1), end_date=dt.date(2026, 4, 1))
    )


def test_agreement_versions_are_unique_per_participation(world):
    f.AgreementFactory(participation=world.participation, version=1)
    assert_rejected(lambda: f.AgreementFactory(participation=world.participation, version=1))
    assert f.AgreementFactory(participation=world.participation, version=2).version == 2


def test_an_agreement_is_only_agreed_once_both_sides_have_signed(world):
    assert_rejected(lambda: f.AgreementFactory(participation=world.participation, status="agreed"))
    agreement = f.AgreementFactory(
        participation=world.participation,
        status=Agreement.Status.AGREED,
        commissioner_signed_by=world.commissioner,
        commissioner_signed_at="2026-10-01T10:00Z",
        service_manager_signed_by=world.service_manager,
        service_manager_signed_at="2026-10-02T10:00Z",
    )
    assert str(agreement).startswith("Agreement v1:")


def test_agency_share_is_a_percentage(world):
    assert_rejected(
        lambda: f.AgreementFactory(participation=world.participation, agency_share_percent=120)
    )


def test_cadence_rule_periods_must_run_forwards():
    standards = f.StandardsFactory()
    assert_rejected(
        lambda: CadenceRule.objects.create(
            standards=standards,
            supervision_type="line_management",
            from_week=6,
            to_week=6,
            interval_days=14,
        )
    )
    rule = CadenceRule.objects.create(
        standards=standards,
        supervision_type="line_management",
        newly_qualified=True,
        from_week=0,
        to_week=6,
        interval_days=7,
    )
    assert str(rule) == "Line management every 7 days (newly qualified, weeks 0–6)"


def test_small_number_threshold_is_at_least_two():
    assert_rejected(lambda: f.StandardsFactory(small_number_threshold=1))


def test_resources_past_their_review_date_are_outdated():
    resource = f.ResourceFactory(last_reviewed=dt.date(2025, 1, 1), review_by=dt.date(2026, 1, 1))
    assert resource.is_outdated(on=dt.date(2026, 1, 2))
    assert not resource.is_outdated(on=dt.date(2026, 1, 1))
    assert_rejected(
        lambda: f.ResourceFactory(last_reviewed=dt.date(2026, 1, 1), review_by=dt.date(2025, 1, 1))
    )
