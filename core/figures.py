"""Aggregate figures that cost real work on national-sized data, kept in Django's cache
until anything they could be computed from changes.

Every key carries version counters that move on when records in the stage apps are saved
or deleted (see ``core.apps``), once at the time and again when the transaction commits,
so figures computed from the old rows between the two are never found again:

- the *figures version* (``VERSION_KEY``) moves with every change. Keys that name no
  scope (those keyed by SQL or by an arbitrary set of staff) carry it alone.
- a counter per programme and per service moves with changes to the day-to-day records
  of that programme's or service's staff (sessions, CPD, checks, responses, champions:
  ``core.figure_scopes``), and the *base version* (``BASE_KEY``) with every other change.
  Keys of figures about one programme or some services carry the base version and those
  scopes' counters, so a session logged in one programme leaves the others' figures be.

Writes that bypass model signals (``QuerySet.update``, ``bulk_create``, the scale
generator's COPY) call ``figures_changed()`` themselves. Keys also carry the date the
figures are "as of": cadence and due dates move with the calendar, so each day's figures
are their own. Every entry expires after ``FIGURES_CACHE_SECONDS`` in any case.

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

# Moved on by every change: the version of figures that name no scope.
VERSION_KEY = "figures:version"
# Moved on by every change not narrowed to programmes and services: scoped figures carry
# it beside their scopes' own counters (``figures:programme:<id>``, ``figures:service:<id>``).
BASE_KEY = "figures:base"

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


def programme_key(programme: object) -> str:
    return f"figures:programme:{getattr(programme, 'pk', programme)}"


def service_key(service: object) -> str:
    return f"figures:service:{getattr(service, 'pk', service)}"


def _counters(keys: list[str]) -> list[int]:
    """The current value of each counter, in one cache round trip while they all exist.

    A missing counter is started from the clock rather than 1, so a counter lost from the
    cache can never come back to a number whose old entries are still there."""
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        start = time.time_ns()
        for key in missing:
            cache.add(key, start, timeout=None)
        found.update(cache.get_many(missing))
    # 0: a cache that keeps nothing (CACHE_URL=dummy://)
    return [int(found.get(key) or 0) for key in keys]


def figures_version() -> int:
    """The counter every change moves on."""
    return _counters([VERSION_KEY])[0]


def _bump(keys: list[str]) -> None:
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:  # the counter was evicted: start a fresh one
            _counters([key])


def _bump_now_and_on_commit(keys: list[str]) -> None:
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def figures_changed() -> None:
    """Forget every cached figure, now and again once the current transaction commits."""
    _bump_now_and_on_commit([VERSION_KEY, BASE_KEY])


def figures_changed_for(*, programmes: Iterable[object], services: Iterable[object]) -> None:
    """Forget the figures about these programmes and services, and those that name no
    scope, now and again once the current transaction commits. For a change that can
    alter no figure about any other programme or service (``core.figure_scopes``)."""
    keys = [
        VERSION_KEY,
        *sorted({programme_key(p) for p in programmes}),
        *sorted({service_key(s) for s in services}),
    ]
    _bump_now_and_on_commit(keys)


def _key(
    name: str,
    parts: Iterable[object],
    programmes: Iterable[object] | None,
    services: Iterable[object] | None,
) -> str:
    versions: list[object]
    if programmes is None and services is None:
        versions = [figures_version()]
    else:
        counters = [
            BASE_KEY,
            *sorted({programme_key(p) for p in programmes or ()}),
            *sorted({service_key(s) for s in services or ()}),
        ]
        versions = ["scoped", *counters, *_counters(counters)]
    text = "|".join(str(part) for part in [*versions, "", *parts])
    digest = hashlib.sha256(text.encode()).hexdigest()[:40]
    return f"figures:{name}:{digest}"


def remembered(
    name: str,
    parts: Iterable[object],
    compute: Callable[[], T],
    *,
    programmes: Iterable[object] | None = None,
    services: Iterable[object] | None = None,
) -> T:
    """``compute()``'s result for this scope, from the cache when the data has not changed
    since it was last computed. ``parts`` must name the whole scope (ids, date, options).

    ``programmes`` and ``services`` (instances or ids) narrow what makes it stale: give
    them only when every row ``compute`` reads is either about the staff of those
    services or programmes' services (or a record that names one of the programmes), or
    of a kind that moves the base version (``core.figure_scopes``). Otherwise any change
    at all makes it stale."""
    key = _key(name, parts, programmes, services)
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
