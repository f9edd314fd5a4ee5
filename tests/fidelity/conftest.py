"""Fidelity fixtures: the world's programme with standards and a reflection tool in use."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests import factories as f

LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 0, tzinfo=LONDON), tick=False):
        yield TODAY


@pytest.fixture
def tool(world):
    """Standards (a check every 90 days) and the six-item tool in use."""
    f.StandardsFactory(programme=world.programme, fidelity_check_interval_days=90)
    return f.fidelity_tool_with_items(world.programme)


def ratings_for(tool, value=3) -> dict[str, str]:
    return {f"item_{item.pk}": str(value) for item in tool.items.all()}
