"""Data the supervision tests (and the end-to-end journeys) build on."""

from commissioning.models import SupervisionType
from tests import factories as f

# The LGA employer standard for social workers (DOMAIN.md), as the demo programme has it.
DEMO_RULES = [
    # supervision type, newly qualified, from week, to week, interval in days
    (SupervisionType.LINE_MANAGEMENT, True, 0, 6, 7),
    (SupervisionType.LINE_MANAGEMENT, True, 6, 26, 14),
    (SupervisionType.LINE_MANAGEMENT, True, 26, None, 30),
    (SupervisionType.LINE_MANAGEMENT, False, 0, None, 30),
    (SupervisionType.REFLECTIVE, False, 0, None, 42),
    (SupervisionType.COACHING, False, 0, None, 42),
]


def add_standards(programme, **overrides):
    standards = f.StandardsFactory(programme=programme, **overrides)
    for kind, nq, start, end, interval in DEMO_RULES:
        f.CadenceRuleFactory(
            standards=standards,
            supervision_type=kind,
            newly_qualified=nq,
            from_week=start,
            to_week=end,
            interval_days=interval,
        )
    return standards
