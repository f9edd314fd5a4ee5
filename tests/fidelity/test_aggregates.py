"""Fidelity aggregates for service managers and commissioners: the figures, the pages,
the CSV tables, and that none of them reveals a person's ratings, words or name."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fidelity.aggregates import aggregates_for, programme_scope, service_scope
from tests import factories as f
from tests.fidelity.aggregate_builders import reflect, team, tool_for
from tests.text import page_text

DAY = dt.date(2026, 9, 1)
SECRET_WORDS = "My supervisor never listens to me"


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 0), tick=False):
        yield


@pytest.fixture
def reflective(world, frozen):
    """Six people in one team of the world's service, each with two checks 50 days apart
    (interval 56) and the second one with free text; one support action each."""
    f.StandardsFactory(
        programme=world.programme, small_number_threshold=5, fidelity_check_interval_days=56
    )
    tool, items = tool_for(world.programme)
    manager, people = team(world.service, 6, prefix="Reflective")
    for n, person in enumerate(people):
        reflect(person, tool, items, [2, 3], DAY)
        reflect(
            person,
            tool,
            items,
            [4, 3],
            DAY + dt.timedelta(days=50 if n else 70),  # one late
            got_in_the_way=SECRET_WORDS,
        )
        action = f.SupportActionFactory(staff=person, owner=manager, description=SECRET_WORDS)
        if n < 3:
            action.done_on = action.created.date() + dt.timedelta(days=4 + n)
            action.save()
    return people


def test_figures_per_principle_quarter_cadence_and_support(world, reflective):
    figures = aggregates_for(programme_scope(world.programme), dt.date(2026, 11, 26))
    safety, choice = figures.principles
    assert safety.label == "Safety" and safety.cells[0].value == 3.0  # (2 + 4) / 2
    assert choice.cells[0].value == 3.0 and choice.cells[0].people == 6
    by_quarter = {row.label: row.cells[0] for row in figures.trend}
    assert by_quarter["Jul to Sep 2026"].value == 2.5  # the September checks
    assert by_quarter["Oct to Dec 2026"].value == 3.5
    cadence = figures.cadence.cells[0].value
    assert (cadence.on_cadence, cadence.checks, cadence.percent) == (5, 6, 83)
    actions = figures.actions.cells[0].value
    assert (actions.opened, actions.closed, actions.still_open) == (6, 3, 3)
    assert actions.median_days_to_close == 5


def test_queries_do_not_grow_with_the_number_of_checks(world, reflective):
    tool = world.programme.fidelity_tools.get()
    items = list(tool.items.all())

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            aggregates_for(service_scope(world.programme, world.service, name_teams=True))
        return len(captured)

    before = count()
    _, more = team(world.service, 8, prefix="More")
    for person in more:
        for n in range(3):
            reflect(person, tool, items, [1, 2], DAY + dt.timedelta(days=30 * n))
    assert count() == before


def test_commissioner_page_shows_figures_and_explains_suppression(client, world, reflective):
    client.force_login(world.commissioner)
    response = client.get(reverse("fidelity:programme_aggregates", args=[world.programme.pk]))
    text = page_text(response)
    assert response.status_code == 200
    assert "3.0 (Often)" in text
    assert "fewer than 5 people reflect" not in text  # one service of six: nothing folded
    assert "83% (5 of 6 checks)" in text


def test_no_aggregate_page_or_csv_reveals_a_persons_words_or_name(client, world, reflective):
    names = [p.full_name for p in reflective] + [world.practitioner_staff.full_name]
    urls = [
        reverse("fidelity:programme_aggregates", args=[world.programme.pk]),
        reverse("fidelity:service_aggregates", args=[world.service.pk]),
        *(
            reverse("fidelity:programme_aggregates_csv", args=[world.programme.pk, table])
            for table in ("principles", "trend", "cadence", "actions")
        ),
        *(
            reverse("fidelity:service_aggregates_csv", args=[world.service.pk, table])
            for table in ("principles", "trend", "cadence", "actions")
        ),
    ]
    for user in (world.commissioner, world.service_manager):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            text = (
                response.content.decode()
                if response["Content-Type"].startswith("text/csv")
                else page_text(response)
            )
            assert SECRET_WORDS not in text, url
            for name in names:
                assert name not in text, (url, name)


def test_the_commissioner_sees_teams_unnamed_and_the_service_manager_by_manager(
    client, world, reflective
):
    url = reverse("fidelity:service_aggregates", args=[world.service.pk])
    client.force_login(world.commissioner)
    assert "Reflective Manager" not in page_text(client.get(url))
    assert "Team A" in page_text(client.get(url))
    client.force_login(world.service_manager)
    assert "Reflective Manager's team" in page_text(client.get(url))


def test_csv_has_the_same_suppression_as_the_page(client, world, frozen):
    f.StandardsFactory(programme=world.programme, small_number_threshold=5)
    tool, items = tool_for(world.programme)
    for person in (world.practitioner_staff, world.colleague_staff):
        reflect(person, tool, items, [1, 4], DAY)
    client.force_login(world.service_manager)
    response = client.get(
        reverse("fidelity:service_aggregates_csv", args=[world.service.pk, "principles"])
    )
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Mean rating per principle"
    assert rows[1][0] == "Safety" and rows[1][1] == "Not shown (note 1)"
    assert ["Note 1", "Not shown: fewer than 5 people, who could be identified."] in rows
    assert not any("1.0" in cell or "4.0" in cell for row in rows for cell in row)


def test_unknown_table_is_not_found(client, world):
    client.force_login(world.commissioner)
    url = reverse("fidelity:programme_aggregates_csv", args=[world.programme.pk, "people"])
    assert client.get(url).status_code == 404


def test_outsiders_and_line_managers_get_not_found(client, world):
    programme_url = reverse("fidelity:programme_aggregates", args=[world.programme.pk])
    service_url = reverse("fidelity:service_aggregates", args=[world.service.pk])
    for user in (world.other_commissioner, world.other_service_manager, world.line_manager):
        client.force_login(user)
        assert client.get(programme_url).status_code == 404
        assert client.get(service_url).status_code == 404


def test_a_service_manager_sees_only_their_own_service_in_the_programme(client, world, frozen):
    other = f.ServiceFactory(name="Someone Else's Service")
    f.ParticipationFactory(programme=world.programme, service=other)
    client.force_login(world.service_manager)
    text = page_text(
        client.get(reverse("fidelity:programme_aggregates", args=[world.programme.pk]))
    )
    assert world.service.name in text
    assert "Someone Else's Service" not in text
    client.force_login(world.commissioner)
    text = page_text(
        client.get(reverse("fidelity:programme_aggregates", args=[world.programme.pk]))
    )
    assert "Someone Else's Service" in text


def test_overall_rating_themes_in_people_and_quarters_by_group(world, reflective):
    from fidelity.aggregates import overall_row, quarter_means_by_group, theme_counts
    from fidelity.models import ChallengeTheme, FidelityCheck

    scope = programme_scope(world.programme)
    overall = overall_row(scope)
    assert overall.cells[0].value == 3.0 and overall.cells[0].people == 6  # (2+3+4+3) / 4
    workload, _ = ChallengeTheme.objects.get_or_create(name="Workload")
    time, _ = ChallengeTheme.objects.get_or_create(name="Time to reflect (test)")
    for check in FidelityCheck.objects.filter(done_on__gt=DAY):
        check.themes.add(workload)  # six people
    one = FidelityCheck.objects.filter(done_on__gt=DAY).first()
    for check in FidelityCheck.objects.filter(staff=one.staff):
        check.themes.add(time)  # one person, on two checks: one person, not two
    counts = dict(theme_counts(scope, dt.date(2026, 11, 26)))
    assert counts["Workload"].value == 6
    assert counts["Time to reflect (test)"].suppressed
    assert counts["Time to reflect (test)"].value is None
    quarters = quarter_means_by_group(scope, dt.date(2026, 11, 26))
    jul_sep, oct_dec = quarters[world.service.pk]
    assert jul_sep.value == 2.5 and jul_sep.people == 6  # the checks on 1 September
    assert oct_dec.value == 3.5  # the second checks, 50 (or 70) days later


def test_totals_added_up_from_groups_equal_the_whole_scopes_average(world, frozen):
    """Totals are summed from the groups' sums, counts and people: with groups of
    different sizes they must still equal the database's average over every rating (not
    the mean of the groups' means)."""
    from django.db.models import Avg, Count

    from fidelity.aggregates import overall_row
    from fidelity.models import FidelityRating

    f.StandardsFactory(programme=world.programme, small_number_threshold=5)
    tool, items = tool_for(world.programme)
    second = f.ServiceFactory()
    f.ParticipationFactory(programme=world.programme, service=second)
    _, small = team(world.service, 5, prefix="Small")
    _, large = team(second, 7, prefix="Large")
    for n, person in enumerate(small):
        reflect(person, tool, items, [1, 2 + n % 2], DAY)
    for n, person in enumerate(large):
        reflect(person, tool, items, [4, 3 + n % 3 // 2], DAY)
        reflect(person, tool, items, [4, 4], DAY + dt.timedelta(days=30))

    scope = programme_scope(world.programme)
    everything = FidelityRating.objects.filter(check_record__tool__programme=world.programme)
    whole = everything.aggregate(
        mean=Avg("rating"), people=Count("check_record__staff", distinct=True)
    )
    total = overall_row(scope).cells[-1]
    assert total.value == round(whole["mean"], 2) and total.people == whole["people"] == 12
    means_of_groups = sum(c.value for c in overall_row(scope).cells[:-1]) / 2
    assert total.value != round(means_of_groups, 2)  # the groups differ in size: weighted

    figures = aggregates_for(scope, dt.date(2026, 11, 26))
    for row in figures.principles:
        principle = everything.filter(item__principle=row.key).aggregate(
            mean=Avg("rating"), people=Count("check_record__staff", distinct=True)
        )
        assert row.cells[-1].value == round(principle["mean"], 2)
        assert row.cells[-1].people == principle["people"]
