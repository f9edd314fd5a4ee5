"""Starting the app with bad configuration fails clearly, in a fresh process each time."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNIPPET = (
    "import django; django.setup(); from django.test import Client; "
    "r = Client().get('/healthz'); print(r.status_code, r.content.decode())"
)


def run_django(**env_overrides):
    # Start from the real environment minus what config.test_settings put there.
    ours = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"}
    env = {k: v for k, v in os.environ.items() if k not in ours}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "ALLOWED_HOSTS": "testserver"})
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", SNIPPET],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_bad_database_url_fails_with_one_line():
    result = run_django(DEBUG="true", DATABASE_URL="not-a-url")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [result.stderr.strip().splitlines()[-1]]
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_django(DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_with_nothing_set_it_runs_on_sqlite_in_debug(tmp_path):
    result = run_django(DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("200 ")
    assert '"vendor": "sqlite"' in result.stdout
    assert "tasks run in-process" in result.stdout


def test_healthz_answers_503_when_the_database_is_unreachable():
    result = run_django(DEBUG="true", DATABASE_URL="postgres://postgres@127.0.0.1:1/launchpad")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("503 ")
    assert '"ok": false' in result.stdout


def _connection_settings(**env) -> str:
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "d = settings.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    ours = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "REDIS_URL", "CONN_MAX_AGE"}
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true", **env})
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_connections_are_kept_between_requests_and_checked_before_reuse():
    url = "postgres://postgres@127.0.0.1:5432/launchpad"
    assert _connection_settings(DATABASE_URL=url) == "60 True"
    assert _connection_settings(DATABASE_URL=url, CONN_MAX_AGE="0") == "0 True"


def test_sqlite_connections_are_not_kept(tmp_path):
    assert _connection_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}") == "0 False"


@pytest.mark.django_db
def test_postgresql_sessions_run_without_jit_compilation():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
