"""Keyboard-only use in real Chromium: skip link, sign-in, visible focus, error summary.

Every step is a key press; nothing is clicked. Logging a supervision session by keyboard
is tests/e2e/test_supervision_journeys.py::test_log_a_supervision_session_with_the_keyboard_alone.
"""

import pytest

from tests import factories as f

from .a11y import focus_is_visible

pytestmark = pytest.mark.browser


def focused(page) -> str:
    """The focused element, described for assertion messages: tag#id.class "text"."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el) return "nothing";
            const id = el.id ? "#" + el.id : "";
            const cls = el.classList.length ? "." + [...el.classList].join(".") : "";
            const text = (el.innerText || el.value || "").trim().slice(0, 40);
            return `${el.tagName.toLowerCase()}${id}${cls} "${text}"`;
        }"""
    )


def on_screen(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["width"] > 0
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


def tab_to(page, selector: str) -> None:
    page.keyboard.press("Tab")
    assert page.evaluate("s => document.activeElement.matches(s)", selector), (
        f"Tab should reach {selector}, but focus is on {focused(page)}"
    )
    assert focus_is_visible(page), f"No visible focus indicator on {focused(page)}"


def skip_to_main(page) -> None:
    """First Tab on a fresh page: the skip link appears; Enter moves focus to <main>."""
    skip_link = page.locator("a.skip-link")
    assert not on_screen(page, skip_link), "The skip link should stay hidden until focused"
    tab_to(page, "a.skip-link")
    assert skip_link.inner_text() == "Skip to main content"
    assert on_screen(page, skip_link), "The focused skip link should be visible on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main", (
        f"The skip link should move focus to <main>, not {focused(page)}"
    )


def test_sign_in_with_the_keyboard_alone(page, world):
    page.goto("/accounts/login/")
    skip_to_main(page)
    tab_to(page, "#id_username")
    page.keyboard.type("practitioner@example.org")
    tab_to(page, "#id_password")
    page.keyboard.type(f.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/my-practice/")
    assert page.get_by_role("heading", level=1).inner_text() == "My practice"


def test_every_control_shows_where_focus_is(page, world):
    """Tab through a whole signed-in page: each stop is visible and on screen."""
    page.goto("/accounts/login/")
    skip_to_main(page)
    tab_to(page, "#id_username")
    page.keyboard.type("commissioner@example.org")
    tab_to(page, "#id_password")
    page.keyboard.type(f.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/programmes/")

    expected = page.evaluate(
        """() => [...document.querySelectorAll("a[href], button, input, select, textarea")]
            .filter(el => !el.disabled && el.type !== "hidden").length"""
    )
    stops = []
    for _ in range(expected + 1):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break
        stops.append(focused(page))
        assert focus_is_visible(page), f"No visible focus indicator on {stops[-1]}"
        assert on_screen(page, page.locator(":focus")), f"{stops[-1]} is focused off screen"
    assert len(stops) >= 5, stops  # skip link, brand, nav, change password, sign out, …
    assert any("Sign out" in stop for stop in stops), stops


def test_after_a_failed_sign_in_the_error_summary_has_focus(page, world):
    page.goto("/accounts/login/")
    skip_to_main(page)
    tab_to(page, "#id_username")
    page.keyboard.type("practitioner@example.org")
    tab_to(page, "#id_password")
    page.keyboard.type("not the password")
    page.keyboard.press("Enter")

    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert "do not match an account" in summary.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')"), (
        f"The error summary should have focus, not {focused(page)}"
    )
    assert focus_is_visible(page)


def test_the_error_summary_leads_to_the_field_by_keyboard(page, world):
    page.goto("/accounts/login/")
    skip_to_main(page)
    tab_to(page, "#id_username")
    page.keyboard.press("Enter")  # submit the empty form

    page.locator("[data-error-summary]").wait_for()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    tab_to(page, "[data-error-summary] a[href='#id_username']")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_username", focused(page)
    assert page.locator("#id_username").get_attribute("aria-invalid") == "true"
