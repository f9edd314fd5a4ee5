"""Standards and the resource library, end to end in Chromium: one test per journey.

1. A commissioner reads the programme's standards in plain English, changes them with an
   overlapping cadence rule first (refused, said plainly), then fixes it.
2. A service manager adds a resource (review-by before last reviewed first), and an
   outdated one is flagged with the share current at the top.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone

from commissioning.models import Standards
from tests import factories as f

from .test_commissioning_journeys import h1, message, sign_in

pytestmark = pytest.mark.browser


def test_standards_journey_commissioner_changes_the_cadence(page, world):
    sign_in(page, world.commissioner.username)
    page.goto(f"/programmes/{world.programme.pk}/")
    page.get_by_role("link", name="Standards", exact=True).click()
    assert h1(page) == "Professional standards"
    assert (
        "Newly qualified staff: line management weekly for their first 6 weeks, "
        "fortnightly to 26 weeks, then monthly." in page.locator("main").inner_text()
    )

    page.get_by_role("link", name="Change standards").click()
    assert h1(page) == "Change the standards"
    page.get_by_label(re.compile(r"^\s*Minimum session length")).fill("60")
    rows = page.locator("tr.cadence-rule")
    new = rows.last  # the empty row for a new rule
    new.get_by_label(re.compile("^Supervision type")).select_option("line_management")
    new.get_by_label(re.compile("^From week")).fill("4")
    new.get_by_label(re.compile("^Every")).fill("10")
    page.get_by_role("button", name="Save standards").click()
    assert "overlaps" in page.locator("#cadence-errors").inner_text()

    page.locator("tr.cadence-rule").last.get_by_label(re.compile("^Remove")).check()
    page.get_by_role("button", name="Save standards").click()
    assert "Standards saved" in message(page)
    assert "at least 60 minutes" in page.locator("main").inner_text()
    assert Standards.objects.get(programme=world.programme).min_session_minutes == 60


def test_resource_journey_add_and_outdated_flag(page, world):
    today = timezone.localdate()
    f.ResourceFactory(
        organisation=world.programme.commissioning_organisation,
        title="Old practice guide",
        last_reviewed=today - dt.timedelta(days=500),
        review_by=today - dt.timedelta(days=5),
    )
    sign_in(page, world.service_manager.username)
    page.goto("/resources/")
    assert h1(page) == "Resource library"
    old = page.get_by_role("row").filter(has_text="Old practice guide")
    assert "Outdated" in old.inner_text()
    assert "0%" in page.locator("#resource-share").inner_text()

    page.get_by_role("link", name="Add a resource").click()
    page.get_by_label(re.compile(r"^\s*Title")).fill("Reflective supervision toolkit")
    page.get_by_label(re.compile(r"^\s*Evidence level")).select_option("guidance")
    page.get_by_label(re.compile(r"^\s*Source")).fill("Research in Practice")
    page.get_by_label(re.compile(r"^\s*Owner")).fill("Workforce team")
    page.get_by_label(re.compile(r"^\s*Last reviewed")).fill(today.isoformat())
    page.get_by_label(re.compile(r"^\s*Review by")).fill((today - dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Save resource").click()
    assert (
        "on or after the date it was last reviewed"
        in page.locator("[data-error-summary]").inner_text()
    )
    page.get_by_label(re.compile(r"^\s*Review by")).fill(
        (today + dt.timedelta(days=365)).isoformat()
    )
    page.get_by_role("button", name="Save resource").click()
    assert "saved in the resource library" in message(page)
    new = page.get_by_role("row").filter(has_text="Reflective supervision toolkit")
    assert "Outdated" not in new.inner_text()
    assert "50%" in page.locator("#resource-share").inner_text()
