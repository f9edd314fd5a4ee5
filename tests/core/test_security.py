"""The security baseline: deploy checks, headers and CSP, sign-in throttling, passwords,
sessions and the audit trail."""

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from core.middleware import client_ip
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"


# --- Production settings ---------------------------------------------------------------------


@pytest.mark.django_db
def test_check_deploy_reports_no_issues_with_production_settings():
    db = settings.DATABASES["default"]
    # A clean environment: config.test_settings relaxes some settings through os.environ.
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "launchpad.example.org",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


# --- Headers and Content Security Policy -----------------------------------------------------

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
EXPECTED_HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def csp_directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(directive.strip().split(" ", 1) for directive in policy.split(";"))


class InlineCodeFinder(HTMLParser):
    """Collect what a strict CSP would refuse: inline scripts, styles and event handlers."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        is_data = dict(attrs).get("type") == "application/json"  # json_script: never run
        if tag == "script" and "src" not in names and not is_data:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        if "style" in names:
            self.found.append(f"style attribute on <{tag}>")
        self.found += [f"{name} on <{tag}>" for name in names if name.startswith(("on", "hx-on"))]


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.found


def page_urls(world):
    agreement = f.AgreementFactory(participation=world.participation)
    return [
        (world.practitioner, "/my-practice/", 200),
        (None, LOGIN, 200),
        (None, "/no-such-page/", 404),
        (None, "/healthz", 200),
        (world.admin, "/admin/", 200),
        (world.admin, "/admin/commissioning/agreement/", 200),
        (world.admin, f"/admin/commissioning/agreement/{agreement.pk}/change/", 200),
        (world.admin, "/admin/axes/accessattempt/", 200),
    ]


def test_security_headers_are_on_every_kind_of_response(world):
    for user, url, status in page_urls(world):
        client = Client()
        if user:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, url
        for header, value in EXPECTED_HEADERS.items():
            assert response.headers.get(header) == value, (url, header)
        assert csp_directives(response) == EXPECTED_CSP, url


def test_no_page_needs_unsafe_inline(world):
    for user, url, _ in page_urls(world):
        client = Client()
        if user:
            client.force_login(user)
        response = client.get(url)
        if response["Content-Type"].startswith("text/html"):
            assert inline_code(response.content.decode()) == [], url


def test_htmx_is_loaded_from_our_own_static_files(client, world):
    client.force_login(world.practitioner)
    body = client.get("/my-practice/").content.decode()
    assert re.search(r'<script src="/static/django_htmx/htmx-2\.min\.js" defer></script>', body)


def test_the_only_inline_code_in_admin_is_celery_beats_crontab_help(client, world):
    # django-celery-beat's periodic task form rewrites the crontab help text with an inline
    # script. Browsers refuse it under our CSP and the form works without it (settings.py).
    client.force_login(world.admin)
    found = {}
    for model in admin.site._registry:
        for view in ["changelist", "add"]:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")
            response = client.get(url)
            assert response.status_code in (200, 403), url  # 403: nothing may be added
            if inline := inline_code(response.content.decode()):
                found[url] = inline
    assert found == {"/admin/django_celery_beat/periodictask/add/": ["<script> without src"]}


def test_our_templates_have_no_inline_script_or_style():
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
    assert templates
    offending = {str(t.relative_to(ROOT)): inline_code(t.read_text()) for t in templates}
    assert {name: found for name, found in offending.items() if found} == {}


# --- Sign-in throttling ----------------------------------------------------------------------


def sign_in(client, username, password, address=None):
    extra = {"HTTP_X_FORWARDED_FOR": address} if address else {}
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def fail_until_locked(client, username, address=None):
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = sign_in(client, username, "wrong-password", address)
        expected = 429 if attempt == settings.AXES_FAILURE_LIMIT else 200
        assert response.status_code == expected, attempt
    return response


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, world):
    username = world.practitioner.username
    response = fail_until_locked(client, username)
    assert "Sign-in paused for 15 minutes" in response.content.decode()

    response = sign_in(client, username, f.PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Wait 15 minutes, then try again." in body
    assert "contact your Launchpad administrator" in body
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_do_not_lock(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, world.practitioner.username, "wrong").status_code == 200
    response = sign_in(client, world.practitioner.username, f.PASSWORD)
    assert response.status_code == 302


def test_a_different_user_from_the_same_address_is_not_locked(client, world):
    fail_until_locked(client, world.practitioner.username)
    response = Client().post(
        LOGIN, {"username": world.line_manager.username, "password": f.PASSWORD}
    )
    assert response.status_code == 302


def test_behind_the_proxy_the_lock_is_per_client_address(client, world):
    username = world.practitioner.username
    fail_until_locked(client, username, address="203.0.113.5")
    # A forged entry to the left of the proxy's own does not get round the lock...
    assert sign_in(client, username, f.PASSWORD, "198.51.100.1, 203.0.113.5").status_code == 429
    # ...and the same person elsewhere can still sign in.
    assert sign_in(Client(), username, f.PASSWORD, "203.0.113.99").status_code == 302


def test_an_admin_unlocks_by_deleting_the_access_attempt(client, world):
    fail_until_locked(client, world.practitioner.username)
    admin = Client()
    admin.force_login(world.admin)
    index = admin.get("/admin/").content.decode()
    assert "Access attempts" in index
    attempt = AccessAttempt.objects.get(username=world.practitioner.username)
    listing = admin.get("/admin/axes/accessattempt/").content.decode()
    assert world.practitioner.username in listing

    response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, world.practitioner.username, f.PASSWORD).status_code == 302


def test_force_login_and_login_with_a_request_still_work_in_tests(client, world):
    client.force_login(world.practitioner)
    assert client.get("/my-practice/").status_code == 200
    # django-axes needs a request to check for a lockout: pass one to client.login.
    other = Client()
    assert other.login(request=HttpRequest(), username=world.nobody.username, password=f.PASSWORD)
    assert other.get("/welcome/").status_code == 200


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "127.0.0.1"),  # no proxy: the header is not trusted
        (1, "", "127.0.0.1"),  # reached without the proxy
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "10.9.9.9, 198.51.100.1", "198.51.100.1"),  # the left one was forged
        (2, "10.9.9.9, 198.51.100.1, 172.16.0.2", "198.51.100.1"),
    ],
)
def test_client_ip_trusts_only_what_our_proxies_added(proxies, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(request) == expected


# --- Passwords and sessions ------------------------------------------------------------------


def change_password(client, old, new):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_a_password_under_twelve_characters_is_refused_next_to_the_field(client, world):
    client.force_login(world.practitioner)
    response = change_password(client, f.PASSWORD, "Tq8#mZ2!pLx")  # 11 characters
    assert response.status_code == 200
    body = response.content.decode()
    message = "This password is too short. It must contain at least 12 characters."
    assert re.search(rf'<[^>]+id="error_1_id_new_password2"[^>]*>\s*<strong>{message}', body)
    assert 'href="#id_new_password2"' in body  # and in the error summary, linking to it
    world.practitioner.refresh_from_db()
    assert world.practitioner.check_password(f.PASSWORD)


def test_changing_the_password_signs_out_other_sessions(world):
    here, elsewhere = Client(), Client()
    here.force_login(world.practitioner)
    elsewhere.force_login(world.practitioner)

    response = change_password(here, f.PASSWORD, "a-much-longer-new-passphrase")
    assert response.status_code == 302

    assert here.get("/my-practice/").status_code == 200
    response = elsewhere.get("/my-practice/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_sessions_end_after_eight_idle_hours_and_activity_keeps_them_alive(world):
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(world.practitioner)
        traveller.shift(dt.timedelta(hours=7))
        assert client.get("/my-practice/").status_code == 200
        traveller.shift(dt.timedelta(hours=7))  # 14 hours in, but only 7 idle
        assert client.get("/my-practice/").status_code == 200
        traveller.shift(dt.timedelta(hours=8, minutes=1))
        response = client.get("/my-practice/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _session_writes(client, path) -> tuple[int, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    return status, [
        q["sql"]
        for q in queries
        if q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]
    ]


@override_settings(SESSION_REFRESH_SECONDS=60)
def test_a_session_is_saved_at_most_once_a_minute_and_its_expiry_moves_on(world):
    from django.contrib.sessions.models import Session

    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(world.practitioner)
        key = client.session.session_key
        assert _session_writes(client, "/my-practice/")[1]  # the first request refreshes
        expires = Session.objects.get(session_key=key).expire_date
        traveller.shift(dt.timedelta(seconds=30))
        status, writes = _session_writes(client, "/my-practice/")
        assert status == 200 and writes == []  # within the minute: no write at all
        assert Session.objects.get(session_key=key).expire_date == expires
        traveller.shift(dt.timedelta(seconds=31))
        status, writes = _session_writes(client, "/my-practice/")
        assert status == 200 and len(writes) == 1
        moved = Session.objects.get(session_key=key).expire_date
    assert moved - expires == dt.timedelta(seconds=61)


@override_settings(SESSION_REFRESH_SECONDS=60)
def test_a_request_that_never_reads_the_session_does_not_save_it(world):
    client = Client()
    client.force_login(world.practitioner)
    client.get("/my-practice/")
    status, writes = _session_writes(client, "/ping")
    assert status == 200 and writes == []


def test_the_session_cookie_ends_when_the_browser_closes(client, world):
    response = sign_in(client, world.practitioner.username, f.PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"]


# --- Audit trail -----------------------------------------------------------------------------


def test_changing_an_agreements_status_records_who_and_from_what_to_what(client, world):
    agreement = f.AgreementFactory(participation=world.participation, status="draft")
    client.force_login(world.admin)
    url = f"/admin/commissioning/agreement/{agreement.pk}/change/"
    response = client.post(
        url,
        {
            "participation": world.participation.pk,
            "version": agreement.version,
            "status": "awaiting",
            "headcount": agreement.headcount,
            "vacancies": agreement.vacancies,
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    entry = LogEntry.objects.get_for_object(agreement).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == world.admin
    assert entry.changes_dict["status"] == ["draft", "awaiting"]
    assert entry.remote_addr == "127.0.0.1"

    listing = client.get("/admin/auditlog/logentry/").content.decode()
    assert str(agreement) in listing
    assert world.admin.username in listing


@pytest.mark.parametrize(
    "factory",
    [
        lambda world: f.AgreementFactory(participation=world.participation),
        lambda world: f.StandardsFactory(programme=world.programme),
        lambda world: f.ScreeningFactory(staff=world.practitioner_staff, programme=world.programme),
    ],
    ids=["Agreement", "Standards", "Screening"],
)
def test_audited_models_record_their_creation(world, factory):
    obj = factory(world)
    assert LogEntry.objects.get_for_object(obj).filter(action=LogEntry.Action.CREATE).exists()


def test_every_model_the_design_names_is_audited():
    from auditlog.registry import auditlog

    audited = {model._meta.label for model in auditlog.get_models()}
    assert audited >= {
        "commissioning.Agreement",
        "commissioning.Standards",
        "commissioning.CadenceRule",
        "cohorts.Screening",
        "cohorts.ScreeningRating",
        "cohorts.Membership",
        "fidelity.SupportAction",
    }
