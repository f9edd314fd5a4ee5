"""Background work for reports: a thin wrapper that calls the service."""

from celery import shared_task
from django.db import DatabaseError

from . import services


# No result is kept: the report's row says how it went, and queuing it from a page must
# not wait on the result store when Redis is down.
@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=10,
    max_retries=3,
)
def report_build_task(report_id: int) -> None:
    services.report_build(report_id=report_id)
