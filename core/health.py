"""Checks behind /healthz, each bounded to about a second."""

from django.db import DatabaseError
from kombu import Connection


def database_status(connection) -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"ok": False, "detail": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def broker_status(url: str, *, eager: bool) -> dict:
    if eager and url.startswith("memory://"):
        return {"ok": True, "detail": "not configured: tasks run in-process"}
    try:
        with Connection(url, connect_timeout=1, transport_options={"max_retries": 0}) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=1)
    except Exception as exc:  # kombu surfaces many transport-specific errors
        return {"ok": False, "detail": f"unavailable ({exc.__class__.__name__})"}
    return {"ok": True, "detail": "reachable"}
