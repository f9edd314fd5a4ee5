"""Helpers for the accessibility and keyboard tests: axe-core runs and their failure
messages, the demo world and its logins, signing in, URL names, visible focus.

axe-core comes bundled with axe-playwright-python and is injected into each page through
Playwright (DevTools evaluation, so the Content Security Policy does not block it).
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import Resolver404, resolve

# WCAG 2.2 level AA, as axe-core tags its rules. Level A rules carry the "a" tags; rules
# new in 2.1 and 2.2 carry their own tags. (axe has no wcag22a rules.)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    # Every rule is still reported under passes/incomplete/inapplicable; this only stops
    # axe listing every passing element, which keeps each run quick.
    "resultTypes": ["violations"],
}

DEMO_PASSWORD = "launchpad-demo-2026"  # README, "Demo logins"
DEMO_LOGINS = {
    "practitioner": "practitioner@launchpad.example",
    "line_manager": "linemanager@launchpad.example",
    "service_manager": "servicemanager@launchpad.example",
    "commissioner": "commissioner@launchpad.example",
    "admin": "admin@launchpad.example",
}

_axe = Axe()


@dataclass
class AxeReport:
    """One axe run: where, how many rules ran, and what failed."""

    url: str
    state: str  # what the page was showing, e.g. "sign-in form submitted empty"
    rules_run: int
    violations: list[dict] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)  # rule ids axe could not decide
    seconds: float = 0.0  # how long axe took

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")


def run_axe(page, state: str = "") -> AxeReport:
    """Run the WCAG 2.2 AA rules on the page as it is now."""
    started = time.monotonic()
    response = _axe.run(page, options=AXE_OPTIONS).response
    rules_run = sum(
        len(response[kind]) for kind in ("passes", "violations", "incomplete", "inapplicable")
    )
    return AxeReport(
        url=page.url,
        state=state,
        rules_run=rules_run,
        violations=response["violations"],
        incomplete=[rule["id"] for rule in response["incomplete"]],
        seconds=time.monotonic() - started,
    )


def describe_violations(reports: list[AxeReport], who: str = "") -> str:
    """A failure message a person can act on: page, rule, what it means, which elements."""
    failing = [r for r in reports if r.violations]
    total = sum(len(r.violations) for r in failing)
    lines = [
        f"{total} axe violation(s) of WCAG 2.2 AA on {len(failing)} of {len(reports)} "
        f"page state(s){f' for {who}' if who else ''}:"
    ]
    for report in failing:
        lines.append("")
        lines.append(f"{report.path}" + (f"  ({report.state})" if report.state else ""))
        for violation in report.violations:
            lines.append(
                f"  {violation['id']} [{violation.get('impact') or 'n/a'}]: {violation['help']}"
            )
            lines.append(f"    {violation['helpUrl']}")
            for node in violation["nodes"][:8]:
                selector = " ".join(
                    t if isinstance(t, str) else " >>> ".join(t) for t in node["target"]
                )
                html = " ".join((node.get("html") or "").split())
                lines.append(f"    - {selector}   {html[:120]}")
                for line in (node.get("failureSummary") or "").splitlines():
                    if line.strip():
                        lines.append(f"      {line.strip()[:200]}")
            if len(violation["nodes"]) > 8:
                lines.append(f"    … and {len(violation['nodes']) - 8} more element(s)")
    return "\n".join(lines)


def seed_demo_world() -> None:
    """The demo world README describes (``manage.py seed_demo``), quietly."""
    call_command("seed_demo", force=True, stdout=io.StringIO())


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real sign-in form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if urlsplit(page.url).path == "/accounts/login/":
        raise AssertionError(f"Could not sign in as {username}: still on {page.url}")


def url_name(path: str) -> str | None:
    """The namespaced URL name a path resolves to, or None if it resolves to nothing."""
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def focus_is_visible(page) -> bool:
    """True when the focused element draws a focus indicator: an outline or a box-shadow."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return false;
            const style = getComputedStyle(el);
            const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
            const shadow = style.boxShadow && style.boxShadow !== "none";
            return outline || shadow;
        }"""
    )
