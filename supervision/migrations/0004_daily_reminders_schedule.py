"""The daily reminder run's schedule, as a django-celery-beat periodic task.

It lives in the database so an administrator can change it in Django admin (Periodic
tasks › "Daily reminders"); this migration only creates it when it is missing, so
an edited schedule is never overwritten.
"""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "Daily reminders"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    seven_am, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="7",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/London",
    )
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task="supervision.tasks.reminders_daily",
        crontab=seven_am,
        # A run that could not start within six hours is dropped, not piled up: the next
        # day's run finds everything still due anyway.
        expire_seconds=6 * 60 * 60,
        description=(
            "Finds supervision, coaching, CPD and resource reviews that are due soon or "
            "overdue and sends each person one digest (in Launchpad and by email)."
        ),
    )
    # Tell a running beat that the schedule changed.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0003_sessions_confirmation_digests_preferences"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
