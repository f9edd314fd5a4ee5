"""Service indicators and impact, end to end in Chromium: one test per journey.

4. A service manager records this month's placement moves, then uploads history as CSV:
   first with mistakes (each reported by row, nothing saved), then corrected.
5. A commissioner opens the programme's impact page from the programme page and finds
   the figures, the chart with its table, the method note and a suppressed service's
   explanation.
"""

import pytest
from django.utils import timezone

from outcomes import impact
from outcomes.models import IndicatorValue, ServiceIndicator
from tests import factories as f
from tests.outcomes.test_impact import A_SCORES, B_SCORES, C_SCORES, measure_setup, pairs_in

from .test_commissioning_journeys import h1, message, sign_in

pytestmark = pytest.mark.browser


def test_indicator_journey_record_then_upload_history(page, world):
    moves = ServiceIndicator.objects.create(
        service=world.service,
        name="Placement moves",
        unit="moves a month",
        higher_is_better=False,
        baseline_value=6,
        baseline_period="2025–26 Q4",
    )
    this_month = timezone.localdate().replace(day=1)
    sign_in(page, world.service_manager.username)
    page.goto(f"/services/{world.service.pk}/")
    page.get_by_role("link", name="Service indicators").click()
    assert h1(page) == "Service indicators"

    page.get_by_role("link", name="Record a value for Placement moves").click()
    page.get_by_label("Period starting").fill(this_month.isoformat())
    page.get_by_label("Value").fill("4")
    page.get_by_role("button", name="Record").click()
    assert "Placement moves: 4 recorded" in message(page)
    assert "lower than the baseline: better" in page.locator("main").inner_text()

    page.get_by_role("link", name="Upload history (CSV)").click()
    bad = "indicator,period_start,value\nPlacement moves,2026-01-01,5\nComplaints,2026-02-01,x\n"
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "history.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
    )
    page.get_by_role("button", name="Upload").click()
    summary = page.locator("[data-error-summary]").inner_text()
    assert "Row 3: “Complaints” is not one of this service's indicators" in summary
    assert "“x” is not a number" in summary
    assert IndicatorValue.objects.filter(indicator=moves).count() == 1  # nothing saved

    good = "indicator,period_start,value\nPlacement moves,2026-01-01,5\nPlacement moves,2026-02,7\n"
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "history.csv", "mimeType": "text/csv", "buffer": good.encode()}]
    )
    page.get_by_role("button", name="Upload").click()
    assert "2 figures saved (2 new, 0 replaced)" in message(page)
    assert IndicatorValue.objects.filter(indicator=moves).count() == 3
    assert page.locator("svg.chart").count() == 1


def test_impact_journey_commissioner_reads_the_programme_impact(page, world):
    setup = measure_setup(world.programme)
    bravo = f.ServiceFactory(name="Bravo team")
    charlie = f.ServiceFactory(name="Charlie team")
    for service in (bravo, charlie):
        f.ParticipationFactory(programme=world.programme, service=service)
    pairs_in(world.service, setup, A_SCORES)
    pairs_in(bravo, setup, B_SCORES)
    pairs_in(charlie, setup, C_SCORES)

    sign_in(page, world.commissioner.username)
    page.goto(f"/programmes/{world.programme.pk}/")
    page.get_by_role("link", name="See the impact of this programme").click()
    assert h1(page) == f"Impact: {world.programme.name}"
    main = page.locator("main")

    def fact(label: str) -> str:
        row = main.locator("dl.impact-facts > div").filter(has=page.locator("dt", has_text=label))
        return row.first.locator("dd").inner_text()

    assert fact("Matched pairs") == "13"
    assert fact("Completeness") == "100% (13 of 13)"
    assert fact("Reliably improved") == "6 (46%)"
    assert fact("Mean change").startswith("+0.")

    chart = main.locator("svg.chart").first
    assert chart.is_visible()
    page.get_by_text("Show the figures as a table").first.click()
    assert main.locator("details.chart-data table").first.is_visible()

    page.get_by_text("How this is calculated").click()
    note = main.locator("details.method-note").inner_text()
    assert "S_diff = √2 × SD × √(1 − r)" in note and "1.96" in note

    table = main.locator("table.impact-table").inner_text()
    assert impact.too_few_reason(5) in table  # Charlie: 2 pairs
    assert impact.COMPLEMENTARY_REASON in table  # Bravo: would give Charlie away
