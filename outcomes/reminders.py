"""The daily reminder run's source for measurement windows (registered in apps.py).

Each person is told once per window: the reminder's due period is the day the window
closes, and the run records a reminder once per person, item and due period.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.urls import reverse

from supervision.models import Reminder
from supervision.reminders import Due, reminder_source

from .queries import measure_windows_open


@reminder_source
def measure_windows(today: date) -> Iterator[Due]:
    """Everyone whose window at a measurement point is open and who has not responded."""
    for window in measure_windows_open(today):
        point = window.point
        yield Due(
            recipient_id=window.user_id,
            kind=Reminder.Kind.MEASURE_OPEN,
            item_key=f"measure:{point.pk}:{window.staff_id}",
            due_period=window.closes.isoformat(),
            message=(
                f"“{point.measure.name}” ({point.label.lower()}) is open for you until "
                f"{window.closes:%d/%m/%Y}. It takes a few minutes."
            ),
            url=reverse("outcomes:response_complete", kwargs={"point_pk": point.pk}),
        )
