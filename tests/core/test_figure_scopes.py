"""Which records forget which cached figures (core.figure_scopes): a day-to-day record
moves on only its person's service's and programmes' counters (and those of programmes it
names itself) and the every-change counter; other records move the base version too."""

import datetime as dt

import pytest

from cohorts import queries as cohort_queries
from core import figures
from tests import factories as f


def counter_values(w) -> dict[str, int]:
    keys = {
        "base": figures.BASE_KEY,
        "every change": figures.VERSION_KEY,
        "programme 1": figures.programme_key(w.programme),
        "programme 2": figures.programme_key(w.other_programme),
        "service A": figures.service_key(w.service),
        "service B": figures.service_key(w.other_service),
    }
    return dict(zip(keys, figures._counters(list(keys.values())), strict=True))


def moved(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name in before if after[name] != before[name]}


def fact_record(w, person, kind):
    """What a day-to-day record of ``kind`` for ``person`` needs (a tool, a check, an owner,
    a cohort: each of which may forget everything) is made first; the function returned
    saves the record itself."""
    from fidelity.models import FidelityRating

    tool = f.FidelityToolFactory(programme=w.programme)
    if kind == "session":
        return lambda: f.SupervisionSessionFactory(
            supervisee=person, supervisor=w.line_manager_staff
        )
    if kind == "cpd":
        return lambda: f.CpdActivityFactory(staff=person)
    if kind == "fidelity check":
        return lambda: f.FidelityCheckFactory(staff=person, tool=tool)
    if kind == "fidelity rating":
        check = f.FidelityCheckFactory(staff=person, tool=tool)
        item = f.FidelityItemFactory(tool=tool)
        return lambda: FidelityRating.objects.create(check_record=check, item=item, rating=3)
    if kind == "support action":
        return lambda: f.SupportActionFactory(staff=person, owner=w.line_manager_staff)
    if kind == "membership":
        cohort = f.CohortFactory(programme=w.programme)
        return lambda: f.MembershipFactory(staff=person, cohort=cohort)
    if kind == "training":
        return lambda: f.TrainingCompletionFactory(staff=person, programme=w.programme)
    if kind == "screening":
        return lambda: f.ScreeningFactory(
            staff=person, programme=w.programme, screened_by=w.line_manager
        )
    if kind == "measure response":
        point = f.MeasurementPointFactory(programme=w.programme)
        cohort = f.CohortFactory(programme=w.programme)
        return lambda: f.MeasureResponseFactory(staff=person, point=point, cohort=cohort)
    if kind == "indicator value":
        from outcomes.models import IndicatorValue, ServiceIndicator

        indicator = ServiceIndicator.objects.create(
            service=person.service, name="Placement moves", baseline_value=4, baseline_period="Q4"
        )
        return lambda: IndicatorValue.objects.create(
            indicator=indicator, period_start=dt.date(2026, 10, 1), value=3
        )
    raise AssertionError(kind)


FACT_KINDS = [
    "session",
    "cpd",
    "fidelity check",
    "fidelity rating",
    "support action",
    "membership",
    "training",
    "screening",
    "measure response",
    "indicator value",
]


@pytest.mark.parametrize("kind", FACT_KINDS)
def test_each_day_to_day_record_moves_only_its_scope(world, kind):
    w = world
    save = fact_record(w, w.practitioner_staff, kind)
    before = counter_values(w)
    record = save()
    assert moved(before, counter_values(w)) == {"programme 1", "service A", "every change"}
    # And so does deleting it, but for a check: its support actions lose it unsignalled.
    before = counter_values(w)
    record.delete()
    if kind == "fidelity check":
        assert {"base", "every change"} <= moved(before, counter_values(w))
    else:
        assert moved(before, counter_values(w)) == {"programme 1", "service A", "every change"}


def test_a_measure_response_counts_in_its_points_programme_whatever_the_service(world):
    """Impact figures count a cohort's responses whoever gives them."""
    w = world
    outsider = f.StaffMemberFactory(service=f.ServiceFactory())  # takes part in nothing
    point = f.MeasurementPointFactory(programme=w.programme)
    cohort = f.CohortFactory(programme=w.programme)
    before = counter_values(w)
    f.MeasureResponseFactory(staff=outsider, point=point, cohort=cohort)
    after = counter_values(w)
    assert moved(before, after) == {"programme 1", "every change"}


def test_a_cohort_place_counts_in_its_programme_whatever_the_service(world):
    w = world
    outsider_service = f.ServiceFactory()
    outsider = f.StaffMemberFactory(service=outsider_service)
    cohort = f.CohortFactory(programme=w.programme)
    assert cohort_queries.champion_counts_by_service(w.programme, [outsider_service.pk]) == {
        outsider_service.pk: cohort_queries.NO_CHAMPIONS
    }
    f.MembershipFactory(staff=outsider, cohort=cohort)
    found = cohort_queries.champion_counts_by_service(w.programme, [outsider_service.pk])
    assert found[outsider_service.pk].nominated == 1


def test_a_session_moves_its_scopes_and_the_every_change_counter_only(world):
    w = world
    before = counter_values(w)
    f.SupervisionSessionFactory(supervisee=w.practitioner_staff, supervisor=w.line_manager_staff)
    assert moved(before, counter_values(w)) == {"programme 1", "service A", "every change"}


def test_themes_added_to_a_check_move_its_scope(world):
    w = world
    check = f.FidelityCheckFactory(
        staff=w.practitioner_staff, tool=f.FidelityToolFactory(programme=w.programme)
    )
    theme = f.ChallengeThemeFactory()
    before = counter_values(w)
    check.themes.add(theme)
    assert moved(before, counter_values(w)) == {"programme 1", "service A", "every change"}
    before = counter_values(w)
    theme.checks.remove(check)  # from the theme's side: not looked up
    assert "base" in moved(before, counter_values(w))


def test_a_staff_member_moves_the_base_version(world):
    w = world
    before = counter_values(w)
    f.StaffMemberFactory(service=w.service)
    assert {"base", "every change"} <= moved(before, counter_values(w))
