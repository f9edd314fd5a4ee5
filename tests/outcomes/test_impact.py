"""Impact figures: matched pairs, completeness, suppression (incl. complementary) and who
sees which page."""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outcomes import impact, stats
from outcomes.models import MeasurementPoint
from tests import factories as f
from tests.text import page_text

POST_LABEL = "Six weeks after training"


@dataclass
class Setup:
    measure: object
    pre: MeasurementPoint
    post: MeasurementPoint
    follow_up: MeasurementPoint
    cohort: object


def measure_setup(programme, **measure_fields) -> Setup:
    fields = {
        "name": "Confidence (demo)",
        "reliability": 0.85,
        "reference_sd": 0.6,
        "clinical_cutoff": 3.0,
        "higher_is_better": True,
    }
    fields.update(measure_fields)
    measure = f.MeasureFactory(**fields)
    pre = f.MeasurementPointFactory(
        programme=programme, measure=measure, kind="pre", label="Before training"
    )
    post = f.MeasurementPointFactory(
        programme=programme,
        measure=measure,
        kind="post",
        label=POST_LABEL,
        anchor="end",
        opens_after_days=42,
    )
    follow_up = f.MeasurementPointFactory(
        programme=programme,
        measure=measure,
        kind="follow_up",
        label="Six-month follow-up",
        anchor="end",
        opens_after_days=182,
    )
    cohort = f.CohortFactory(programme=programme, name="Wave 1 champions")
    return Setup(measure, pre, post, follow_up, cohort)


def pairs_in(service, setup: Setup, scores, point=None, cohort=None):
    """One person per (before, after) in ``scores``; ``None`` leaves that side out."""
    people = []
    for before, after in scores:
        person = f.StaffMemberFactory(service=service)
        people.append(person)
        if before is not None:
            f.MeasureResponseFactory(
                staff=person, point=setup.pre, cohort=cohort or setup.cohort, score=before
            )
        if after is not None:
            f.MeasureResponseFactory(
                staff=person,
                point=point or setup.post,
                cohort=cohort or setup.cohort,
                score=after,
            )
    return people


A_SCORES = [(2.0, 3.2), (2.5, 3.0), (3.1, 3.4), (2.2, 2.9), (2.8, 3.9), (3.0, 2.2)]
B_SCORES = [(2.4, 3.1), (2.6, 2.7), (2.9, 3.8), (2.0, 2.6), (3.3, 3.5)]
C_SCORES = [(2.1, 3.5), (2.7, 2.9)]


@pytest.fixture
def three_services(world):
    """Services of 6, 5 and 2 matched pairs in the world's programme (threshold 5)."""
    setup = measure_setup(world.programme)
    a = world.service
    b = f.ServiceFactory(name="Bravo team")
    c = f.ServiceFactory(name="Charlie team")
    for s in (b, c):
        f.ParticipationFactory(programme=world.programme, service=s)
    pairs_in(a, setup, A_SCORES)
    pairs_in(b, setup, B_SCORES)
    pairs_in(c, setup, C_SCORES)
    return setup, a, b, c


def by_name(measure_impact):
    return {g.name: g for g in measure_impact.groups}


def test_total_uses_matched_pairs_and_the_statistics_module(world, three_services):
    setup, *_ = three_services
    report = impact.impact_report(programme=world.programme, scope="All services")
    [m] = report.measures
    everyone = A_SCORES + B_SCORES + C_SCORES
    expected = stats.paired_change([b for b, _ in everyone], [a for _, a in everyone])
    assert m.total.pairs == 13
    assert m.total.change.mean_change == pytest.approx(expected.mean_change)
    assert m.total.change.dz == pytest.approx(expected.dz)
    assert m.total.change.change_ci == expected.change_ci
    # S_diff = √2 × 0.6 × √0.15 = 0.3286: reliable when a change exceeds 0.644.
    # Improved: +1.2, +0.7, +1.1, +0.7, +0.9, +1.4; deteriorated: 3.0→2.2 (−0.8).
    assert (m.total.reliable.improved, m.total.reliable.deteriorated) == (6, 1)
    assert m.total.reliable.no_reliable_change == 6


def test_small_group_is_suppressed_and_the_next_smallest_too(world, three_services):
    _, a, b, c = three_services
    [m] = impact.impact_report(programme=world.programme).measures
    groups = by_name(m)
    assert groups[c.name].suppressed_reason == impact.too_few_reason(5)
    # Otherwise the total minus A and B would give C away.
    assert groups[b.name].suppressed_reason == impact.COMPLEMENTARY_REASON
    assert groups[a.name].shown and groups[a.name].pairs == 6
    for hidden in (groups[b.name], groups[c.name]):
        assert (hidden.n_pre, hidden.n_post, hidden.pairs) == (None, None, None)
        assert hidden.change is None and hidden.reliable is None


def test_no_complementary_suppression_when_two_groups_are_already_hidden(world):
    setup = measure_setup(world.programme)
    small = f.ServiceFactory(name="Small team")
    f.ParticipationFactory(programme=world.programme, service=small)
    pairs_in(world.service, setup, A_SCORES + B_SCORES)
    pairs_in(small, setup, C_SCORES)
    third = f.ServiceFactory(name="Third team")
    f.ParticipationFactory(programme=world.programme, service=third)
    pairs_in(third, setup, C_SCORES)
    [m] = impact.impact_report(programme=world.programme).measures
    groups = by_name(m)
    assert groups[world.service.name].shown
    assert groups[small.name].suppressed and groups[third.name].suppressed


def test_a_group_with_nobody_is_empty_not_suppressed(world, three_services):
    empty = f.ServiceFactory(name="Delta team")
    f.ParticipationFactory(programme=world.programme, service=empty)
    [m] = impact.impact_report(programme=world.programme).measures
    assert by_name(m)[empty.name].empty
    assert not by_name(m)[empty.name].suppressed


def test_everything_is_suppressed_below_the_threshold(world):
    setup = measure_setup(world.programme)
    pairs_in(world.service, setup, C_SCORES)
    [m] = impact.impact_report(programme=world.programme).measures
    assert m.total.suppressed and m.total.change is None and m.charts == []


def test_threshold_comes_from_the_programmes_standards(world, three_services):
    _, _, _, c = three_services
    f.StandardsFactory(programme=world.programme, small_number_threshold=2)
    report = impact.impact_report(programme=world.programme)
    assert report.threshold == 2
    assert by_name(report.measures[0])[c.name].pairs == 2


def test_completeness_counts_baselines_without_a_later_score(world):
    setup = measure_setup(world.programme)
    pairs_in(world.service, setup, A_SCORES + [(2.0, None), (2.5, None), (None, 3.0)])
    [m] = impact.impact_report(programme=world.programme).measures
    assert (m.total.n_pre, m.total.n_post, m.total.pairs) == (8, 7, 6)
    assert m.total.completeness == pytest.approx(6 / 8)
    assert m.total.completeness_text == "75% (6 of 8)"


def test_scores_in_different_cohorts_do_not_pair(world):
    setup = measure_setup(world.programme)
    people = pairs_in(world.service, setup, A_SCORES)
    other_wave = f.CohortFactory(programme=world.programme, name="Wave 2")
    f.MeasureResponseFactory(staff=people[0], point=setup.post, cohort=other_wave, score=4)
    for person in pairs_in(world.service, setup, [(2.0, None)] * 3):
        f.MeasureResponseFactory(staff=person, point=setup.post, cohort=other_wave, score=4)
    [m] = impact.impact_report(programme=world.programme).measures
    assert m.total.pairs == 6  # the later wave's scores have no baseline in that wave


def test_the_later_point_is_selectable(world):
    setup = measure_setup(world.programme)
    people = pairs_in(world.service, setup, A_SCORES)
    for person in people:
        f.MeasureResponseFactory(
            staff=person, point=setup.follow_up, cohort=setup.cohort, score=4.5
        )
    report = impact.impact_report(programme=world.programme, after="six-month-follow-up")
    assert report.chosen.label == "Six-month follow-up"
    assert [c.label for c in report.comparisons] == [POST_LABEL, "Six-month follow-up"]
    [m] = report.measures
    assert m.total.change.mean_post == pytest.approx(4.5)
    # An unknown choice falls back to the first later point.
    fallback = impact.impact_report(programme=world.programme, after="nonsense")
    assert fallback.chosen.label == POST_LABEL


def test_lower_is_better_flips_improvement(world):
    setup = measure_setup(
        world.programme,
        name="Stress (demo)",
        higher_is_better=False,
        reliability=0.8,
        reference_sd=3.5,
        clinical_cutoff=12,
    )
    # S_diff = 2.2136; reliable beyond 4.34 points either way.
    pairs_in(world.service, setup, [(15, 10), (20, 14), (11, 5), (8, 13), (14, 11), (18, 18)])
    [m] = impact.impact_report(programme=world.programme).measures
    rc = m.total.reliable
    assert (rc.improved, rc.no_reliable_change, rc.deteriorated) == (3, 2, 1)
    assert (rc.recovered, rc.could_recover) == (1, 4)
    assert "Lower scores are better" in m.direction


# --- The pages --------------------------------------------------------------------------------


def test_commissioner_sees_figures_chart_table_method_and_suppression(
    client, world, three_services
):
    client.force_login(world.commissioner)
    response = client.get(reverse("outcomes:programme_impact", args=[world.programme.pk]))
    assert response.status_code == 200
    text = page_text(response)
    assert "Matched pairs" in text and "13" in text
    assert "How this is calculated" in text and "Jacobson & Truax" in text
    assert "<svg" in response.content.decode()
    assert "Show the figures as a table" in text
    assert impact.too_few_reason(5) in text
    assert impact.COMPLEMENTARY_REASON in text


def test_service_manager_sees_only_their_own_services(client, world, three_services):
    _, a, b, c = three_services
    client.force_login(world.service_manager)
    response = client.get(reverse("outcomes:programme_impact", args=[world.programme.pk]))
    report = response.context["report"]
    [m] = report.measures
    assert [g.name for g in m.groups] == [a.name]
    assert m.total.pairs == 6 and report.scope == "Your services"
    assert b.name not in page_text(response)


def test_service_impact_breaks_down_by_cohort(client, world, three_services):
    client.force_login(world.service_manager)
    response = client.get(reverse("outcomes:service_impact", args=[world.service.pk]))
    assert response.status_code == 200
    [m] = response.context["report"].measures
    assert m.total.pairs == 6 and [g.name for g in m.groups] == ["Wave 1 champions"]


def test_cohort_impact(client, world, three_services):
    setup, *_ = three_services
    client.force_login(world.commissioner)
    response = client.get(reverse("outcomes:cohort_impact", args=[setup.cohort.pk]))
    assert response.status_code == 200
    assert response.context["report"].measures[0].total.pairs == 13


@pytest.mark.parametrize("who", ["practitioner", "line_manager", "other_service_manager"])
def test_people_without_aggregate_access_get_404(client, world, three_services, who):
    client.force_login(getattr(world, who))
    assert (
        client.get(reverse("outcomes:service_impact", args=[world.service.pk])).status_code == 404
    )
    assert (
        client.get(reverse("outcomes:programme_impact", args=[world.programme.pk])).status_code
        == 404
    )


def test_other_programmes_commissioner_gets_404(client, world, three_services):
    setup, *_ = three_services
    client.force_login(world.other_commissioner)
    for url in (
        reverse("outcomes:programme_impact", args=[world.programme.pk]),
        reverse("outcomes:service_impact", args=[world.service.pk]),
        reverse("outcomes:cohort_impact", args=[setup.cohort.pk]),
    ):
        assert client.get(url).status_code == 404


def test_page_without_measures_explains_itself(client, world):
    client.force_login(world.commissioner)
    response = client.get(reverse("outcomes:programme_impact", args=[world.programme.pk]))
    assert "No measures are scheduled" in page_text(response)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["programme_impact", "service_impact", "cohort_impact"])
def test_query_count_does_not_grow_with_data(client, world, name):
    setup = measure_setup(world.programme)
    client.force_login(world.commissioner)
    pk = {
        "programme_impact": world.programme.pk,
        "service_impact": world.service.pk,
        "cohort_impact": setup.cohort.pk,
    }[name]
    url = reverse(f"outcomes:{name}", args=[pk])
    pairs_in(world.service, setup, A_SCORES)
    small = _count(client, url)
    for i in range(4):
        extra = f.ServiceFactory(name=f"Extra {i}")
        f.ParticipationFactory(programme=world.programme, service=extra)
        pairs_in(extra, setup, A_SCORES)
    assert _count(client, url) == small


# --- The demo ---------------------------------------------------------------------------------


def test_demo_programme_impact_has_real_figures_and_a_suppressed_service(db, settings):
    from django.core.management import call_command

    from commissioning.models import Programme

    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    programme = Programme.objects.get(name="Trauma-informed practice in family help")
    report = impact.impact_report(programme=programme)
    assert report.measures
    for m in report.measures:
        assert m.total.shown and m.total.pairs >= report.threshold
        assert m.total.change.dz is not None and m.total.reliable is not None
        assert any(g.suppressed for g in m.groups)


def test_baselines_without_any_later_score_show_no_pairs_yet(client, world):
    setup = measure_setup(world.programme)
    pairs_in(world.service, setup, [(2.0, None)] * 6)
    [m] = impact.impact_report(programme=world.programme).measures
    assert m.total.empty and not m.total.suppressed
    client.force_login(world.commissioner)
    response = client.get(reverse("outcomes:programme_impact", args=[world.programme.pk]))
    assert "No matched pairs yet" in page_text(response)
