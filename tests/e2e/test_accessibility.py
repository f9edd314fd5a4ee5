"""WCAG 2.2 AA sweep: every page each demo role can reach, checked by axe-core in Chromium.

For each role the sweep signs in through the real sign-in form, starts from the role's
home page and follows the same-origin links in <main> and the navigation, breadth first.
To stay quick it checks one page of each URL name for each role, plus a second one (other
data, other states) for the first role that reaches that URL name. Pages the links
did not lead to are then opened directly: every page tests/quality/sweep.py discovers in
the URL configuration that ACCESS lets the role open (pages with arguments are given the
demo counterparts of the ``world`` fixture's objects, through ARGUMENTS). Any axe
violation fails the test, and so does a page the role may open that the sweep did not
check, so a new page cannot escape it; a link or page that answers an error fails too.

Forms are also checked while they show errors, as people using them will see them.
The data is the demo world (``manage.py seed_demo``), so every list has rows.
"""

import hashlib
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test.utils import modify_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Error as PlaywrightError
from pytest_django.live_server_helper import LiveServer

from cohorts.models import StaffMember
from commissioning.models import Participation
from tests.quality.sweep import ACCESS, ARGUMENTS, PUBLIC, ROLES, discover_pages

from .a11y import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    AxeReport,
    describe_violations,
    run_axe,
    seed_demo_world,
    sign_in,
    url_name,
)

# django_db: the module's data comes from demo_site; the mark has pytest-django create the
# test database and lets the tests read it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# Pages checked per URL name: two services or cohorts say what sixty would. Only the first
# role to reach a URL name checks a second page of it; the others check one.
MAX_PER_NAME = 2
FILE_SUFFIXES = (
    ".pdf",
    ".csv",
    ".xlsx",
    ".xls",
    ".docx",
    ".zip",
    ".json",
    ".yaml",
    ".svg",
    ".png",
)
LINK_SCOPE = "main a[href], nav a[href]"

# Pages in the URL configuration that are not HTML pages a person reads.
NOT_PAGES = {
    "healthz": "JSON for load balancers",
    "ping": "plain text, the load test's yardstick",
    "ping_signed_in": "plain text, the load test's signed-in yardstick",
    "logout": "POST only, and would end the sweep's session",
    # Their routes end in a converter (…/<table>.<fmt>, …/download/), not a file suffix.
    "reports:programme_export": "a CSV or XLSX file",
    "reports:service_export": "a CSV or XLSX file",
    "reports:team_export": "a CSV or XLSX file",
    "reports:report_download": "a PDF file",
}
# Where each role starts: anonymous visitors at sign-in, everyone else at their home page.
START = {"anonymous": "/accounts/login/"}


@dataclass
class Sweep:
    role: str
    reports: list[AxeReport] = field(default_factory=list)
    checked_paths: set[str] = field(default_factory=set)
    checked_names: Counter = field(default_factory=Counter)
    shared: "Shared" = None  # what the roles swept before this one have checked
    identical: list[str] = field(default_factory=list)  # pages not re-checked, and why
    seen_urls: set[str] = field(default_factory=set)  # opened or queued
    queued_names: Counter = field(default_factory=Counter)
    covered: set[str] = field(default_factory=set)  # URL names requested or landed on
    by_link: set[str] = field(default_factory=set)  # URL names the swept pages link to
    opened_directly: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def limit(self, name: str) -> int:
        return 1 if name in self.shared.second_looks else MAX_PER_NAME


@dataclass
class Shared:
    """Shared by the roles' sweeps, to check each thing once."""

    second_looks: set[str] = field(default_factory=set)  # URL names checked twice already
    mains: dict[str, str] = field(default_factory=dict)  # hash of <main> -> where checked


@pytest.fixture(scope="module")
def shared() -> Shared:
    return Shared()


@pytest.fixture(scope="module")
def summary(request):
    """Collects one line per role and prints them after the module's tests."""
    lines: list[str] = []
    yield lines
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter and capture and lines:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            reporter.write_line("Accessibility sweep (axe-core, WCAG 2.2 AA):")
            for line in lines:
                reporter.write_line(f"  {line}")


@dataclass
class DemoSite:
    url: str
    direct_urls: dict[str, str]  # URL name -> address of the demo object's page
    cannot_open: dict[str, str]  # URL name -> why the sweep cannot build its address


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo world, built once for this module and served by a live server of its own.

    pytest-django's ``live_server`` fixture makes every test that uses it flush the
    database afterwards, so each role would rebuild the demo world (about 2.5 s a role).
    These tests only read, so the world is built once, committed, and flushed at the end,
    leaving the database empty for the tests after them, as ``transactional_db`` does.
    Addresses of pages with arguments are worked out here too, in case ARGUMENTS creates
    an object: made here, it is committed where the server can see it.
    """
    with django_db_blocker.unblock():
        seed_demo_world()
        objects = demo_objects()
        direct_urls, cannot_open = {}, {}
        for found in discover_pages():
            if found.name == "password_reset_confirm" or not found.arguments:
                continue
            try:
                direct_urls[found.name] = reverse(
                    found.name, kwargs=ARGUMENTS[found.name][0](objects)
                )
            except Exception as exc:  # noqa: BLE001 - reported by the tests that need it
                cannot_open[found.name] = (
                    f"tests/quality/sweep.py ARGUMENTS[{found.name!r}] gives no address for "
                    f"the demo objects: {exc!r}"
                )
        server = LiveServer("localhost")
        try:
            with modify_settings(ALLOWED_HOSTS={"append": "localhost"}):
                yield DemoSite(server.url, direct_urls, cannot_open)
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def page(chromium, demo_site):
    context = chromium.new_context(base_url=demo_site.url, locale="en-GB")
    yield context.new_page()
    context.close()


def may_open(role: str, name: str) -> bool:
    access = ACCESS.get(name)
    if role == "anonymous":
        return access == PUBLIC
    return isinstance(access, dict) and access.get(role) in (200, 302)


def pages_for(role: str) -> dict[str, bool]:
    """Pages in the URL conf the role may open: URL name -> whether it takes arguments."""
    return {
        found.name: bool(found.arguments)
        for found in discover_pages()
        if found.name not in NOT_PAGES
        and not found.route.lower().endswith(FILE_SUFFIXES)
        and may_open(role, found.name)
    }


def demo_objects() -> SimpleNamespace:
    """The demo world's counterparts of the ``world`` fixture's own objects (tests/conftest.py),
    for the ARGUMENTS of tests/quality/sweep.py: the demo practitioner, line manager and
    service manager all work in one service of the commissioner's programme."""
    users = {
        role: get_user_model().objects.get(username=login) for role, login in DEMO_LOGINS.items()
    }
    practitioner_staff = StaffMember.objects.select_related("service").get(
        user=users["practitioner"]
    )
    line_manager_staff = StaffMember.objects.get(user=users["line_manager"])
    service = practitioner_staff.service
    participation = Participation.objects.filter(service=service).order_by("pk").first()
    colleague_staff = (
        StaffMember.objects.filter(service=service, line_manager=line_manager_staff)
        .exclude(pk=practitioner_staff.pk)
        .order_by("pk")
        .first()
    )
    return SimpleNamespace(
        programme=participation.programme,
        service=service,
        participation=participation,
        commissioner=users["commissioner"],
        service_manager=users["service_manager"],
        line_manager=users["line_manager"],
        line_manager_staff=line_manager_staff,
        practitioner=users["practitioner"],
        practitioner_staff=practitioner_staff,
        colleague_staff=colleague_staff,
        admin=users["admin"],
    )


def reset_link() -> str:
    """A password-reset link for a demo user whom no test signs in as (signing in would
    change last_login and so spoil the link)."""
    users = get_user_model().objects.filter(is_active=True).order_by("pk")
    user = users.exclude(username__in=DEMO_LOGINS.values()).first() or users.first()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/accounts/reset/{uid}/{default_token_generator.make_token(user)}/"


def main_fingerprint(page) -> str:
    html = page.eval_on_selector("main", "main => main.outerHTML")
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return hashlib.sha256(html.encode()).hexdigest()


def crawl(page, sweep: Sweep, start: str) -> None:
    """Breadth-first from ``start``, checking each new page with axe."""
    base_url = f"{urlsplit(start).scheme}://{urlsplit(start).netloc}"
    queue = deque([(start, None)])  # (address, the page that links to it)
    sweep.seen_urls.add(start)
    while queue:
        url, linked_from = queue.popleft()
        requested = url_name(urlsplit(url).path)
        try:
            response = page.goto(url)
        except PlaywrightError as exc:
            if "Download is starting" in str(exc):
                continue  # a file, not a page
            raise
        path = urlsplit(page.url).path
        name = url_name(path)
        status = response.status if response else None
        if status != 200:
            sweep.problems.append(
                f"{urlsplit(url).path} answered {status}"
                + (f" (linked from {urlsplit(linked_from).path})" if linked_from else "")
            )
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        sweep.covered.update({requested, name})
        if path in sweep.checked_paths or sweep.checked_names[name] >= sweep.limit(name):
            continue
        sweep.checked_paths.add(path)
        sweep.checked_names[name] += 1
        if sweep.checked_names[name] > 1:
            sweep.shared.second_looks.add(name)
        # A page whose <main> is exactly one already checked (for another role, say) differs
        # only in the header, which this role's first page checked: axe would say the same.
        main = main_fingerprint(page)
        if main in sweep.shared.mains and sweep.reports:
            sweep.identical.append(f"{path} (<main> as on {sweep.shared.mains[main]})")
        else:
            sweep.shared.mains.setdefault(main, f"{path} for the {sweep.role}")
            sweep.reports.append(run_axe(page, state=sweep.role))
        for href in page.eval_on_selector_all(
            LINK_SCOPE, "links => links.filter(a => !a.hasAttribute('download')).map(a => a.href)"
        ):
            link = follow(href, base_url, sweep.role)
            if link is None:
                continue
            link_name = url_name(urlsplit(link).path)
            if link_name is None:
                sweep.problems.append(f"{path} links to {link}, which is no page of ours")
                continue
            sweep.by_link.add(link_name)
            if link in sweep.seen_urls or sweep.queued_names[link_name] >= sweep.limit(link_name):
                continue
            sweep.queued_names[link_name] += 1
            sweep.seen_urls.add(link)
            queue.append((link, page.url))


def follow(href: str, base_url: str, role: str) -> str | None:
    """The link to follow, without its fragment, or None if the sweep leaves it alone."""
    parts = urlsplit(urljoin(base_url, href))
    base = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or parts.netloc != base.netloc:
        return None
    path = parts.path
    if path.lower().endswith(FILE_SUFFIXES) or path.startswith(settings.STATIC_URL):
        return None
    if path.startswith("/admin/") and not (role == "admin" and path == "/admin/"):
        return None
    if url_name(path) in NOT_PAGES:
        return None
    return f"{base_url}{path}" + (f"?{parts.query}" if parts.query else "")


def test_the_sweep_knows_who_may_open_every_page():
    """A page missing from ACCESS would be opened by no role, so it would escape the sweep."""
    unknown = sorted(found.name for found in discover_pages() if found.name not in ACCESS)
    assert not unknown, f"Add these pages to ACCESS in tests/quality/sweep.py: {unknown}"


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_can_reach_meets_wcag_22_aa(page, demo_site, summary, shared, role):
    base_url = demo_site.url
    sweep = Sweep(role, shared=shared)
    if role != "anonymous":
        sign_in(page, DEMO_LOGINS[role])
    crawl(page, sweep, base_url + START.get(role, "/"))

    # Pages the links did not lead to, opened directly.
    expected = pages_for(role)
    for name, arguments in expected.items():
        if name in sweep.covered:
            continue
        if name in demo_site.cannot_open:
            sweep.problems.append(demo_site.cannot_open[name])
            continue
        if name == "password_reset_confirm":
            url = reset_link()
        else:
            url = demo_site.direct_urls[name] if arguments else reverse(name)
        sweep.opened_directly.add(name)
        crawl(page, sweep, base_url + url)

    rules = sorted({r.rules_run for r in sweep.reports})
    unlinked = sorted(sweep.opened_directly - sweep.by_link)
    summary.append(
        f"{role}: {len(sweep.reports) + len(sweep.identical)} distinct pages, "
        f"{len(sweep.reports)} checked by axe ({'/'.join(map(str, rules))} rules each)"
        + (
            f", {len(sweep.identical)} identical to pages already checked"
            if sweep.identical
            else ""
        )
        + (f"; not linked from the pages swept: {', '.join(unlinked)}" if unlinked else "")
    )
    print(summary[-1])
    for report in sweep.reports:
        print(
            f"  {report.path}: {report.rules_run} rules, {len(report.violations)} violations, "
            f"axe {report.seconds:.2f} s"
        )
    for line in sweep.identical:
        print(f"  {line}: not checked again")

    missing = sorted(set(expected) - sweep.covered)
    assert not missing, (
        f"The {role} may open {missing} (tests/quality/sweep.py ACCESS) but the sweep did not "
        f"check them: {sweep.problems}"
    )
    assert not sweep.problems, f"Pages the {role} could not open:\n" + "\n".join(sweep.problems)
    assert all(r.rules_run > 0 for r in sweep.reports)
    assert not any(r.violations for r in sweep.reports), describe_violations(sweep.reports, role)


def test_forms_showing_errors_meet_wcag_22_aa(page, summary):
    """Each form of ours as it looks after a mistake: error summary, messages by fields."""
    reports = []

    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in").click()
    page.locator("[data-error-summary]").wait_for()
    reports.append(run_axe(page, "sign-in form submitted empty"))

    page.goto("/accounts/password/reset/")
    page.get_by_label("Email").fill("not an email address")
    page.get_by_role("button", name="Send the link").click()
    page.locator("[data-error-summary]").wait_for()
    reports.append(run_axe(page, "password reset with an invalid email address"))

    page.goto(reset_link())
    page.locator("#id_new_password1").fill("short")
    page.locator("#id_new_password2").fill("different")
    page.get_by_role("button", name="Set password").click()
    page.locator("[data-error-summary]").wait_for()
    reports.append(run_axe(page, "new password too short and not matching"))

    # django-axes pauses sign-in after too many wrong passwords (registration/locked_out.html).
    page.goto("/accounts/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        page.locator("#id_username").fill("nobody@launchpad.example")
        page.locator("#id_password").fill("not the password")
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Sign in").click()
        if navigation.value.status == 429:
            break
    assert navigation.value.status == 429, "sign-in should pause after too many wrong passwords"
    reports.append(run_axe(page, "sign-in paused after too many wrong passwords"))

    sign_in(page, DEMO_LOGINS["practitioner"])
    page.goto("/accounts/password/change/")
    page.locator("#id_old_password").fill(DEMO_PASSWORD)
    page.locator("#id_new_password1").fill("short")
    page.locator("#id_new_password2").fill("short")
    page.get_by_role("button", name="Change password").click()
    page.locator("[data-error-summary]").wait_for()
    assert "too short" in page.locator("[data-error-summary]").inner_text()
    reports.append(run_axe(page, "password change with a too-short password"))

    summary.append(
        f"forms with errors: {len(reports)} states, "
        f"{'/'.join(sorted({str(r.rules_run) for r in reports}))} axe rules each"
    )
    assert not any(r.violations for r in reports), describe_violations(reports)


def test_the_sweep_catches_violations_and_says_where(chromium):
    """A page with known faults, so a sweep that silently checks nothing cannot pass."""
    context = chromium.new_context()
    page = context.new_page()
    page.set_content(
        "<!doctype html><html><head><title>Faulty</title></head><body><main>"
        '<h1>Faulty</h1><img src="data:," class="no-alt"><a href="/somewhere"></a>'
        '<p class="faint">Faint text</p></main></body></html>'
    )
    page.add_style_tag(content=".faint { color: #ccc; background: #fff; }")
    report = run_axe(page, "known faults")
    context.close()

    assert {"html-has-lang", "image-alt", "link-name", "color-contrast"} <= {
        v["id"] for v in report.violations
    }
    message = describe_violations([report])
    assert "image-alt [critical]: Images must have alternative text" in message
    assert '- img   <img src="data:," class="no-alt">' in message
    assert "https://dequeuniversity.com/rules/axe/" in message
