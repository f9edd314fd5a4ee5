"""Supervision fixtures: the world's programme with the demo's standards, and a fixed day."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cohorts.models import StaffMember
from tests import factories as f

from .builders import add_standards

LONDON = ZoneInfo("Europe/London")
# A Thursday in the last week of a registration year (they end on 30 November).
TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def frozen():
    """Today is TODAY, 09:00 in London, for tests that check exact dates."""
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 0, tzinfo=LONDON), tick=False):
        yield TODAY


@pytest.fixture
def standards(world):
    """The world's programme with standards, and its line manager with a manager of their
    own (cadence applies to people with a line manager; coaching to line managers)."""
    head = f.StaffMemberFactory(
        service=world.service, role=StaffMember.Role.SERVICE_MANAGER, full_name="Hana Head"
    )
    world.line_manager_staff.line_manager = head
    world.line_manager_staff.save()
    return add_standards(world.programme)
