"""Background work for reminders: thin wrappers that call services.

Both tasks are safe to run twice, to retry and to run at the same time as themselves
(the services explain how), which is what lets them acknowledge late: a worker that
dies mid-run leaves the message on the queue and another worker finishes the job.
"""

from datetime import date

from celery import shared_task
from django.db import DatabaseError

from . import services


@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=30,
    max_retries=3,
)
def reminders_daily(day: str | None = None) -> dict:
    """The daily run beat starts (schedule in Django admin: Periodic tasks)."""
    today = date.fromisoformat(day) if day else None
    return services.reminders_run_daily(today=today).as_dict()


# No result is kept: queuing it from a page must not wait on the result store, which
# otherwise retries for about 20 seconds when Redis is down before giving up.
@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=10,
    max_retries=5,
)
def reminder_prompt_send(reminder_id: int) -> bool:
    """Email a significant concern's prompt to the supervisor straight away."""
    return services.reminder_prompt_send(reminder_id=reminder_id)
