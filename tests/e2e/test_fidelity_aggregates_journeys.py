"""Fidelity journeys 5–6 in real Chromium: the commissioner reads a programme's fidelity
aggregates with small groups suppressed and explained; the service manager downloads a
table as CSV with the same suppression."""

import csv
import datetime as dt
import io
import re

import pytest
from django.utils import timezone

from fidelity.models import ChallengeTheme
from tests import factories as f
from tests.fidelity.aggregate_builders import reflect, team, tool_for

pytestmark = pytest.mark.browser

WORDS = "Back-to-back visits meant I arrived rushed."


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(username)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.fixture
def reflecting(world):
    """Three services reflecting in the world's programme (threshold 5): the world's with a
    team of 6 and the line manager's 2, "Harbour" with 7, and "Small" with 3."""
    f.StandardsFactory(
        programme=world.programme, small_number_threshold=5, fidelity_check_interval_days=56
    )
    tool, items = tool_for(world.programme)
    workload = ChallengeTheme.objects.get_or_create(name="Workload")[0]
    today = timezone.localdate()
    harbour, small = f.ServiceFactory(name="Harbour"), f.ServiceFactory(name="Small")
    for service in (harbour, small):
        f.ParticipationFactory(programme=world.programme, service=service)
    people = []
    for service, size, prefix in (
        (world.service, 6, "North"),
        (harbour, 7, "Harbour"),
        (small, 3, "Small"),
    ):
        _, members = team(service, size, prefix=prefix)
        people += members
    people += [world.practitioner_staff, world.colleague_staff]
    for n, person in enumerate(people):
        for days, score in ((120, 3), (60, 3 + n % 2)):
            reflect(
                person,
                tool,
                items,
                [score, 2],
                today - dt.timedelta(days=days),
                got_in_the_way=WORDS,
                themes=[workload],
            )
    return people


def test_journey_5_commissioner_sees_programme_aggregates_with_a_small_service_suppressed(
    page, world, reflecting
):
    sign_in(page, world.commissioner.username)
    page.goto(f"/programmes/{world.programme.pk}/")
    page.get_by_role("link", name="See fidelity across services").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Fidelity across services"

    table = page.get_by_role("table", name="Mean rating per principle")
    headers = table.get_by_role("columnheader").all_inner_texts()
    services = sorted(["Harbour", world.service.name, "Small"])
    assert headers == ["Principle", *services, "All services"]
    safety = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Safety"))
    cells = dict(zip(headers[1:], safety.get_by_role("cell").all_inner_texts(), strict=True))
    # The world's service (8 people) is shown; Small (3) is not, and Harbour (7, the next
    # smallest) is hidden as its complement, so Small's cannot be worked out from the total.
    assert "(Often)" in cells[world.service.name] or "(Sometimes)" in cells[world.service.name]
    assert cells["Small"].startswith("Not shown")
    assert cells["Harbour"].startswith("Not shown")
    assert "(" in cells["All services"] and not cells["All services"].startswith("Not shown")

    notes = page.get_by_role("region", name="Why some figures are not shown").inner_text()
    assert "fewer than 5 people, who could be identified" in notes
    assert "cannot be worked out from the total" in notes
    signals = page.get_by_role("region", name="Signals: where support may help").inner_text()
    assert "Small" in signals and "fewer than 5 people reflect" in signals
    assert "“Workload” came up in reflections" in signals
    body = page.locator("main").inner_text()
    assert WORDS not in body
    for person in reflecting:
        assert person.full_name not in body


def test_journey_6_service_manager_downloads_the_csv_with_suppression_applied(
    page, world, reflecting
):
    sign_in(page, world.service_manager.username)
    page.get_by_role("link", name="My service").click()
    page.get_by_role("link", name="See fidelity in this service").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Fidelity in this service"

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download.*Mean rating per principle")).click()
    assert download.value.suggested_filename.endswith(".csv")
    assert "fidelity-principles" in download.value.suggested_filename
    content = open(download.value.path(), encoding="utf-8").read()
    rows = list(csv.reader(io.StringIO(content)))
    header = rows[0]
    assert header[0] == "Mean rating per principle"
    manager_team = f"{world.line_manager_staff.full_name}'s team"
    assert manager_team in header and "North Manager's team" in header
    safety = dict(zip(header, next(r for r in rows if r[0] == "Safety"), strict=True))
    # The line manager's team has two people: not shown; so the other team is hidden too.
    assert safety[manager_team].startswith("Not shown (note")
    assert safety["North Manager's team"].startswith("Not shown (note")
    assert "(" in safety[world.service.name] and "Not shown" not in safety[world.service.name]
    assert WORDS not in content
    for person in reflecting:
        assert person.full_name not in content
