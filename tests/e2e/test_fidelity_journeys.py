"""Fidelity journeys 1–4 in real Chromium: the commissioner edits the reflection tool;
a practitioner reflects from My practice and asks for support; the line manager records
an observation the practitioner answers; the line manager acts on the support action."""

import re

import pytest
from django.utils import timezone

from fidelity import services
from fidelity.models import FidelityCheck, FidelityTool, SupportAction
from tests import factories as f

pytestmark = pytest.mark.browser


@pytest.fixture
def fidelity_world(world):
    """Standards (a check every 90 days), the six-item tool in use and the themes."""
    f.StandardsFactory(programme=world.programme, fidelity_check_interval_days=90)
    for name in ("Workload", "Time", "Confidence"):
        f.ChallengeThemeFactory(name=name)
    world.practitioner_staff.full_name = "Amira Hussain"
    world.practitioner_staff.save()
    world.tool = f.fidelity_tool_with_items(world.programme)
    return world


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(username)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def tap(page, group: str, choice: str):
    """Choose an answer the way a person does: tap its label inside the question's fieldset."""
    page.get_by_role("group", name=re.compile(group)).locator("label", has_text=choice).click()


def test_journey_1_a_commissioner_edits_the_tool_and_publishes_a_new_version(page, fidelity_world):
    world = fidelity_world
    check = f.FidelityCheckFactory(tool=world.tool, staff=world.practitioner_staff)
    sign_in(page, "commissioner@example.org")
    page.goto(f"/programmes/{world.programme.pk}/")
    page.get_by_role("link", name="Reflection tool").click()
    page.get_by_role("link", name="Edit the tool").click()
    page.get_by_label("Item 1: prompt").fill("The family could tell I was thinking about safety.")
    page.get_by_label("Item 7: principle").select_option("trust")
    page.get_by_label("Item 7: prompt").fill("I kept the promises I made.")
    page.get_by_role("button", name="Publish a new version").click()
    page.get_by_text("New checks use it from now on.").wait_for()
    new = FidelityTool.objects.get(programme=world.programme, in_use=True)
    assert new.version == 2 and new.items.count() == 7
    assert new.items.get(number=7).prompt == "I kept the promises I made."
    world.tool.refresh_from_db()
    assert not world.tool.in_use and world.tool.items.get(number=1).prompt == "Prompt 1"
    check.refresh_from_db()
    assert check.tool == world.tool  # the check keeps the version it used
    assert "I kept the promises I made." in page.content()


def test_journey_2_a_practitioner_reflects_from_my_practice_and_asks_for_support(
    page, fidelity_world
):
    world = fidelity_world
    sign_in(page, "practitioner@example.org")
    page.wait_for_url("**/my-practice/")
    page.get_by_role("link", name="Reflect now").click()
    for number, choice in enumerate(["Often", "Often", "Sometimes", "Often", "Consistently"], 1):
        tap(page, f"Prompt {number}", choice)
    tap(page, "Prompt 6", "Not yet")
    page.get_by_label("What got in the way").fill("Three new families this week.")
    tap(page, "Any of these themes", "Workload")
    tap(page, "Would support help", "Yes, support would help")
    page.get_by_role("button", name="Save reflection").click()
    page.get_by_text("A support action is now with the line manager.").wait_for()
    check = FidelityCheck.objects.get(staff=world.practitioner_staff)
    assert check.kind == "self" and check.support_wanted
    assert [t.name for t in check.themes.all()] == ["Workload"]
    assert check.mean_rating == pytest.approx((3 + 3 + 2 + 3 + 4 + 1) / 6)
    action = SupportAction.objects.get(check_record=check)
    assert action.owner == world.line_manager_staff
    assert "Three new families this week." in action.description
    # Back on My practice, the next reflection is due a cadence from today.
    page.goto("/my-practice/")
    reflections = page.locator("section", has=page.get_by_role("heading", name="Reflections"))
    assert timezone.localdate().strftime("%d/%m/%Y") in reflections.inner_text()


def test_journey_3_the_line_manager_records_an_observation_and_the_practitioner_responds(
    chromium, live_server, fidelity_world
):
    world = fidelity_world
    manager = chromium.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in(manager, "lm@example.org")
    manager.wait_for_url("**/team/")
    team = manager.locator("section", has=manager.get_by_role("heading", name="Team reflections"))
    team.get_by_role("link", name="Observe Amira Hussain").click()
    tap(manager, "How was it done", "In supervision")
    for number in range(1, 7):
        tap(manager, f"Prompt {number}", "Consistently" if number % 2 else "Often")
    manager.get_by_label("What went well").fill("You let the family set the agenda.")
    manager.get_by_role("button", name="Save reflection").click()
    manager.get_by_text("Saved: in supervision").wait_for()
    check = FidelityCheck.objects.get(staff=world.practitioner_staff)
    assert check.kind == "supervision" and check.completed_by == world.line_manager

    practitioner = chromium.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in(practitioner, "practitioner@example.org")
    practitioner.get_by_role("link", name="All reflections").click()
    practitioner.get_by_role("link", name=check.done_on.strftime("%d/%m/%Y")).click()
    assert "You let the family set the agenda." in practitioner.content()
    practitioner.get_by_role("link", name="Add your response").click()
    practitioner.get_by_label("Your response").fill("It helped to hear that. I will keep doing it.")
    practitioner.get_by_role("button", name="Save my response").click()
    practitioner.get_by_text("Your response is saved.").wait_for()
    check.refresh_from_db()
    assert check.response == "It helped to hear that. I will keep doing it."

    manager.reload()
    assert "It helped to hear that. I will keep doing it." in manager.content()
    manager.context.close()
    practitioner.context.close()


def test_journey_4_the_line_manager_sees_the_support_action_and_marks_it_done(page, fidelity_world):
    world = fidelity_world
    check = services.fidelity_check_record(
        staff=world.practitioner_staff,
        tool=world.tool,
        kind="self",
        by=world.practitioner,
        done_on=timezone.localdate(),
        ratings={item.pk: 2 for item in world.tool.items.all()},
        got_in_the_way="Court deadlines left no room for choices.",
        support_wanted=True,
    )
    action = SupportAction.objects.get(check_record=check)
    sign_in(page, "lm@example.org")
    page.wait_for_url("**/team/")
    page.get_by_role("link", name="Checks and support actions").click()
    page.get_by_role("link", name=re.compile("Court deadlines left no room")).click()
    page.get_by_role("textbox", name="What will help").fill(
        "Joint visit to plan choices within court time."
    )
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Support action saved.").wait_for()
    page.get_by_role("button", name="Mark as done").click()
    page.get_by_text("Marked done: support for Amira Hussain").wait_for()
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()
    assert action.description == "Joint visit to plan choices within court time."
