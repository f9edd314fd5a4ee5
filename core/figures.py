"""Aggregate figures that cost real work on national-sized data, kept in Django's cache
until anything they could be computed from changes.

Every key carries the *figures version*, a counter that moves on whenever a record in
the stage apps is saved or deleted (see ``core.apps``), once at the time and again when
the transaction commits, so figures computed from the old rows between the two are never
found again. Writes that bypass model signals (``QuerySet.update``, ``bulk_create``, the
scale generator's COPY) call ``figures_changed()`` themselves. Keys also carry the date
the figures are "as of": cadence and due dates move with the calendar, so each day's
figures are their own. Every entry expires after ``FIGURES_CACHE_SECONDS`` in any case.

What is cached is only ever an aggregate already reduced by the query layer's
small-number suppression, keyed by exactly the scope it was computed for (programme,
services, date). Who may see a scope is decided before the cache is asked, on every
request, so the cache never widens what anyone sees.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import models, transaction
from django.db.models import QuerySet

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

VERSION_KEY = "figures:version"

# Records whose changes cannot alter any aggregate figure: reminders, digests and
# preferences are about telling people, generated reports are outputs, drafts are unscored.
NOT_FIGURES = {
    "supervision.reminder",
    "supervision.reminderdigest",
    "supervision.notificationpreference",
    "outcomes.responsedraft",
    "reports.generatedreport",
    "cohorts.staffimport",
}
FIGURE_APPS = {"commissioning", "cohorts", "supervision", "outcomes", "fidelity"}


def counts_for_figures(label: str) -> bool:
    """Whether a change to a model (``app_label.modelname``) may change a figure."""
    app = label.split(".", 1)[0]
    return app in FIGURE_APPS and label not in NOT_FIGURES


def figures_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Started from the clock rather than 1, so a counter lost from the cache can never
        # come back to a number whose old entries are still there.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return int(version or 0)  # 0: a cache that keeps nothing (CACHE_URL=dummy://)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the counter was evicted: start a fresh one
        figures_version()


def figures_changed() -> None:
    """Forget every cached figure, now and again once the current transaction commits."""
    _bump()
    transaction.on_commit(_bump)


def _key(name: str, parts: Iterable[object]) -> str:
    text = "|".join(str(part) for part in parts)
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return f"figures:{figures_version()}:{name}:{digest}"


def remembered(name: str, parts: Iterable[object], compute: Callable[[], T]) -> T:
    """``compute()``'s result for this scope, from the cache when the data has not changed
    since it was last computed. ``parts`` must name the whole scope (ids, date, options)."""
    key = _key(name, parts)
    found = cache.get(key)
    if found is not None:
        return found
    value = compute()
    if value is not None:
        cache.set(key, value, timeout=settings.FIGURES_CACHE_SECONDS)
    return value


def remembered_rows(name: str, queryset: QuerySet[M]) -> list[M]:
    """The rows of an aggregate-annotated queryset, remembered under its exact SQL (which
    names the whole scope, the viewer's visibility filters included)."""
    key = query_key(queryset)
    if key is None:
        return []
    return remembered(name, [key], lambda: list(queryset))


def query_key(queryset: QuerySet[Any]) -> str | None:
    """A key part naming exactly the rows a queryset asks for: its SQL and parameters.
    None when it can match nothing (Django does not even build SQL for that)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    return f"{sql}|{params!r}"


def ids_of(objects: Iterable[Any] | None) -> str:
    """A stable key part for an optional set of model instances or primary keys."""
    if objects is None:
        return "all"
    return ",".join(str(pk) for pk in sorted(getattr(o, "pk", o) for o in objects))
