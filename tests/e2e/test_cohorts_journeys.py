"""Journeys 5–7 in real Chromium: champion screening, cohort planning, staff import."""

import re

import pytest

from cohorts.models import Cohort, Membership, Screening, StaffMember
from tests import factories as f

from .a11y import describe_violations, run_axe

pytestmark = pytest.mark.browser


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(username)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def message(page) -> str:
    return page.locator(".messages").inner_text()


def test_journey_5_a_manager_screens_and_the_practitioner_reflects(page, world):
    sign_in(page, "lm@example.org")
    page.get_by_role("link", name="Screening", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Champion screening"
    name = world.practitioner_staff.full_name
    page.get_by_role("link", name=f"Screen {name} for {world.programme.name}").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Screen {name}"

    # Saving with nothing chosen: the error summary takes focus and names each field.
    page.get_by_role("button", name="Save screening").click()
    summary = page.locator("[data-error-summary]")
    assert "Choose a rating." in summary.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    report = run_axe(page, "screening form with every rating missing")
    assert not report.violations, describe_violations([report])

    for number, fieldset in enumerate(page.locator("fieldset.criterion").all()):
        rating = "3 – Consistently" if number < 3 else "2 – Often"
        fieldset.get_by_text(rating, exact=True).click()
        fieldset.get_by_role("textbox").fill(f"Seen in practice, example {number + 1}")
    page.get_by_label("Interested", exact=True).check()
    page.get_by_label("Already practising this way without the label").check()
    page.get_by_role("button", name="Save screening").click()
    assert f"Screening of {name} saved." in message(page)
    screening = Screening.objects.get(staff=world.practitioner_staff)
    assert screening.total_score == 13
    row = page.get_by_role("row", name=re.compile(name))
    assert "13/15" in row.inner_text()
    sign_out(page)

    sign_in(page, "practitioner@example.org")
    page.get_by_role("link", name="My screening").click()
    assert page.get_by_text("Seen in practice, example 4").is_visible()
    assert page.get_by_text("5 of 5 criteria met").is_visible()
    page.get_by_role("link", name=re.compile("Add your reflection")).click()
    page.get_by_label("Yes, I am interested").check()
    page.get_by_label("Your reflection").fill("I'd love to help colleagues try this.")
    page.get_by_role("button", name="Save my reflection").click()
    assert "Your reflection has been saved" in message(page)
    assert page.get_by_text("I'd love to help colleagues try this.").is_visible()


def test_journey_6_cohort_planning_within_the_places_agreed(page, world):
    f.AgreedAgreementFactory(participation=world.participation, cohort_places_per_wave=1)
    wave1 = f.CohortFactory(
        programme=world.programme, wave=1, name="Champions", status=Cohort.Status.RECRUITING
    )
    best, next_best = world.practitioner_staff, world.colleague_staff
    for staff, score in ((best, 14), (next_best, 9)):
        f.ScreeningFactory(
            staff=staff,
            programme=world.programme,
            total_score=score,
            practitioner_interest="interested",
        )

    # The service manager nominates the best match; a second nomination is over the places.
    sign_in(page, "sm@example.org")
    page.get_by_role("link", name="Cohorts").click()
    page.get_by_role("link", name="Wave 1: Champions").click()
    shortlist = page.locator("table.shortlist-table > tbody > tr")
    assert best.full_name in shortlist.nth(0).inner_text()
    assert next_best.full_name in shortlist.nth(1).inner_text()
    page.get_by_role("button", name=f"Nominate {best.full_name}").click()
    assert f"{best.full_name} nominated for Wave 1: Champions." in message(page)
    page.get_by_role("button", name=f"Nominate {next_best.full_name}").click()
    assert "has committed 1 place per wave and already has 1" in message(page)
    page.get_by_role("button", name=f"Confirm place for {best.full_name}").click()
    assert f"{best.full_name}'s place is confirmed." in message(page)
    sign_out(page)

    # The commissioner starts wave 1's training and plans wave 2; they see counts, not names.
    sign_in(page, "commissioner@example.org")
    page.get_by_role("link", name="Cohorts").click()
    page.get_by_role("link", name="Wave 1: Champions").click()
    assert best.full_name not in page.locator("main").inner_text()
    page.get_by_role("link", name="Change this wave").click()
    page.get_by_label("Status").select_option(label="In training")
    page.get_by_role("button", name="Save changes").click()
    assert "Wave 1: Champions updated." in message(page)
    page.get_by_role("link", name="← Cohorts").click()
    page.get_by_role("link", name=re.compile("Plan a wave")).click()
    assert page.get_by_label("Wave number").input_value() == "2"
    page.get_by_label("Name").fill("Widening out")
    page.get_by_label("Planned places (whole cohort)").fill("20")
    page.get_by_label("Training starts").fill("15/01/2027")
    page.get_by_label("Training ends").fill("26/02/2027")
    page.get_by_role("button", name="Plan this wave").click()
    assert "Wave 2: Widening out planned." in message(page)
    sign_out(page)

    # Wave 2 is planned while wave 1 trains: its own places, and wave 1 moves on.
    sign_in(page, "sm@example.org")
    page.get_by_role("link", name="Cohorts").click()
    page.get_by_role("link", name="Wave 2: Widening out").click()
    assert best.full_name not in page.locator("#shortlist").inner_text()
    page.get_by_role("button", name=f"Nominate {next_best.full_name}").click()
    assert f"{next_best.full_name} nominated for Wave 2: Widening out." in message(page)
    page.get_by_role("link", name="← Cohorts").click()
    page.get_by_role("link", name="Wave 1: Champions").click()
    page.get_by_role("button", name=re.compile(f"Mark as trained.*{best.full_name}")).click()
    assert f"{best.full_name} is recorded as trained." in message(page)
    page.get_by_text(f"Withdraw {best.full_name}").click()
    page.get_by_label(f"Reason for withdrawing {best.full_name}").fill("Moved to another team")
    page.get_by_role("button", name="Withdraw from this wave").click()
    assert f"{best.full_name} has been withdrawn from Wave 1: Champions." in message(page)
    assert Membership.objects.get(cohort=wave1).withdrawn_reason == "Moved to another team"


def test_journey_7_a_service_manager_imports_the_staff_list(page, world, tmp_path):
    existing = world.colleague_staff
    wrong = tmp_path / "wrong.csv"
    wrong.write_bytes(b"Name,Mail\nSam,sam@example.org\n")
    good = tmp_path / "hr-export.csv"
    rows = [
        "full_name,email,job_title,role,service,line_manager_email,start_date,newly_qualified",
        f"Zoë Brontë,zoe.bronte@example.org,Family practitioner,,{world.service.name},"
        f"{world.line_manager_staff.email},01/09/2025,yes",
        f"{existing.full_name},{existing.email.upper()},Senior family practitioner,,"
        f"{world.service.name},,{existing.start_date:%d/%m/%Y},no",
    ]
    good.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))  # Excel on Windows

    sign_in(page, "sm@example.org")
    page.get_by_role("link", name="Screening", exact=True).click()
    page.get_by_role("link", name="Import staff from a file").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Template (CSV)").click()
    assert download.value.suggested_filename == "launchpad-staff-template.csv"

    page.get_by_label(re.compile("Staff list")).set_input_files(str(wrong))
    page.get_by_role("button", name="Upload and preview").click()
    assert "missing these columns" in page.locator("[data-error-summary]").inner_text()

    page.get_by_label(re.compile("Staff list")).set_input_files(str(good))
    page.get_by_role("button", name="Upload and preview").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check the staff import"
    assert page.get_by_text("Zoë Brontë").is_visible()
    report = run_axe(page, "staff import preview")
    assert not report.violations, describe_violations([report])
    assert (
        "Job title: Family practitioner → Senior family practitioner"
        in page.locator("#updated-heading + div").inner_text()
    )
    assert not StaffMember.objects.filter(email="zoe.bronte@example.org").exists()
    page.get_by_role("button", name="Confirm and import 2 changes").click()
    assert "Staff list imported: 1 new, 1 updated." in message(page)
    zoe = StaffMember.objects.get(email="zoe.bronte@example.org")
    assert zoe.line_manager == world.line_manager_staff and zoe.newly_qualified

    # The same export again changes nothing and duplicates no one.
    count = StaffMember.objects.count()
    page.get_by_role("link", name="Import staff from a file").click()
    page.get_by_label(re.compile("Staff list")).set_input_files(str(good))
    page.get_by_role("button", name="Upload and preview").click()
    assert page.get_by_text("Everyone in this file is already up to date").is_visible()
    assert StaffMember.objects.count() == count
