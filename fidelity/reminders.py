"""Fidelity's reminder sources for the daily run (registered in ``FidelityConfig.ready``).

Both read in batches or single queries, so the run costs the same number of queries
however many staff there are.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.urls import reverse

from supervision.models import Reminder
from supervision.reminders import Due, reminder_source

from . import queries

STAFF_BATCH = 2000
# A reflection or a support action is mentioned from a week before it is due.
NOTICE_DAYS = queries.DUE_SOON_DAYS


@reminder_source
def fidelity_reflections_due(today: date) -> Iterator[Due]:
    """Each practitioner whose next reflection is due within a week, or overdue, once per
    due date. Two queries, plus one per batch of staff."""
    plans = queries.plans_by_service()
    if not plans:
        return
    url = reverse("fidelity:check_new")
    after = 0
    while batch := queries.staff_for_fidelity_reminders(after, STAFF_BATCH):
        for person in batch:
            due = queries.next_check_due(
                plans.get(person.service_id), person.last_check_on, person.start_date
            )
            if due is None or due > today + timedelta(days=NOTICE_DAYS):
                continue
            when = f"was due on {due:%d/%m/%Y}" if due < today else f"is due by {due:%d/%m/%Y}"
            message = f"Your practice reflection {when}. It takes about three minutes."
            yield Due(
                person.user_id,
                Reminder.Kind.FIDELITY_DUE,
                f"fidelity:{person.pk}",
                due.isoformat(),
                message,
                url,
            )
        after = batch[-1].pk


@reminder_source
def support_actions_due(today: date) -> Iterator[Due]:
    """Open support actions due within a week or overdue, for the line manager who owns
    them: one query."""
    for action in queries.support_actions_for_reminders(today + timedelta(days=NOTICE_DAYS)):
        if action.due_on < today:
            when = f"was due on {action.due_on:%d/%m/%Y}"
        else:
            when = f"is due by {action.due_on:%d/%m/%Y}"
        yield Due(
            action.owner.user_id,
            Reminder.Kind.FIDELITY_DUE,
            f"support:{action.pk}",
            action.due_on.isoformat(),
            f"Support for {action.staff.full_name} {when}: {action.description}",
            reverse("fidelity:support_action_detail", kwargs={"pk": action.pk}),
        )
