"""A real round trip: the task goes through the real Redis broker to a real worker."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config.celery import app
from core.tasks import echo

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
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
            "--loglevel=warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield process
    finally:
        app.conf.task_always_eager = previous
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.worker
def test_a_task_round_trips_through_redis_and_a_worker(worker):
    started = time.monotonic()
    result = echo.delay("hello from the test")
    reply = result.get(timeout=60)
    assert reply["value"] == "hello from the test"
    assert result.successful()
    assert time.monotonic() - started < 60
    assert worker.poll() is None  # the worker is still running
