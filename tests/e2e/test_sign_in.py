import pytest

from tests import factories as f

pytestmark = pytest.mark.browser


def test_practitioner_signs_in_and_sees_my_practice(page, world):
    f.CpdActivityFactory(staff=world.practitioner_staff, title="Behaviour as communication")
    page.goto("/")
    assert page.title() == "Sign in – Launchpad"
    page.get_by_label("Email address").fill("practitioner@example.org")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/my-practice/")
    assert page.get_by_role("heading", level=1).inner_text() == "My practice"
    assert page.get_by_text("Behaviour as communication").is_visible()
    assert page.get_by_role("link", name="My practice").get_attribute("aria-current") == "page"


def test_a_wrong_password_says_so_without_saying_which_part(page, world):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("practitioner@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator("[data-error-summary]")
    assert "do not match an account" in summary.inner_text()
    # The summary takes focus so it is announced first.
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.get_by_label("Email address").input_value() == "practitioner@example.org"
