"""The rules that turn figures into risks and recommendations, and the periods offered."""

import datetime as dt

from cohorts.models import Cohort, Membership
from commissioning.models import Standards
from core.figures import figures_changed
from reports import queries, rules
from tests import factories as f


def test_low_penetration_is_recommended_on_below_half(programme_world):
    w = programme_world
    cohort = Cohort.objects.get(programme=w.programme)
    f.MembershipFactory(
        cohort=cohort,
        staff=f.StaffMemberFactory(service=w.service, line_manager=w.line_manager_staff),
        status=Membership.Status.TRAINED,
    )
    dashboard = queries.programme_dashboard(w.commissioner, w.programme)
    found = [r for r in rules.recommendations(dashboard) if r.about == "Riverside Family Help"]
    penetration = [r for r in found if "trained champions are active" in r.detail]
    assert penetration and penetration[0].detail.startswith("1 of 3 trained champions")
    assert "fewer than 50%" in penetration[0].rule


def test_suppressed_figures_never_raise_a_risk(programme_world):
    w = programme_world
    Standards.objects.filter(programme=w.programme).update(small_number_threshold=5)
    dashboard = queries.programme_dashboard(w.commissioner, w.programme)
    riverside = dashboard.compliance.column("Riverside Family Help")
    assert riverside.figures["line_management"].suppressed  # 1 of 2 within: 50%, hidden
    assert not [
        r
        for r in rules.risks(dashboard)
        if r.about == "Riverside Family Help" and "cadence" in r.detail
    ]


def test_low_supervision_is_a_risk_below_seventy_percent(programme_world):
    w = programme_world
    dashboard = queries.programme_dashboard(w.commissioner, w.programme)
    figure = dashboard.compliance.column("Hillside Early Help").figures["line_management"]
    found = [r for r in rules.risks(dashboard) if r.about == "Hillside Early Help"]
    assert (figure.percent < 70) == any("supervision within cadence" in r.detail for r in found)


def test_periods_are_today_and_the_last_four_quarter_ends():
    choices = queries.period_choices(dt.date(2026, 11, 27))
    assert [value for value, _ in choices] == [
        "",
        "2026-09-30",
        "2026-06-30",
        "2026-03-31",
        "2025-12-31",
    ]
    assert choices[1][1] == "End of September 2026 (30/09/2026)"


def _falling_world(w, people):
    from .builders import add_outcomes_and_fidelity, outcome_and_fidelity_setup

    setup = outcome_and_fidelity_setup(w.programme)
    # Each person: 3.0 last quarter, 2.5 this quarter, a fall of 0.5.
    add_outcomes_and_fidelity(setup, w.second_service, people)
    return queries.programme_dashboard(w.commissioner, w.programme)


def test_falling_fidelity_is_a_risk_when_enough_people_show_it(programme_world):
    w = programme_world  # threshold 2
    dashboard = _falling_world(w, 3)
    found = [r for r in rules.risks(dashboard) if "reflection rating fell" in r.detail]
    assert {r.about for r in found} == {"Hillside Early Help", "All services"}
    hillside = next(r for r in found if r.about == "Hillside Early Help")
    assert hillside.detail == "The mean reflection rating fell from 3.0 to 2.5."
    assert "fell by 0.3 or more" in hillside.rule
    assert hillside.href == f"/programmes/{w.programme.pk}/fidelity/"


def test_falling_fidelity_about_too_few_people_is_not_a_risk(programme_world):
    w = programme_world
    Standards.objects.filter(programme=w.programme).update(small_number_threshold=5)
    dashboard = _falling_world(w, 3)
    assert not [r for r in rules.risks(dashboard) if "reflection rating fell" in r.detail]


def test_a_fall_under_the_rule_is_not_a_risk(programme_world):
    from fidelity.models import FidelityRating

    w = programme_world
    _falling_world(w, 3)
    # One of the three people rates 3, 3 this quarter: 3.0 to about 2.67, a fall of 0.33;
    # two of them: 3.0 to about 2.83, a fall of 0.17, under the rule's 0.3.
    ids = list(FidelityRating.objects.filter(rating=2).values_list("pk", flat=True)[:2])
    FidelityRating.objects.filter(pk__in=ids).update(rating=3)
    figures_changed()  # QuerySet.update sends no signal (core.figures)
    dashboard = queries.programme_dashboard(w.commissioner, w.programme)
    assert not [r for r in rules.risks(dashboard) if "reflection rating fell" in r.detail]
