"""A cohort of the world's programme with a pre point open today for the practitioner."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from cohorts.models import Cohort, Membership
from outcomes.models import Measure, MeasurementPoint
from tests import factories as f


@dataclass
class Open:
    measure: Measure
    point: MeasurementPoint
    cohort: Cohort


def open_pre_point(world, *, items: int = 5, scoring: str = "mean") -> Open:
    today = timezone.localdate()
    measure = f.MeasureFactory(
        name="Practice confidence (test)",
        scale_min=1,
        scale_max=5,
        scale_labels={"1": "Never", "2": "Rarely", "3": "Sometimes", "4": "Often", "5": "Always"},
        scoring=scoring,
    )
    for number in range(1, items + 1):
        f.MeasureItemFactory(
            measure=measure,
            number=number,
            text=f"Statement {number}",
            reverse_scored=number == 2,
            subscale="Doing" if number > 3 else "Knowing",
        )
    cohort = f.CohortFactory(
        programme=world.programme,
        training_start=today + dt.timedelta(days=10),
        training_end=today + dt.timedelta(days=30),
    )
    for staff in (world.practitioner_staff, world.colleague_staff):
        f.MembershipFactory(cohort=cohort, staff=staff, status=Membership.Status.CONFIRMED)
    point = f.MeasurementPointFactory(
        programme=world.programme,
        measure=measure,
        label="Before training",
        opens_after_days=-21,
        window_days=28,
    )
    return Open(measure, point, cohort)
