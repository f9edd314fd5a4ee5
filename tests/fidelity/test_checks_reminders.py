"""Reflections due and support actions due reach people through the daily digest, once
per due period, in a fixed number of queries."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fidelity import reminders
from supervision import services as supervision_services
from supervision.models import Reminder
from tests import factories as f

from .conftest import TODAY


def fidelity_reminders_for(user):
    return list(
        Reminder.objects.filter(recipient=user, kind=Reminder.Kind.FIDELITY_DUE).values_list(
            "item_key", "due_period", "message"
        )
    )


def test_running_the_daily_job_twice_sends_one_reminder(world, tool, frozen):
    f.FidelityCheckFactory(
        tool=tool, staff=world.practitioner_staff, done_on=TODAY - dt.timedelta(days=86)
    )
    supervision_services.reminders_run_daily()
    supervision_services.reminders_run_daily()
    assert fidelity_reminders_for(world.practitioner) == [
        (
            f"fidelity:{world.practitioner_staff.pk}",
            "2026-11-30",
            "Your practice reflection is due by 30/11/2026. It takes about three minutes.",
        )
    ]


def test_no_reminder_while_a_reflection_is_not_yet_due(world, tool, frozen):
    f.FidelityCheckFactory(
        tool=tool, staff=world.practitioner_staff, done_on=TODAY - dt.timedelta(days=30)
    )
    supervision_services.reminders_run_daily()
    assert fidelity_reminders_for(world.practitioner) == []


def test_no_reminder_without_a_tool(world, frozen):
    f.StandardsFactory(programme=world.programme)
    supervision_services.reminders_run_daily()
    assert not Reminder.objects.filter(kind=Reminder.Kind.FIDELITY_DUE).exists()


def test_the_line_manager_hears_about_support_due_soon_or_overdue(world, tool, frozen):
    overdue = f.SupportActionFactory(
        staff=world.practitioner_staff,
        owner=world.line_manager_staff,
        description="Shadow a court visit",
        due_on=TODAY - dt.timedelta(days=2),
    )
    f.SupportActionFactory(  # not due for a month: not yet
        staff=world.practitioner_staff,
        owner=world.line_manager_staff,
        due_on=TODAY + dt.timedelta(days=30),
    )
    f.SupportActionFactory(  # done: never
        staff=world.practitioner_staff,
        owner=world.line_manager_staff,
        due_on=TODAY - dt.timedelta(days=2),
        done_on=TODAY,
    )
    supervision_services.reminders_run_daily()
    supervision_services.reminders_run_daily()
    support = [r for r in fidelity_reminders_for(world.line_manager) if r[0].startswith("support")]
    name = world.practitioner_staff.full_name
    assert support == [
        (
            f"support:{overdue.pk}",
            "2026-11-24",
            f"Support for {name} was due on 24/11/2026: Shadow a court visit",
        )
    ]


def count_queries(source) -> int:
    with CaptureQueriesContext(connection) as captured:
        list(source(TODAY))
    return len(captured)


def test_the_sources_run_a_fixed_number_of_queries(world, tool, frozen):
    def grow(n):
        for _ in range(n):
            person = f.StaffMemberFactory(
                service=world.service, line_manager=world.line_manager_staff, user=f.UserFactory()
            )
            f.FidelityCheckFactory(tool=tool, staff=person, done_on=TODAY - dt.timedelta(days=100))
            f.SupportActionFactory(staff=person, owner=world.line_manager_staff, due_on=TODAY)

    grow(1)
    small = (
        count_queries(reminders.fidelity_reflections_due),
        count_queries(reminders.support_actions_due),
    )
    grow(10)
    large = (
        count_queries(reminders.fidelity_reflections_due),
        count_queries(reminders.support_actions_due),
    )
    assert small == large == (3, 1)
