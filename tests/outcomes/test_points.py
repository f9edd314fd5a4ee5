"""Measurement points: commissioners attach published measures; windows per cohort;
the reminder run tells each person once."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outcomes import reminders as outcome_reminders
from outcomes.models import MeasurementPoint
from outcomes.queries import measure_windows_open
from supervision import services as supervision_services
from supervision.models import Reminder
from tests import factories as f
from tests.text import page_text

from .builders import open_pre_point

pytestmark = pytest.mark.django_db


def points_url(world) -> str:
    return reverse("outcomes:programme_points", args=[world.programme.pk])


def post_point(client, world, measure, **changes):
    data = {
        "measure": measure.pk,
        "kind": "post",
        "label": "Six weeks after training",
        "anchor": "end",
        "opens_after_days": "42",
        "window_days": "28",
    } | changes
    return client.post(points_url(world), data)


def test_commissioners_attach_a_published_measure(client, world):
    measure = f.MeasureFactory()
    client.force_login(world.commissioner)
    response = post_point(client, world, measure)
    assert response.status_code == 302
    point = MeasurementPoint.objects.get()
    assert (point.kind, point.anchor, point.opens_after_days, point.window_days) == (
        "post",
        "end",
        42,
        28,
    )


def test_only_published_measures_can_be_attached(client, world):
    draft = f.MeasureFactory(status="draft")
    client.force_login(world.commissioner)
    response = post_point(client, world, draft)
    assert response.status_code == 200
    assert "Select a valid choice" in page_text(response)
    assert not MeasurementPoint.objects.exists()


def test_windows_follow_each_cohorts_dates(client, world):
    point = f.MeasurementPointFactory(
        programme=world.programme, anchor="end", opens_after_days=42, window_days=28
    )
    cohort = f.CohortFactory(
        programme=world.programme,
        training_start=dt.date(2027, 1, 4),
        training_end=dt.date(2027, 1, 29),
    )
    assert point.window_for(cohort) == (dt.date(2027, 3, 12), dt.date(2027, 4, 8))
    client.force_login(world.service_manager)
    text = page_text(client.get(points_url(world)))
    assert "12/03/2027 to 08/04/2027" in text
    assert "Add a measurement point" not in text  # service managers read only


def test_service_managers_cannot_add_or_remove(client, world):
    measure = f.MeasureFactory()
    point = f.MeasurementPointFactory(programme=world.programme)
    client.force_login(world.service_manager)
    assert post_point(client, world, measure).status_code == 403
    remove = reverse("outcomes:point_remove", args=[point.pk])
    assert client.post(remove).status_code == 403
    assert MeasurementPoint.objects.count() == 1


def test_other_programmes_points_are_not_found(client, world):
    client.force_login(world.other_commissioner)
    assert client.get(points_url(world)).status_code == 404
    point = f.MeasurementPointFactory(programme=world.programme)
    assert client.post(reverse("outcomes:point_remove", args=[point.pk])).status_code == 404
    assert MeasurementPoint.objects.filter(pk=point.pk).exists()


def test_a_point_with_responses_stays(client, world):
    response = f.MeasureResponseFactory(point__programme=world.programme)
    client.force_login(world.commissioner)
    client.post(reverse("outcomes:point_remove", args=[response.point.pk]))
    assert MeasurementPoint.objects.filter(pk=response.point.pk).exists()


# --- Reminders -----------------------------------------------------------------------------------


def test_the_daily_run_tells_each_person_once(world):
    opened = open_pre_point(world)
    colleague_login = f.UserFactory()
    world.colleague_staff.user = colleague_login
    world.colleague_staff.save()
    supervision_services.reminders_run_daily()
    supervision_services.reminders_run_daily()
    supervision_services.reminders_run_daily(today=timezone.localdate() + dt.timedelta(days=1))
    sent = Reminder.objects.filter(kind=Reminder.Kind.MEASURE_OPEN)
    assert sorted(sent.values_list("recipient_id", flat=True)) == sorted(
        [world.practitioner.pk, colleague_login.pk]
    )
    mine = sent.get(recipient=world.practitioner)
    closes = opened.point.window_for(opened.cohort)[1]
    assert mine.due_period == closes.isoformat()
    assert mine.item_key == f"measure:{opened.point.pk}:{world.practitioner_staff.pk}"
    assert mine.url == reverse("outcomes:response_complete", args=[opened.point.pk])
    assert f"open for you until {closes:%d/%m/%Y}" in mine.message


def test_people_who_responded_or_whose_window_is_shut_are_not_reminded(world):
    opened = open_pre_point(world)
    f.MeasureResponseFactory(
        staff=world.practitioner_staff, point=opened.point, cohort=opened.cohort
    )
    assert measure_windows_open(timezone.localdate()) == []
    later = timezone.localdate() + dt.timedelta(days=90)
    world.practitioner_staff.measure_responses.all().delete()
    assert measure_windows_open(later) == []


def test_the_source_runs_a_fixed_number_of_queries(world):
    open_pre_point(world)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            list(outcome_reminders.measure_windows(timezone.localdate()))
        return len(captured)

    few = count()
    cohort = world.programme.cohorts.get(wave__gte=1, training_start__isnull=False)
    for _ in range(10):
        staff = f.StaffMemberFactory(service=world.service, user=f.UserFactory())
        f.MembershipFactory(cohort=cohort, staff=staff, status="confirmed")
    assert count() == few == 4
