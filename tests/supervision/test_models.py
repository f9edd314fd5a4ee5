import pytest
from django.db import IntegrityError, transaction

from tests import factories as f

pytestmark = pytest.mark.django_db


def assert_rejected(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_a_session_needs_a_supervisor_of_some_kind():
    assert_rejected(lambda: f.SupervisionSessionFactory(supervisor=None))
    session = f.SupervisionSessionFactory(supervisor=None, external_supervisor="Dr A. Clinician")
    assert session.supervisor_name == "Dr A. Clinician"


def test_nobody_supervises_themselves():
    person = f.StaffMemberFactory()
    assert_rejected(lambda: f.SupervisionSessionFactory(supervisee=person, supervisor=person))


def test_session_length_and_reflective_share_are_plausible():
    assert_rejected(lambda: f.SupervisionSessionFactory(minutes=0))
    assert_rejected(lambda: f.SupervisionSessionFactory(minutes=900))
    assert_rejected(lambda: f.SupervisionSessionFactory(reflective_percent=101))


def test_cpd_hours_must_be_positive():
    assert_rejected(lambda: f.CpdActivityFactory(hours=0))


def test_a_reminder_is_recorded_once_per_recipient_item_and_period():
    reminder = f.ReminderFactory()
    assert_rejected(
        lambda: f.ReminderFactory(
            recipient=reminder.recipient,
            kind=reminder.kind,
            item_key=reminder.item_key,
            due_period=reminder.due_period,
        )
    )
    assert f.ReminderFactory(
        recipient=reminder.recipient,
        kind=reminder.kind,
        item_key=reminder.item_key,
        due_period="2027-01-01",
    )
