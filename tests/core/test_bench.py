"""manage.py bench's logic on a small world: every page measured, the PDF compared.

Timings are not asserted against budgets here (DESIGN.md §7: budgets are measured by
benchmarks, not timed tests); only that each figure exists and is sensible.
"""

import pytest
from django.utils import timezone

from core import bench
from tests.reports.builders import build_programme_world


@pytest.fixture
def measured(world):
    build_programme_world(world)
    return bench.run_bench(repeats=2, warmups=1, pdf_runs=1, parts=("pages", "pdf"))


EXPECTED_PAGES = [
    "Home: commissioner",
    "Home: service manager",
    "Home: line manager",
    "Home: practitioner",
    "Home: administrator",
    "Programme overview dashboard",
    "Service dashboard",
    "Team dashboard",
    "Programme impact",
    "Programme fidelity aggregates",
    "Service fidelity aggregates",
    "Notifications",
]


def test_the_subjects_are_found_from_the_data(world):
    build_programme_world(world)
    subjects = bench.find_subjects()
    assert subjects.programme == world.programme  # the programme with the most staff
    assert subjects.commissioner == world.commissioner
    assert subjects.service_manager == world.service_manager
    assert subjects.practitioner == world.practitioner  # someone in the measured service
    assert subjects.admin == world.admin


def test_every_page_has_a_query_count_and_positive_times(measured):
    assert [p.label for p in measured.pages] == EXPECTED_PAGES
    for page in measured.pages:
        assert page.queries > 0, page.label
        assert 0 < page.median_ms <= page.p95_ms, page.label
        assert page.requests == 2


def test_a_home_page_is_measured_where_it_lands(measured, world):
    manager_home = next(p for p in measured.pages if p.label == "Home: service manager")
    assert manager_home.url == f"/services/{world.service.pk}/"


def test_the_pdf_ratio_is_a_positive_number_and_the_pdf_has_pages(measured):
    assert measured.pdf.ratio > 0
    assert measured.pdf.pages >= 1
    assert measured.pdf.report_seconds > 0 and measured.pdf.weasyprint_seconds > 0


def test_the_table_lists_every_page_and_the_pdf_with_budgets(measured):
    table = bench.markdown(measured)
    for label in EXPECTED_PAGES:
        assert f"| {label} (`" in table
    assert "< 150 ms" in table
    assert "| Ratio |" in table and "< 1.2×" in table
    assert f"{measured.size['staff']:,} staff" in table


def test_a_cold_request_is_timed_after_every_cached_figure_is_forgotten(world):
    from core import figures

    page = bench.PageToMeasure(
        "Programme overview", f"/dashboard/programmes/{world.programme.pk}/", world.commissioner
    )
    version = figures.figures_version()
    result = bench.measure_page(page, repeats=1, warmups=0)
    assert figures.figures_version() > version
    assert result.cold_ms > 0
    results = bench.BenchResults("now", "db", False, [0.0], {"staff": 1}, {}, pages=[result])
    assert "Cold ms" in bench.markdown(results)


def test_a_page_that_is_not_200_fails_loudly(world):
    page = bench.PageToMeasure("Someone else's programme", "/programmes/99999/", world.nobody)
    with pytest.raises(bench.BenchError, match="answered 404"):
        bench.measure_page(page, repeats=1, warmups=0)


@pytest.mark.parametrize(
    ("values", "share", "expected"),
    [
        ([5.0], 0.95, 5.0),
        ([1.0, 2.0, 3.0, 4.0], 0.5, 2.0),
        (list(map(float, range(1, 21))), 0.95, 19.0),
    ],
)
def test_percentile_is_nearest_rank(values, share, expected):
    assert bench.percentile(values, share) == expected


def test_after_the_reminder_job_the_bench_puts_the_reminder_tables_back(world):
    """So that every bench measures a first run of the day, not a rerun."""
    from supervision import services
    from supervision.models import Reminder, ReminderDigest
    from tests import factories as f

    today = timezone.localdate()
    carried = f.ReminderFactory(recipient=world.practitioner)  # pending before the bench
    earlier = f.ReminderDigestFactory(recipient=world.line_manager, day=today)
    sent = f.ReminderFactory(recipient=world.line_manager, digest=earlier)

    state = bench.reminder_state(today)
    assert state.digests_today == 1
    services.reminder_digests_send(today=today)
    f.ReminderFactory(recipient=world.practitioner)  # as if the job had recorded it
    carried.refresh_from_db()
    assert carried.digest is not None

    bench.reminder_state_restore(state)

    assert set(Reminder.objects.values_list("pk", flat=True)) == {carried.pk, sent.pk}
    assert list(ReminderDigest.objects.values_list("pk", flat=True)) == [earlier.pk]
    carried.refresh_from_db()
    sent.refresh_from_db()
    assert carried.digest is None and carried.emailed_at is None
    assert sent.digest == earlier
