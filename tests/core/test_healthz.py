import json

from core.health import broker_status


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    payload = json.loads(response.content)
    assert payload["status"] == "ok"
    assert payload["database"] == {"ok": True, "vendor": "postgresql"}
    assert payload["broker"]["ok"] is True


def test_broker_down_is_reported_not_fatal(client, db, settings):
    # Nothing listens on port 1: the broker is unavailable but the page still answers.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/healthz")
    assert response.status_code == 200
    payload = json.loads(response.content)
    assert payload["broker"]["ok"] is False
    assert "unavailable" in payload["broker"]["detail"]


def test_broker_status_reads_a_live_redis():
    assert broker_status("redis://127.0.0.1:6379/14", eager=False)["ok"] is True


def test_pages_work_when_the_broker_is_down(client, world, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    client.force_login(world.practitioner)
    assert client.get("/my-practice/").status_code == 200
