"""The daily reminder run on real parts: real Celery workers through the local Redis,
writing to the real PostgreSQL test database, and the web app with its broker gone.

The workers are separate processes, so the tests commit their data (transactional_db)
and point the workers at pytest-django's test database. Each test uses a queue of its
own, so nothing left on the broker by another run can reach its workers. Sent emails
are files (tests/supervision/mail_backend.py), so the tests count exactly what went out.
"""

import email
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from cohorts.models import StaffMember
from config.celery import app
from supervision.models import Reminder, ReminderDigest, SupervisionSession
from supervision.tasks import reminders_daily
from tests import factories as f

from .builders import add_standards

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def database_url() -> str:
    db = settings.DATABASES["default"]  # pytest-django's test database
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Workers:
    """Starts Celery workers on a queue of the test's own and stops them afterwards."""

    def __init__(self, tmp_path: Path):
        self.queue = f"reminders-test-{uuid.uuid4().hex[:8]}"
        self.mail = tmp_path / "mail"
        self.mail.mkdir()
        self.logs = tmp_path
        self.processes: list[subprocess.Popen] = []

    def start(self, name: str, **env: str) -> subprocess.Popen:
        log = self.logs / f"{name}.log"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--queues",
                self.queue,
                "--hostname",
                f"{name}-{self.queue}@%h",
                "--loglevel=info",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "tests.supervision.worker_settings",
                "CELERY_TASK_ALWAYS_EAGER": "false",
                "DATABASE_URL": database_url(),
                "LAUNCHPAD_TEST_MAIL_DIR": str(self.mail),
                **env,
            },
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        wait_for(lambda: " ready." in log.read_text(), f"worker {name} to start", log=log)
        return process

    def enqueue(self, **kwargs):
        return reminders_daily.apply_async(kwargs=kwargs, queue=self.queue)

    def sent_to(self) -> Counter:
        """How many emails each address was sent."""
        return Counter(
            email.message_from_bytes(path.read_bytes())["To"] for path in self.mail.glob("*.eml")
        )

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def wait_for(condition, what: str, timeout: float = 60, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            detail = f"\n{log.read_text()[-3000:]}" if log and log.exists() else ""
            raise AssertionError(f"Timed out waiting for {what}.{detail}")
        time.sleep(0.2)


@pytest.fixture
def workers(tmp_path, transactional_db):
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    started = Workers(tmp_path)
    try:
        yield started
    finally:
        started.stop()
        app.conf.task_always_eager = previous


def workforce(people: int) -> list[str]:
    """A programme with standards and a team of ``people``, every one of them overdue for
    supervision. Returns the email addresses of everyone who should get a digest."""
    programme = f.ProgrammeFactory()
    add_standards(programme)
    service = f.ServiceFactory()
    f.ParticipationFactory(programme=programme, service=service)
    head = f.StaffMemberFactory(service=service)
    manager = f.StaffMemberFactory(
        service=service,
        line_manager=head,
        user=f.UserFactory(),
        role=StaffMember.Role.LINE_MANAGER,
    )
    for _ in range(people):
        f.StaffMemberFactory(service=service, line_manager=manager, user=f.UserFactory())
    return list(
        StaffMember.objects.filter(service=service, user__isnull=False).values_list(
            "user__email", flat=True
        )
    )


def test_two_runs_at_once_send_each_person_one_digest(workers):
    recipients = workforce(30)
    # Slow enough (about 1.5 s a run) that the two runs really overlap.
    workers.start("first", LAUNCHPAD_TEST_MAIL_DELAY="0.05")
    workers.start("second", LAUNCHPAD_TEST_MAIL_DELAY="0.05")
    results = [workers.enqueue(), workers.enqueue()]
    runs = [result.get(timeout=120) for result in results]

    assert workers.sent_to() == Counter(dict.fromkeys(recipients, 1))
    assert ReminderDigest.objects.count() == len(recipients)
    assert sum(run["digests"] for run in runs) == len(recipients)
    assert all(run["failed"] == 0 for run in runs)
    # Every reminder was recorded once and carried by exactly one digest.
    assert not Reminder.objects.filter(digest__isnull=True).exists()
    assert Reminder.objects.count() == sum(
        ReminderDigest.objects.values_list("reminder_count", flat=True)
    )


def test_a_worker_killed_mid_run_leaves_the_rest_to_the_next_without_duplicates(workers):
    recipients = workforce(10)
    # Emails marked sent one at a time: the strictest setting (a query an email).
    doomed = workers.start("doomed", LAUNCHPAD_TEST_MAIL_HANG_AT="5", REMINDER_EMAIL_GROUP="1")
    result = workers.enqueue()
    wait_for(lambda: (workers.mail / "hanging").exists(), "the run to reach the fifth email")
    doomed.send_signal(signal.SIGKILL)  # no warm shutdown: the message stays unacknowledged
    doomed.wait(timeout=20)

    # The batch's digests were recorded together; four emails went out and were marked
    # sent; the fifth person's email died with the worker's transaction, so theirs and
    # the rest are still waiting.
    assert sum(workers.sent_to().values()) == 4
    assert ReminderDigest.objects.count() == len(recipients)
    assert ReminderDigest.objects.filter(emailed_at__isnull=False).count() == 4
    hanging_for = (workers.mail / "hanging").read_text()
    assert ReminderDigest.objects.get(recipient__email=hanging_for).email_pending

    # Acks late: Redis hands the unacknowledged message to the next worker, which
    # records nothing again and sends the emails still waiting.
    workers.start("rescuer", LAUNCHPAD_TEST_VISIBILITY_TIMEOUT="3", REMINDER_EMAIL_GROUP="1")
    run = result.get(timeout=90)
    assert run["digests"] == 0 and run["emailed"] == len(recipients) - 4
    assert workers.sent_to() == Counter(dict.fromkeys(recipients, 1))
    assert ReminderDigest.objects.count() == len(recipients)
    assert not ReminderDigest.objects.filter(email_pending=True).exists()


def test_with_the_default_email_group_a_killed_worker_can_repeat_only_its_group(workers):
    recipients = workforce(10)
    doomed = workers.start("doomed", LAUNCHPAD_TEST_MAIL_HANG_AT="5")
    result = workers.enqueue()
    wait_for(lambda: (workers.mail / "hanging").exists(), "the run to reach the fifth email")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=20)
    # All eleven emails were one group (REMINDER_EMAIL_GROUP, 100 by default), not yet
    # marked sent when the worker died.
    assert sum(workers.sent_to().values()) == 4
    assert ReminderDigest.objects.filter(email_pending=True).count() == len(recipients)

    workers.start("rescuer", LAUNCHPAD_TEST_VISIBILITY_TIMEOUT="3")
    run = result.get(timeout=90)
    assert run["digests"] == 0 and run["emailed"] == len(recipients)
    # Nobody is missed; the four the mail server took before the worker died get theirs
    # twice. One digest each, whatever happened to the emails.
    sent = workers.sent_to()
    assert set(sent) == set(recipients)
    assert sorted(sent.values()) == [1] * (len(recipients) - 4) + [2] * 4
    assert ReminderDigest.objects.count() == len(recipients)


# --- The broker gone ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Just enough of a browser for Django forms: cookies and the CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, path: str, data: dict) -> tuple[int, str]:
        _, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()


def test_with_the_broker_down_pages_still_work_and_the_failure_is_logged(
    transactional_db, tmp_path
):
    programme = f.ProgrammeFactory()
    add_standards(programme)
    service = f.ServiceFactory()
    f.ParticipationFactory(programme=programme, service=service)
    manager_user = f.UserFactory(username="manager@example.org")
    manager = f.StaffMemberFactory(service=service, user=manager_user)
    practitioner = f.StaffMemberFactory(
        service=service, line_manager=manager, user=f.UserFactory(username="p@example.org")
    )
    port = free_port()
    log = tmp_path / "web.log"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": database_url(),
            # Nothing listens on port 1: the broker is down for this web server.
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
            "CELERY_RESULT_BACKEND": "redis://127.0.0.1:1/0",
            "CELERY_TASK_ALWAYS_EAGER": "false",
        },
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: "Booting worker" in log.read_text(), "gunicorn to start", log=log)
        browser = Browser(base)
        wait_for(lambda: _answers(browser), "the web server to answer", log=log)
        status, _ = browser.post(
            "/accounts/login/", {"username": "p@example.org", "password": f.PASSWORD}
        )
        assert status == 200
        started = time.monotonic()
        status, page = browser.post(
            "/my-practice/",
            {
                "supervision_type": "line_management",
                "held_on": timezone.localdate().isoformat(),
                "minutes": "60",
                "supervisor": manager.pk,
                "reflective_percent": "50",
                "vicarious_trauma_concern": "high",
            },
        )
        assert status == 200 and "Saved: line management supervision" in page
        assert time.monotonic() - started < 5  # the broker's absence does not hang the page
        assert SupervisionSession.objects.filter(supervisee=practitioner).exists()
        wait_for(
            lambda: "Could not queue the email for concern reminder" in log.read_text(),
            "the failure to be logged",
            log=log,
        )
        # The prompt is still in the supervisor's notifications; the next digest emails it.
        concern = Reminder.objects.get(kind=Reminder.Kind.CONCERN)
        assert concern.recipient == manager_user and concern.emailed_at is None
        for path in ("/my-practice/", "/notifications/", "/healthz"):
            status, body = browser.get(path)
            assert status == 200, path
        assert '"broker": {"ok": false' in body
    finally:
        server.terminate()
        server.wait(timeout=20)


def _answers(browser: Browser) -> bool:
    try:
        return browser.get("/accounts/login/")[0] == 200
    except OSError:
        return False
