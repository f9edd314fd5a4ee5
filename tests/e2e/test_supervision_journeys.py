"""Journeys 3–6 in real Chromium: log supervision, the team view, CPD, reminders."""

import datetime as dt
import re
import time

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from supervision import services
from supervision.models import CpdActivity, Reminder, SupervisionSession
from tests import factories as f
from tests.supervision.builders import add_standards

pytestmark = pytest.mark.browser


@pytest.fixture
def team_world(world):
    """The world's programme with standards; the practitioner last supervised 40 days ago."""
    add_standards(world.programme)
    head = f.StaffMemberFactory(service=world.service, full_name="Hana Head")
    world.line_manager_staff.line_manager = head
    world.line_manager_staff.save()
    world.practitioner.first_name, world.practitioner.last_name = "Amira", "Hussain"
    world.practitioner.save()
    world.practitioner_staff.full_name = "Amira Hussain"
    world.practitioner_staff.save()
    today = timezone.localdate()
    f.SupervisionSessionFactory(
        supervisee=world.practitioner_staff,
        supervisor=world.line_manager_staff,
        held_on=today - dt.timedelta(days=40),
    )
    return world


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(username)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def cadence_row(page, label):
    return page.locator("#cadence tr", has=page.get_by_role("rowheader", name=label))


def test_journey_3_log_supervision_in_seconds_and_the_supervisor_confirms(
    chromium, live_server, team_world
):
    world = team_world
    today = timezone.localdate()
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    sign_in(page, "practitioner@example.org")
    started = time.monotonic()
    page.wait_for_url("**/my-practice/")
    assert "Overdue" in cadence_row(page, "Line management").inner_text()
    page.evaluate("window.stillTheSamePage = true")
    # Everything but the concern and the wellbeing check is already right.
    page.get_by_label("My wellbeing was checked").check()
    page.get_by_label("Vicarious-trauma concern").select_option("high")
    page.get_by_role("button", name="Save session").click()
    page.get_by_text("Saved: line management supervision").wait_for()
    elapsed = time.monotonic() - started
    assert elapsed < 30, f"logging took {elapsed:.1f} s"
    # htmx: no reload, the cadence updated in place, focus on the confirmation.
    assert page.evaluate("window.stillTheSamePage === true")
    row = cadence_row(page, "Line management").inner_text()
    assert today.strftime("%d/%m/%Y") in row and "On track" in row
    expect(page.locator("#log-status .alert")).to_be_focused()
    assert "Your supervisor has been asked to check in with you today." in page.content()
    session = SupervisionSession.objects.get(held_on=today)
    assert session.supervisor == world.line_manager_staff and session.wellbeing_checked
    context.close()

    # The supervisor was prompted the same day, and confirms the session from the team view.
    assert Reminder.objects.filter(recipient=world.line_manager, kind="concern").exists()
    assert [m.to for m in mail.outbox] == [[world.line_manager.email]]
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    sign_in(page, "lm@example.org")
    page.wait_for_url("**/team/")
    assert "marked a significant vicarious-trauma concern" in page.get_by_role("alert").inner_text()
    item = page.locator(f"#session-{session.pk}")
    item.get_by_role("button", name=re.compile("^Confirm")).click()
    page.locator(f"#session-{session.pk}").get_by_text("Confirmed").wait_for()
    session.refresh_from_db()
    assert session.affirmed_by == world.line_manager
    page.goto("/notifications/")
    assert "Please check in with them today." in page.content()
    context.close()


def test_journey_3_works_without_javascript(chromium, live_server, team_world):
    context = chromium.new_context(
        base_url=live_server.url, locale="en-GB", java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, "practitioner@example.org")
    page.goto("/my-practice/")
    page.get_by_label("Type").select_option("reflective")
    page.get_by_label("Minutes").fill("75")
    page.get_by_role("button", name="Save session").click()
    page.wait_for_url("**/my-practice/")
    assert "Saved: reflective supervision" in page.get_by_role("status").first.inner_text()
    assert "On track" in cadence_row(page, "Reflective").inner_text()
    context.close()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("Date", "future", "The date is in the future"),
        ("Minutes", "0", "Enter a length from 5 minutes to 8 hours"),
        ("Minutes", "1200", "Enter a length from 5 minutes to 8 hours"),
    ],
)
def test_journey_3_bad_input_is_explained_and_nothing_saved(
    chromium, live_server, team_world, field, value, message
):
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    sign_in(page, "practitioner@example.org")
    page.goto("/my-practice/")
    if value == "future":
        value = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    page.get_by_label(field).fill(value)
    page.get_by_role("button", name="Save session").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()  # htmx swapped it in; it takes focus to be heard
    assert message in summary.inner_text()
    assert SupervisionSession.objects.count() == 1  # only the one from 40 days ago
    context.close()


def test_journey_4_the_team_view(page, team_world):
    world = team_world
    f.CpdActivityFactory(staff=world.colleague_staff, hours=12)
    sign_in(page, "lm@example.org")
    page.wait_for_url("**/team/")
    table = page.get_by_role("table", name="Your reports' supervision by type and CPD pace")
    amira = table.get_by_role("row", name=re.compile("Amira Hussain")).inner_text()
    assert "Overdue" in amira and "Behind pace" in amira
    panel = page.get_by_role("region", name="Your development as a line manager").inner_text()
    assert "Trauma-informed line-manager training" in panel and "Not yet" in panel
    assert "Reflective share of the supervision you give" in panel
    assert "Wellbeing checked in your team's supervision" in panel
    assert "Not shown" in panel  # a team of two: fewer than five people
    compliance = page.get_by_role("region", name="Your team against the standards").inner_text()
    assert "CPD on pace" in compliance


def test_journey_5_record_cpd_with_an_outdated_resource(page, team_world):
    world = team_world
    f.ResourceFactory(
        organisation=world.programme.commissioning_organisation,
        title="Old attachment guide",
        last_reviewed=dt.date(2024, 1, 1),
        review_by=dt.date(2025, 1, 1),
    )
    sign_in(page, "practitioner@example.org")
    page.goto("/my-practice/")
    page.get_by_role("link", name="Record CPD").click()
    page.get_by_label("Type of activity").select_option("course")
    page.get_by_label("Title").fill("Working with shame")
    page.get_by_role("spinbutton", name="Hours").fill("-2")
    page.get_by_label("What I learned").fill("Shame shuts conversations down.")
    page.get_by_label("Impact on my practice").fill("I name it, gently.")
    page.get_by_label("I reflected on this with peers").check()
    page.get_by_label("Resource from the library").select_option(
        label="Old attachment guide – outdated: review was due 01/01/2025"
    )
    page.get_by_role("button", name="Save activity").click()
    summary = page.locator("[data-error-summary]").inner_text()
    assert "Enter the hours it took: more than 0." in summary
    assert "is past its review date" in summary
    assert not CpdActivity.objects.exists()

    page.get_by_role("spinbutton", name="Hours").fill("2.5")
    page.get_by_label(re.compile("even though it is past its review date")).check()
    page.get_by_role("button", name="Save activity").click()
    page.wait_for_url("**/my-practice/")
    assert "CPD recorded: Working with shame (2.5 hours)." in page.content()
    cpd = page.get_by_role("region", name="CPD this registration year").inner_text()
    assert "2.5" in cpd and "of 30" in cpd and "1 of 2" in cpd
    assert CpdActivity.objects.get().resource.title == "Old attachment guide"


def test_journey_6_reminders_in_app_and_by_email(page, team_world):
    world = team_world
    run = services.reminders_run_daily()
    assert run.digests == 2  # the practitioner and the line manager
    email = next(m for m in mail.outbox if m.to == [world.practitioner.email])
    html = email.alternatives[0][0]
    assert "/my-practice/" in email.body and 'href="http://127.0.0.1:8000/my-practice/"' in html

    sign_in(page, "practitioner@example.org")
    page.get_by_role("link", name="Notifications", exact=True).click()
    reminders = page.locator(".reminder")
    assert reminders.count() >= 2
    assert "Your line management supervision was due on" in page.content()
    overdue = page.locator(".reminder", has_text="line management supervision was due")
    overdue.get_by_role("link", name=re.compile("^Go to it")).click()
    page.wait_for_url("**/my-practice/")
    page.go_back()
    before = page.locator(".reminder").count()
    page.locator(".reminder").first.get_by_role("button", name=re.compile("^Dismiss")).click()
    expect(page.locator(".reminder")).to_have_count(before - 1)
    page.get_by_label("Email me a daily digest").uncheck()
    page.get_by_role("button", name="Save", exact=True).click()
    assert "Email digests are off." in page.get_by_role("status").first.inner_text()


def test_log_a_supervision_session_with_the_keyboard_alone(page, team_world):
    """Issue 3's keyboard journey: every step a key press, focus visible at every stop."""
    from tests.e2e.a11y import focus_is_visible
    from tests.e2e.test_keyboard import skip_to_main, tab_to

    page.goto("/accounts/login/")
    skip_to_main(page)
    tab_to(page, "#id_username")
    page.keyboard.type("practitioner@example.org")
    tab_to(page, "#id_password")
    page.keyboard.type(f.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/my-practice/")
    skip_to_main(page)
    for _ in range(80):
        page.keyboard.press("Tab")
        assert focus_is_visible(page), page.evaluate("document.activeElement.outerHTML")
        active = page.evaluate("[document.activeElement.id, document.activeElement.innerText]")
        if active[0] == "id_minutes":
            page.keyboard.press("Control+A")
            page.keyboard.type("60")
        if active[1].strip() == "Save session":
            break
    else:
        pytest.fail("Tab never reached the Save session button")
    page.keyboard.press("Enter")
    page.get_by_text("Saved: line management supervision").wait_for()
    session = SupervisionSession.objects.get(
        supervisee=team_world.practitioner_staff, held_on=timezone.localdate()
    )
    assert session.minutes == 60
