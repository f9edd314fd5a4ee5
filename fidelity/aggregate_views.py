"""Fidelity aggregates and signals above the line manager: thin views over
``fidelity.aggregates`` and ``fidelity.signals``, which apply the privacy rules."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from commissioning.models import Programme, Service
from commissioning.queries import get_programme_for_user

from . import aggregates
from .aggregates import Aggregates
from .signals import scope_signals


def _page(request: HttpRequest, template: str, figures: Aggregates, **context) -> HttpResponse:
    return render(
        request,
        template,
        {
            "figures": figures,
            "tables": {name: aggregates.table_rows(figures, name) for name in aggregates.TABLES},
            "trend_columns": aggregates.table_columns(figures, "trend"),
            "principle_chart": aggregates.principle_chart(figures),
            "trend_chart": aggregates.trend_chart(figures),
            "signals": scope_signals(figures.scope, figures.as_of),
            **context,
        },
    )


def _csv(figures: Aggregates, table: str, name: str) -> HttpResponse:
    """One table as CSV, with the same suppression and notes as the page."""
    if table not in aggregates.TABLES:
        raise Http404("No such table.")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{slugify(name)}-fidelity-{table}-{figures.as_of:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([aggregates.TABLES[table], *aggregates.table_columns(figures, table)])
    for row in aggregates.table_rows(figures, table):
        writer.writerow(
            [row.label, *(f"{text} (note {note})" if note else text for text, note in row.cells)]
        )
    writer.writerow([])
    for number, reason in enumerate(figures.notes, start=1):
        writer.writerow([f"Note {number}", reason])
    writer.writerow(
        [
            "Privacy",
            f"Figures about fewer than {figures.threshold} people are not shown, "
            "so no one can be identified.",
        ]
    )
    return response


# --- A programme: its services side by side ----------------------------------------------------


def _programme_figures(request: HttpRequest, pk: int) -> tuple[Programme, Aggregates]:
    programme = get_programme_for_user(request.user, pk)
    services = aggregates.services_seen_in_programme(request.user, programme)
    scope = aggregates.programme_scope(programme, services)
    return programme, aggregates.aggregates_for(scope, timezone.localdate())


@login_required
def programme_aggregates(request: HttpRequest, pk: int) -> HttpResponse:
    programme, figures = _programme_figures(request, pk)
    return _page(request, "fidelity/programme_aggregates.html", figures, programme=programme)


@login_required
def programme_aggregates_csv(request: HttpRequest, pk: int, table: str) -> HttpResponse:
    programme, figures = _programme_figures(request, pk)
    return _csv(figures, table, programme.name)


# --- A service: its teams side by side ---------------------------------------------------------


def _service_figures(
    request: HttpRequest, pk: int
) -> tuple[Service, list[Programme], Aggregates | None]:
    service = aggregates.get_service_for_aggregates(request.user, pk)
    programmes = aggregates.programmes_for_service(request.user, service)
    chosen = request.GET.get("programme", "")
    programme = next((p for p in programmes if str(p.pk) == chosen), None)
    if programme is None and programmes:
        programme = programmes[0]
    if programme is None:
        return service, programmes, None
    scope = aggregates.service_scope(
        programme, service, name_teams=aggregates.may_name_teams(request.user, service)
    )
    return service, programmes, aggregates.aggregates_for(scope, timezone.localdate())


@login_required
def service_aggregates(request: HttpRequest, pk: int) -> HttpResponse:
    service, programmes, figures = _service_figures(request, pk)
    context = {"service": service, "programmes": programmes}
    if figures is None:
        return render(request, "fidelity/service_aggregates.html", context)
    return _page(
        request,
        "fidelity/service_aggregates.html",
        figures,
        programme=figures.scope.programme,
        programme_query=f"?programme={figures.scope.programme.pk}",
        **context,
    )


@login_required
def service_aggregates_csv(request: HttpRequest, pk: int, table: str) -> HttpResponse:
    service, _, figures = _service_figures(request, pk)
    if figures is None:
        raise Http404("This service takes part in no programme you can see.")
    return _csv(figures, table, service.name)
