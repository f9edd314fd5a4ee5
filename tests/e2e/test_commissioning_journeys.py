"""Stages 1 and 2, end to end in Chromium: one test per journey.

1. A commissioner sets up a programme, adds a service and invites its manager, who
   accepts the invitation and lands on the service's page.
2. The service manager co-commissions: records the workforce snapshot, pressures and
   expectations (bad figures first), and submits the agreement for sign-off.
3. Shared sign-off: sent back with a reason, changed, signed by both sides (with a
   concurrent change caught on the way), then changed again as version 2 with a
   difference view.
4. Implementation stages: the programme's checklist edited, milestones ticked, the
   service moved on, and the programme page's stage figures.
"""

import re

import pytest
from django.urls import reverse

from commissioning import services
from commissioning.models import Agreement, Stage
from tests import factories as f

pytestmark = pytest.mark.browser

NEW_PASSWORD = "harbour lights over the estuary"


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(username)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def message(page) -> str:
    return page.locator(".messages").inner_text()


def h1(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def summary_has_focus(page) -> bool:
    return page.evaluate("document.activeElement.hasAttribute('data-error-summary')")


@pytest.fixture
def other_page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    yield context.new_page()
    context.close()


# --- Journey 1 -----------------------------------------------------------------------------------


def test_journey_1_commissioner_sets_up_a_programme_and_invites_a_service_manager(
    page, other_page, world, mailoutbox
):
    sign_in(page, world.commissioner.username)
    page.get_by_role("link", name="Set up a programme").click()
    assert h1(page) == "Set up a programme"

    page.get_by_label(re.compile(r"^\s*Programme name")).fill("Relational practice in early help")
    page.get_by_label(re.compile(r"^\s*Practice model")).fill("Trauma-informed relational practice")
    page.get_by_label(re.compile(r"^\s*Start date")).fill("2027-01-04")
    page.get_by_label(re.compile(r"^\s*End date")).fill("2026-12-31")  # before the start
    page.get_by_label(world.commissioner.get_full_name()).check()
    page.get_by_role("button", name="Set up programme").click()
    assert summary_has_focus(page)
    assert (
        "The end date must be the same as or after the start date"
        in page.locator("[data-error-summary]").inner_text()
    )
    assert page.get_by_label(re.compile(r"^\s*Programme name")).input_value() == (
        "Relational practice in early help"
    )
    page.get_by_label(re.compile(r"^\s*End date")).fill("2029-12-31")
    page.get_by_role("button", name="Set up programme").click()
    assert h1(page) == "Relational practice in early help"
    assert "Next, add the services taking part" in message(page)
    assert "No services are taking part yet" in page.locator("main").inner_text()

    page.get_by_role("link", name="Add a service").first.click()
    page.get_by_label("Service name").fill("Family Hub East")
    page.get_by_label("Or a provider organisation new to Launchpad").fill("Seaside Family Trust")
    page.get_by_role("button", name="Add service").click()
    assert h1(page) == "Invite a service manager"
    assert "Family Hub East now takes part" in message(page)

    page.get_by_label(re.compile(r"^\s*Service manager's email address")).fill(
        "nia@seaside.example"
    )
    page.get_by_role("button", name="Send invitation").click()
    assert h1(page) == "Family Hub East"
    assert "Invitation sent to nia@seaside.example" in message(page)
    assert "Waiting, expires" in page.locator("#managers").inner_text()

    [email] = mailoutbox
    assert email.to == ["nia@seaside.example"]
    link = re.search(r"https?://\S+/invitations/\S+/", email.body).group(0)

    # The invited manager opens the link in their own browser and makes an account.
    invited = other_page
    invited.goto(link)
    assert h1(invited) == "Join Relational practice in early help"
    invited.get_by_label(re.compile(r"^\s*First name")).fill("Nia")
    invited.get_by_label(re.compile(r"^\s*Last name")).fill("Roberts")
    invited.get_by_label(re.compile(r"^\s*Choose a password")).fill(NEW_PASSWORD)
    invited.get_by_label(re.compile(r"^\s*Type the password again")).fill(NEW_PASSWORD)
    invited.get_by_role("button", name="Create account and accept").click()
    assert h1(invited) == "Family Hub East"
    assert "Welcome, Nia. You now manage Family Hub East" in message(invited)
    assert "Service manager" in invited.locator(".account-roles").inner_text()

    # The link works once.
    invited.goto(link)
    assert h1(invited) == "This invitation has been used"

    page.reload()
    managers = page.locator("#managers").inner_text()
    assert "Nia Roberts" in managers and "Accepted" in managers


# --- Journey 2 -----------------------------------------------------------------------------------


def test_journey_2_service_manager_records_the_agreement_and_submits_it(page, world):
    f.PressureTagFactory(name="High caseloads")
    f.PressureTagFactory(name="Vacancies")
    sign_in(page, world.service_manager.username)
    # Home is their service; from there to its part in the programme and its agreement.
    page.get_by_role("link", name=world.programme.name, exact=True).click()
    page.get_by_role("link", name="Open the agreement").click()
    assert "No agreement yet" in page.locator("main").inner_text()
    page.get_by_role("link", name="Start the agreement").click()

    page.get_by_label(re.compile(r"^\s*Headcount")).fill("-4")
    page.locator("#id_vacancies").fill("30")
    page.get_by_label(re.compile(r"^\s*Agency share")).fill("120")
    page.get_by_label(re.compile(r"^\s*Typical caseload")).fill("18")
    page.get_by_label(re.compile(r"^\s*Staff turnover")).fill("14")
    page.get_by_label("High caseloads").check()
    page.get_by_role("checkbox", name="Vacancies").check()
    page.get_by_label(re.compile(r"^\s*What the pressures")).fill(
        "Court work squeezes supervision; two posts are frozen."
    )
    page.get_by_label(re.compile(r"^\s*Protected supervision time")).fill("90")
    page.get_by_label(re.compile(r"^\s*CPD release")).fill("30")
    page.get_by_label(re.compile(r"^\s*Cohort places")).fill("4")
    page.get_by_role("button", name="Save").click()

    assert summary_has_focus(page)
    summary = page.locator("[data-error-summary]").inner_text()
    assert "Headcount cannot be negative." in summary
    assert "Agency share is a percentage: give a number from 0 to 100." in summary
    assert (
        page.get_by_label(re.compile(r"^\s*What the pressures")).input_value().startswith("Court")
    )
    assert page.get_by_label("High caseloads").is_checked()
    assert not Agreement.objects.exists()

    page.get_by_label(re.compile(r"^\s*Headcount")).fill("20")
    page.get_by_label(re.compile(r"^\s*Agency share")).fill("12.5")
    page.get_by_role("button", name="Save").click()
    assert (
        "Vacancies cannot be more than the headcount"
        in page.locator("[data-error-summary]").inner_text()
    )
    page.locator("#id_vacancies").fill("3")
    page.get_by_role("button", name="Save").click()

    assert "Agreement saved as a draft" in message(page)
    content = page.locator("main").inner_text()
    assert "20 people" in content and "12.5%" in content
    assert "High caseloads, Vacancies" in content
    page.get_by_role("button", name="Submit for sign-off").click()
    assert "submitted for sign-off" in message(page)
    assert page.locator(".agreement-status").inner_text().startswith("Awaiting sign-off")
    assert Agreement.objects.get().status == Agreement.Status.AWAITING


# --- Journey 3 -----------------------------------------------------------------------------------


def _awaiting_agreement(world) -> Agreement:
    agreement = services.agreement_update(
        participation=world.participation,
        changed_by=world.service_manager,
        revision=0,
        values={
            "headcount": 20,
            "vacancies": 3,
            "typical_caseload": 18,
            "protected_supervision_minutes_per_month": 90,
            "cpd_release_hours_per_year": 30,
            "cohort_places_per_wave": 4,
        },
    ).agreement
    return services.agreement_submit(
        agreement=agreement, submitted_by=world.service_manager, revision=agreement.revision
    )


def test_journey_3_shared_sign_off_with_send_back_versions_and_a_difference_view(
    page, other_page, world
):
    _awaiting_agreement(world)
    agreement_url = reverse("commissioning:agreement_detail", args=[world.participation.pk])
    commissioner, manager = page, other_page
    sign_in(commissioner, world.commissioner.username)
    sign_in(manager, world.service_manager.username)

    # The commissioner sends it back with a reason.
    commissioner.goto(agreement_url)
    commissioner.get_by_role("link", name="Send back with a reason").click()
    commissioner.get_by_role("button", name="Send back").click()
    assert "Say what needs to change" in commissioner.locator("[data-error-summary]").inner_text()
    commissioner.get_by_label(re.compile(r"^\s*What needs to change")).fill(
        "Four places a wave is more than your rotas allow: please check."
    )
    commissioner.get_by_role("button", name="Send back").click()
    assert "sent back to the service" in message(commissioner)
    assert commissioner.locator(".agreement-status").inner_text().startswith("Under review")

    # The service manager sees why, changes it and submits it again.
    manager.goto(agreement_url)
    assert (
        "Four places a wave is more than your rotas allow"
        in manager.locator(".sent-back").inner_text()
    )
    manager.get_by_role("link", name="Edit the agreement").click()
    manager.get_by_label(re.compile(r"^\s*Cohort places")).fill("3")
    manager.get_by_role("button", name="Save").click()
    manager.get_by_role("button", name="Submit for sign-off").click()
    assert "submitted for sign-off" in message(manager)

    # The commissioner opens it; meanwhile the manager corrects a figure elsewhere.
    commissioner.goto(agreement_url)
    latest = Agreement.objects.get()
    services.agreement_update(
        participation=world.participation,
        changed_by=world.service_manager,
        revision=latest.revision,
        values={"typical_caseload": 17},
    )
    commissioner.get_by_role("button", name="Sign as the commissioner").click()
    assert "changed this agreement after you opened it" in message(commissioner)
    assert "17 children or families" in commissioner.locator("main").inner_text()
    assert Agreement.objects.get().commissioner_signed_at is None
    commissioner.get_by_role("button", name="Sign as the commissioner").click()
    assert "It now awaits the other side" in message(commissioner)
    # Signing twice: the button has gone.
    assert commissioner.get_by_role("button", name="Sign as the commissioner").count() == 0

    manager.goto(agreement_url)
    manager.get_by_role("button", name="Sign as the service manager").click()
    assert "It is now agreed by both sides" in message(manager)
    signatures = manager.locator(".signatures").inner_text()
    assert f"Signed by {world.commissioner.get_full_name()}" in signatures
    assert f"Signed by {world.service_manager.get_full_name()}" in signatures
    assert manager.locator(".agreement-status").inner_text().startswith("Agreed")

    # Changing the agreed agreement starts version 2, awaiting sign-off again.
    manager.get_by_role("link", name="Change it (starts version 2)").click()
    manager.get_by_label(re.compile(r"^\s*Protected supervision time")).fill("120")
    manager.get_by_role("button", name="Save as version 2").click()
    assert "Your changes start version 2" in message(manager)
    status = manager.locator(".agreement-status").inner_text()
    assert status.startswith("Awaiting sign-off") and "Version 2" in status

    manager.get_by_role("link", name="What changed in version 2").click()
    assert h1(manager) == "What changed in the agreement"
    rows = manager.locator(".diff-table tbody tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert "Protected supervision time" in row
    assert "90 minutes a month" in row and "120 minutes a month" in row

    manager.goto(agreement_url + "?version=1")
    assert "You are reading version 1" in manager.locator("main").inner_text()
    assert "90 minutes a month per practitioner" in manager.locator("main").inner_text()


# --- Journey 4 -----------------------------------------------------------------------------------


def test_journey_4_checklist_stage_moves_and_the_programme_page(page, world):
    services.milestone_templates_seed(programme=world.programme)
    participation = services.participation_add(
        programme=world.programme,
        added_by=world.commissioner,
        new_organisation_name="Seaside Family Trust",
        new_service_name="Family Hub East",
    )
    sign_in(page, world.commissioner.username)
    page.goto(reverse("commissioning:programme_detail", args=[world.programme.pk]))

    # The commissioner adds an item to the exploration checklist.
    page.get_by_role("link", name="Milestone checklist").click()
    page.get_by_label(re.compile(r"^\s*Stage")).select_option("exploration")
    page.get_by_label(re.compile(r"^\s*Milestone")).fill("Family network briefed")
    page.get_by_role("button", name="Add milestone").click()
    assert "“Family network briefed” added to exploration" in message(page)
    exploration = page.locator("section", has=page.get_by_role("heading", name="Exploration"))
    assert "Family network briefed" in exploration.inner_text()

    # On the service's page: tick three exploration milestones.
    page.goto(reverse("commissioning:participation_detail", args=[participation.pk]))
    for title in (
        "Readiness conversation with service leadership",
        "Workforce pressures and constraints recorded",
        "Family network briefed",
    ):
        page.get_by_label(title).check()
    page.get_by_role("button", name="Save checklist").click()
    assert "Checklist saved: 3 newly done" in message(page)
    assert page.get_by_label("Family network briefed").is_checked()

    page.get_by_role("link", name="Move to installation").click()
    assert "3 of 5 milestones in exploration are done" in page.locator("main").inner_text()
    page.get_by_role("button", name="Move to installation").click()
    assert "Family Hub East moved to installation" in message(page)
    steps = page.get_by_role("list", name="Implementation stages")
    assert steps.locator("[aria-current=step]").inner_text().startswith("Installation")
    participation.refresh_from_db()
    assert participation.current_stage == Stage.INSTALLATION

    # The programme page shows each service's stage, days in it and milestones per stage.
    page.goto(reverse("commissioning:programme_detail", args=[world.programme.pk]))
    row = page.locator(".services-table tbody tr", has_text="Family Hub East").inner_text()
    assert "Installation" in row and "0 of 5 (0%)" in row
    matrix = page.locator(".stage-matrix tbody tr", has_text="Family Hub East")
    cells = matrix.locator("td")
    assert "3 of 5 done" in cells.nth(0).inner_text()
    assert "0 days so far" in cells.nth(1).inner_text()
    assert "Not started" in cells.nth(2).inner_text()
