"""Reports in real Chromium: a commissioner from sign-in to a downloaded report in three
clicks, and a service manager's service view with its CSV download."""

import csv
import io
import subprocess

import pytest
from playwright.sync_api import expect

from reports.models import GeneratedReport
from tests import factories as f
from tests.reports.builders import build_programme_world

pytestmark = pytest.mark.browser


@pytest.fixture
def programme_world(world):
    return build_programme_world(world)


def test_commissioner_signs_in_and_downloads_the_report_in_three_clicks(
    page, programme_world, tmp_path
):
    w = programme_world
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(w.commissioner.username)
    page.get_by_label("Password").fill(f.PASSWORD)
    clicks = 0

    page.get_by_role("button", name="Sign in").click()  # 1: lands on the programmes
    clicks += 1
    page.get_by_role("link", name=f"Dashboard and report for {w.programme.name}").click()  # 2
    clicks += 1
    expect(page.get_by_role("heading", name=w.programme.name, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Risks")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the commissioning report (PDF)").click()  # 3
        clicks += 1
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    assert clicks == 3
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Programme commissioning report" in text
    assert GeneratedReport.objects.get().requested_by == w.commissioner


def test_service_manager_opens_their_service_view_and_downloads_a_table_as_csv(
    page, programme_world, tmp_path
):
    w = programme_world
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(w.service_manager.username)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Service dashboard and report").click()
    expect(page.get_by_role("heading", name=w.service.name, level=1)).to_be_visible()
    expect(page.get_by_text(f"Team of {w.line_manager_staff.full_name}").first).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV of Standards compliance by team").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "Standards compliance by team"
    assert rows[1][0] == "Measure"
    assert f"Team of {w.line_manager_staff.full_name}" in rows[1]
