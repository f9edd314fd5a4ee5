"""Programmes, services and teams with reflections, for the aggregate and signal tests."""

import datetime as dt
from statistics import fmean

from cohorts.models import StaffMember
from fidelity.models import FidelityCheck, FidelityItem, FidelityRating, FidelityTool, Principle
from tests import factories as f

TODAY = dt.date(2026, 11, 26)


def tool_for(programme) -> tuple[FidelityTool, list[FidelityItem]]:
    tool = FidelityTool.objects.create(programme=programme, name="Reflection", in_use=True)
    items = [
        FidelityItem.objects.create(tool=tool, number=n, principle=p, prompt=f"About {p}")
        for n, p in enumerate([Principle.SAFETY, Principle.CHOICE], start=1)
    ]
    return tool, items


def reflect(staff, tool, items, scores, done_on, *, got_in_the_way="", themes=()):
    """One check by ``staff`` with one score per item."""
    check = FidelityCheck.objects.create(
        tool=tool,
        staff=staff,
        done_on=done_on,
        went_well="",
        got_in_the_way=got_in_the_way,
        mean_rating=fmean(scores),
    )
    for item, score in zip(items, scores, strict=True):
        FidelityRating.objects.create(check_record=check, item=item, rating=score)
    if themes:
        check.themes.add(*themes)
    return check


def team(service, size, *, manager=None, prefix="Person"):
    """A line manager and ``size`` reports in ``service``."""
    manager = manager or f.StaffMemberFactory(
        service=service, role=StaffMember.Role.LINE_MANAGER, full_name=f"{prefix} Manager"
    )
    reports = [
        f.StaffMemberFactory(service=service, line_manager=manager, full_name=f"{prefix} {n}")
        for n in range(1, size + 1)
    ]
    return manager, reports
