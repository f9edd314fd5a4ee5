from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from commissioning.models import Programme, Service
from core.figures import remembered

from . import queries, rules, services
from .exports import FORMATS, table_response
from .forms import PeriodForm
from .models import GeneratedReport


def _period(request: HttpRequest, data=None) -> tuple[PeriodForm, date]:
    """The chosen date (today unless one of the offered dates is chosen)."""
    form = PeriodForm(data if data is not None else request.GET or None)
    chosen = ""
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data["as_of"]
    as_of = date.fromisoformat(chosen) if chosen else timezone.localdate()
    return form, as_of


def _figures_html(dashboard, query: str, export_base: str) -> str:
    """A dashboard's figures section: headline, facts, risks, tables and charts."""
    context = {
        "dashboard": dashboard,
        "risks": rules.risks(dashboard),
        "query": query,
        "export_base": export_base,
    }
    return render_to_string("reports/_dashboard_figures.html", context)


def _dashboard_page(request, heading, figures_html: str, form, **extra) -> HttpResponse:
    """The page around a dashboard's figures: heading, period, report button and list."""
    return render(
        request,
        "reports/dashboard.html",
        {
            "dashboard": heading,
            "figures_html": mark_safe(figures_html),  # rendered by _figures_html
            "period_form": form,
            "query": request.GET.urlencode(),
            **extra,
        },
    )


@dataclass
class DashboardHeading:
    """What the page around a dashboard's figures needs, without working the figures out."""

    level: str
    name: str
    as_of: date
    programme: Programme | None = None
    service: Service | None = None


def _cached_dashboard_page(request, heading, build, scope, form, **extra) -> HttpResponse:
    """A programme's or service's dashboard whose figures section is rendered once per
    viewer scope, date and data version (``core.figures``): at national size the tables
    for a hundred services take longer to render than to compute.

    A programme's figures read only records about its services' staff or naming the
    programme; a service's only records about its own staff (its champions, teams,
    impact and fidelity, in whichever programmes): so each is forgotten only when those
    change, or when anything else (standards, stages, people, ...) does."""
    query = request.GET.urlencode()
    html = remembered(
        "dashboard_figures",
        [*scope, heading.as_of, query],
        lambda: _figures_html(build(), query, extra["export_base"]),
        programmes=[heading.programme.pk] if heading.programme else None,
        services=[heading.service.pk] if heading.service else None,
    )
    return _dashboard_page(request, heading, html, form, **extra)


@login_required
def programme_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    programme = queries.programme_for_dashboard(request.user, pk)
    form, as_of = _period(request)
    may_report = queries.may_produce_programme_report(request.user, programme)
    return _cached_dashboard_page(
        request,
        DashboardHeading("programme", programme.name, as_of, programme=programme),
        lambda: queries.programme_dashboard(request.user, programme, as_of),
        queries.dashboard_scope(request.user, programme=programme),
        form,
        may_report=may_report,
        report_url=reverse("reports:programme_report_create", args=[programme.pk]),
        reports=queries.recent_reports(request.user, programme=programme) if may_report else [],
        export_base=reverse("reports:programme_dashboard", args=[programme.pk]),
    )


@login_required
def service_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    service = queries.get_dashboard_service_for_user(request.user, pk)
    form, as_of = _period(request)
    return _cached_dashboard_page(
        request,
        DashboardHeading("service", service.name, as_of, service=service),
        lambda: queries.service_dashboard(request.user, service, as_of),
        queries.dashboard_scope(request.user, service=service),
        form,
        may_report=True,
        report_url=reverse("reports:service_report_create", args=[service.pk]),
        reports=queries.recent_reports(request.user, service=service),
        export_base=reverse("reports:service_dashboard", args=[service.pk]),
    )


def _line_manager_or_404(request: HttpRequest):
    manager = queries.team_line_manager(request.user)
    if manager is None:
        raise Http404("You do not manage a team.")
    return manager


@login_required
def team_dashboard(request: HttpRequest) -> HttpResponse:
    manager = _line_manager_or_404(request)
    form, as_of = _period(request)
    dashboard = queries.team_dashboard(manager, as_of)
    export_base = reverse("reports:team_dashboard")
    figures = _figures_html(dashboard, request.GET.urlencode(), export_base)
    return _dashboard_page(
        request, dashboard, figures, form, may_report=False, export_base=export_base
    )


def _export(dashboard, table_key: str, fmt: str) -> HttpResponse:
    table = dashboard.table(table_key)
    if table is None or fmt not in FORMATS:
        raise Http404("There is no such table.")
    name = "".join(c if c.isalnum() else "-" for c in dashboard.name.lower()).strip("-")
    return table_response(table, fmt, name=name, as_of=dashboard.as_of)


@login_required
def programme_export(request: HttpRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    programme = queries.programme_for_dashboard(request.user, pk)
    _, as_of = _period(request)
    return _export(queries.programme_dashboard(request.user, programme, as_of), table, fmt)


@login_required
def service_export(request: HttpRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    service = queries.get_dashboard_service_for_user(request.user, pk)
    _, as_of = _period(request)
    return _export(queries.service_dashboard(request.user, service, as_of), table, fmt)


@login_required
def team_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    manager = _line_manager_or_404(request)
    _, as_of = _period(request)
    return _export(queries.team_dashboard(manager, as_of), table, fmt)


# --- Reports ------------------------------------------------------------------------------------


def _after_request(request: HttpRequest, report: GeneratedReport) -> HttpResponse:
    if report.status == GeneratedReport.Status.READY:
        return redirect("reports:report_download", pk=report.pk)
    if report.status == GeneratedReport.Status.FAILED:
        messages.error(request, report.error or "The report could not be produced.")
    return redirect("reports:report_detail", pk=report.pk)


@login_required
def programme_report_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = queries.programme_for_dashboard(request.user, pk)
    if request.method != "POST":  # after the lookup: 404 for what the user may not see
        return HttpResponseNotAllowed(["POST"])
    if not queries.may_produce_programme_report(request.user, programme):
        raise PermissionDenied("Only the programme's commissioners produce its report.")
    _, as_of = _period(request, request.POST)
    with transaction.atomic():
        report = services.report_request(
            requested_by=request.user, programme=programme, as_of=as_of
        )
    return _after_request(request, report)


@login_required
def service_report_create(request: HttpRequest, pk: int) -> HttpResponse:
    service = queries.get_dashboard_service_for_user(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _, as_of = _period(request, request.POST)
    with transaction.atomic():
        report = services.report_request(requested_by=request.user, service=service, as_of=as_of)
    return _after_request(request, report)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = queries.get_report_for_user(request.user, pk)
    template = "reports/_report_status.html" if request.htmx else "reports/report_detail.html"
    return render(request, template, {"report": report})


@login_required
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = queries.get_report_for_user(request.user, pk)
    if report.status != GeneratedReport.Status.READY or not report.file:
        raise Http404("This report is not ready.")
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.filename,
        content_type="application/pdf",
    )
