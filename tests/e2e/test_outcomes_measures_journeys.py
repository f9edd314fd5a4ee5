"""Outcomes journeys 1–3 in real Chromium: define a measure by importing YAML, attach
pre/post points to the programme, and complete a measure on a phone-sized screen."""

import re

import pytest
from playwright.sync_api import expect

from outcomes.models import Measure, MeasurementPoint, MeasureResponse, ResponseDraft
from tests import factories as f
from tests.outcomes.builders import open_pre_point
from tests.outcomes.test_measures_definitions import GOOD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(username)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def upload(page, name: str, text: str):
    page.get_by_label("Definition file").set_input_files(
        {"name": name, "mimeType": "application/yaml", "buffer": text.encode()}
    )
    page.get_by_role("button", name="Import as a draft").click()
    page.wait_for_load_state()


def test_journey_1_import_a_measure_fix_it_publish_and_version(page, world):
    sign_in(page, "commissioner@example.org")
    page.get_by_role("link", name="Measures").click()
    page.get_by_role("link", name="Add a measure").click()

    broken = GOOD.replace("{id: 3,", "{id: 2,").replace("min: 1\n  max: 4", "min: 4\n  max: 4")
    upload(page, "broken.yaml", broken)
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Item id 2 is used more than once.")
    expect(summary).to_contain_text("The scale's min (4) must be less than its max (4).")
    assert not Measure.objects.exists()

    upload(page, "fixed.yaml", GOOD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice confidence (test)")
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("is published")).to_be_visible()
    measure = Measure.objects.get(version="1")
    assert measure.is_published

    page.get_by_role("button", name="Make a new version").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change the draft")
    definition = page.get_by_label("Definition")
    expect(definition).to_have_value(re.compile(r"version: ['\"]2['\"]"))
    changed = definition.input_value().replace("I offer families choices.", "I offer choices.")
    definition.fill(changed)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("I offer choices.")).to_be_visible()
    second = Measure.objects.get(version="2")
    assert second.status == "draft" and second.items.get(number=3).text == "I offer choices."
    measure.refresh_from_db()
    assert measure.items.get(number=3).text == "I offer families choices."


def test_journey_2_attach_pre_and_post_points(page, world):
    measure = f.MeasureFactory(name="Practice confidence (test)")
    f.MeasureFactory(name="Unfinished draft", status="draft")
    sign_in(page, "commissioner@example.org")
    page.goto(f"/programmes/{world.programme.pk}/")
    page.get_by_role("link", name="Measurement points").click()
    expect(page.get_by_text("No measurement points yet.")).to_be_visible()
    options = page.locator("#id_measure option").all_inner_texts()
    assert "Unfinished draft (v1)" not in options

    for kind, label, anchor, opens in (
        ("pre", "Before training", "start", "-21"),
        ("post", "Six weeks after training", "end", "42"),
    ):
        # The labels end in crispy's "*" for required fields, so find them by id.
        page.locator("#id_measure").select_option(label=str(measure))
        page.locator("#id_kind").select_option(kind)
        page.locator("#id_label").fill(label)
        page.locator("#id_anchor").select_option(anchor)
        page.locator("#id_opens_after_days").fill(opens)
        page.get_by_role("button", name="Add point").click()
        expect(page.get_by_text(f"“{label}” added")).to_be_visible()

    rows = page.locator("#points-heading + .table-responsive tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("21 days before training start")
    points = MeasurementPoint.objects.filter(programme=world.programme).order_by("opens_after_days")
    assert [(p.kind, p.opens_after_days) for p in points] == [("pre", -21), ("post", 42)]


def test_journey_3_complete_a_measure_on_a_phone(chromium, live_server, world):
    opened = open_pre_point(world)
    context = chromium.new_context(base_url=live_server.url, locale="en-GB", viewport=PHONE)
    page = context.new_page()
    sign_in(page, "practitioner@example.org")
    page.wait_for_url("**/my-practice/")
    page.get_by_role("link", name="Practice confidence (test)").click()
    group = page.get_by_role("group", name="1. Statement 1")
    expect(group).to_be_visible()  # the form has loaded: measure its width, not the old page's
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    group.get_by_label("Often").check()
    page.get_by_role("group", name="2. Statement 2").get_by_label("Rarely").check()
    page.get_by_role("button", name="Save and finish later").click()
    page.wait_for_url("**/my-practice/")
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    assert ResponseDraft.objects.get().answers == {"1": 4, "2": 2}

    # Later: carry on where they left off.
    page.get_by_role("link", name="Practice confidence (test)").click()
    expect(page.get_by_role("group", name="1. Statement 1").get_by_label("Often")).to_be_checked()
    second_tab = context.new_page()
    second_tab.goto(page.url)
    for number, answer in ((3, "Often"), (4, "Always"), (5, "Sometimes")):
        page.get_by_role("group", name=f"{number}. Statement {number}").get_by_label(answer).check()
    page.get_by_role("button", name="Finish and send").click()
    expect(page.get_by_role("heading", name="Your score")).to_be_visible()
    expect(page.locator("#own-score")).to_have_text("4")
    expect(page.get_by_role("button", name="Finish and send")).to_have_count(0)

    # The same form left open in another tab cannot send it again.
    for number in range(1, 6):
        second_tab.get_by_role("group", name=f"{number}. Statement {number}").get_by_label(
            "Sometimes"
        ).check()
    second_tab.get_by_role("button", name="Finish and send").click()
    expect(second_tab.get_by_text("already completed this measure")).to_be_visible()
    response = MeasureResponse.objects.get()
    assert response.score == 4.0 and response.measure == opened.measure
    context.close()
