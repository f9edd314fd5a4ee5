"""manage.py bench's logic on a small world: every page measured, the PDF compared.

Timings are not asserted against budgets here (DESIGN.md §7: budgets are measured by
benchmarks, not timed tests); only that each figure exists and is sensible.
"""

import pytest
from django.utils import timezone

from core import bench
from tests import factories as f
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
    pdf = measured.pdfs[0]
    assert pdf.ratio > 0
    assert pdf.pages >= 1
    assert pdf.report_seconds > 0 and pdf.weasyprint_seconds > 0
    assert pdf.programme.endswith(f"(id {measured_programme_id(measured)})")


def measured_programme_id(measured) -> int:
    return int(measured.subjects["programme"].rsplit("id ", 1)[1].rstrip(")"))


def test_the_seconds_budget_is_judged_only_for_a_programme_of_about_5000_staff():
    def result(staff, seconds):
        return bench.PdfResult("P", staff, 10, seconds, seconds, 1, 100)

    assert result(5_300, 2.5).seconds_budget_applies and result(5_300, 2.5).passed
    assert not result(5_300, 3.5).passed  # in the budget's range and too slow
    assert not result(24_000, 9.0).seconds_budget_applies
    assert result(24_000, 9.0).passed  # judged on its ratio alone
    assert not result(900, 1.0).seconds_budget_applies


def test_the_report_is_also_made_for_the_programme_nearest_5000_staff(world):
    from commissioning.models import Programme

    other = f.ProgrammeFactory()
    f.ParticipationFactory(programme=other, service=world.service)
    subjects = bench.find_subjects(programme_id=world.programme.pk)
    nearest = bench.programme_nearest(5_000)
    chosen = [programme.pk for programme, _ in bench.pdf_programmes(subjects)]
    assert chosen[0] == world.programme.pk
    assert nearest is not None and nearest.pk in chosen
    assert Programme.objects.filter(pk__in=chosen).count() == len(set(chosen))


def test_the_table_lists_every_page_and_the_pdf_with_budgets(measured):
    table = bench.markdown(measured)
    for label in EXPECTED_PAGES:
        assert f"| {label} (`" in table
    assert "< 150 ms" in table
    assert "Ratio (budget < 1.2×)" in table and "| Seconds budget |" in table
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


def test_a_change_elsewhere_is_a_session_outside_the_programme_and_is_removed(world):
    from supervision.models import SupervisionSession

    other_service = f.ServiceFactory()
    f.ParticipationFactory(service=other_service)  # another programme's service
    head = f.StaffMemberFactory(service=other_service)
    outsider = f.StaffMemberFactory(service=other_service, line_manager=head)
    before = SupervisionSession.objects.count()
    with bench.a_change_elsewhere(world.programme) as changed:
        assert changed
        made = SupervisionSession.objects.exclude(
            supervisee__service__participations__programme=world.programme
        ).get(supervisee=outsider)
        assert made.held_on == timezone.localdate()
    assert SupervisionSession.objects.count() == before

    page = bench.PageToMeasure(
        "Programme overview", f"/dashboard/programmes/{world.programme.pk}/", world.commissioner
    )
    result = bench.measure_page(page, repeats=1, warmups=0, elsewhere=world.programme)
    assert result.elsewhere_ms is not None and result.elsewhere_ms > 0
    assert SupervisionSession.objects.count() == before
    results = bench.BenchResults("now", "db", False, [0.0], {"staff": 1}, {}, pages=[result])
    assert "After a change elsewhere ms" in bench.markdown(results)


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
