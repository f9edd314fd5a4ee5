"""A large programme's report produced by a real Celery worker through the local Redis,
writing to the real PostgreSQL test database (see tests/supervision/test_reminder_worker.py
for the pattern: the test commits its data and points the worker at the test database)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app
from reports.models import GeneratedReport

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path, transactional_db):
    queue = f"reports-test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--queues",
            queue,
            "--hostname",
            f"{queue}@%h",
            "--loglevel=info",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DATABASE_URL": database_url(),
            "MEDIA_ROOT": settings.MEDIA_ROOT,
        },
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while " ready." not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
        yield log
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_large_programme_report_is_produced_by_a_worker_and_downloaded(
    client, programme_world, worker, settings
):
    settings.REPORTS_BACKGROUND_STAFF = 0  # every programme counts as large
    w = programme_world
    client.force_login(w.commissioner)
    started = time.monotonic()
    response = client.post(f"/reports/programmes/{w.programme.pk}/new/")
    assert time.monotonic() - started < 5  # the request does not wait for the PDF
    report = GeneratedReport.objects.get()
    assert response["Location"] == f"/reports/{report.pk}/"

    deadline = time.monotonic() + 90
    while report.status in (GeneratedReport.Status.QUEUED, GeneratedReport.Status.RUNNING):
        assert time.monotonic() < deadline, worker.read_text()[-3000:]
        time.sleep(0.5)
        report.refresh_from_db()
    assert report.status == GeneratedReport.Status.READY, report.error
    assert report.pages and report.pages >= 5
    page = client.get(f"/reports/{report.pk}/", headers={"HX-Request": "true"})
    assert f"/reports/{report.pk}/download/" in page.content.decode()
    download = client.get(f"/reports/{report.pk}/download/")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
