"""Writes for reports: asking for one, and producing it (now, or on a worker)."""

from __future__ import annotations

import logging
import time
from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cohorts.models import StaffMember
from commissioning.models import Participation, Programme, Service

from . import rules
from .documents import render_pdf, report_html
from .models import GeneratedReport
from .queries import programme_dashboard, service_dashboard
from .sections import PROGRAMME_SECTIONS, SERVICE_SECTIONS, ReportData, latest_agreements_of

logger = logging.getLogger(__name__)


def staff_in_scope(*, programme: Programme | None = None, service: Service | None = None) -> int:
    """How many active staff a report covers: what decides whether it waits for a worker."""
    if programme is not None:
        services = Participation.objects.filter(programme=programme).values("service_id")
        return StaffMember.objects.filter(service_id__in=services, is_active=True).count()
    return StaffMember.objects.filter(service=service, is_active=True).count()


def report_request(
    *,
    requested_by: User,
    as_of: date,
    programme: Programme | None = None,
    service: Service | None = None,
) -> GeneratedReport:
    """Ask for a report. Small ones (up to ``REPORTS_BACKGROUND_STAFF`` active staff) are
    produced at once; larger ones are queued for a worker once this transaction commits.
    If the broker cannot be reached the report is marked failed with a reason, so the
    page says so rather than waiting."""
    report = GeneratedReport.objects.create(
        requested_by=requested_by, programme=programme, service=service, as_of=as_of
    )
    if staff_in_scope(programme=programme, service=service) <= settings.REPORTS_BACKGROUND_STAFF:
        report_build(report_id=report.pk)
        report.refresh_from_db()
    else:
        transaction.on_commit(lambda: _queue(report.pk))
    return report


def _queue(report_id: int) -> None:
    from .tasks import report_build_task

    try:
        report_build_task.apply_async((report_id,), retry=False)
    except Exception:  # kombu raises many transport-specific errors
        logger.exception("Could not queue report %s", report_id)
        GeneratedReport.objects.filter(pk=report_id, status=GeneratedReport.Status.QUEUED).update(
            status=GeneratedReport.Status.FAILED,
            error="The background service could not be reached. Please try again shortly.",
            finished=timezone.now(),
        )


def report_build(*, report_id: int) -> GeneratedReport | None:
    """Produce a queued report. Only one run claims it (a conditional update), so a
    retried or duplicated task does nothing twice."""
    claimed = GeneratedReport.objects.filter(
        pk=report_id, status=GeneratedReport.Status.QUEUED
    ).update(status=GeneratedReport.Status.RUNNING)
    if not claimed:
        return None
    report = GeneratedReport.objects.select_related("programme", "service", "requested_by").get(
        pk=report_id
    )
    started = time.monotonic()
    try:
        content, pages = report_pdf(report)
    except Exception as error:
        logger.exception("Report %s failed", report_id)
        report.status = GeneratedReport.Status.FAILED
        report.error = f"The report could not be produced ({type(error).__name__})."
        report.finished = timezone.now()
        report.save(update_fields=["status", "error", "finished"])
        return report
    report.file.save(report.filename, ContentFile(content), save=False)
    report.pages = pages
    report.seconds = round(time.monotonic() - started, 2)
    report.status = GeneratedReport.Status.READY
    report.finished = timezone.now()
    report.save(update_fields=["file", "pages", "seconds", "status", "finished"])
    return report


def report_pdf(report: GeneratedReport) -> tuple[bytes, int]:
    """The report's PDF and its page count, from the same figures as the dashboard.

    The figures are those the requester sees on the dashboard: a programme report is for
    its commissioners, who see every service.
    """
    user = report.requested_by
    if user is None:  # the requester's account was removed: nobody to scope it to
        raise ValueError("A report is produced for the person who asked for it.")
    if report.programme is not None:
        dashboard = programme_dashboard(user, report.programme, report.as_of)
        sections = PROGRAMME_SECTIONS
    else:
        assert report.service is not None  # the model's check constraint
        dashboard = service_dashboard(user, report.service, report.as_of)
        sections = SERVICE_SECTIONS
    data = ReportData(
        dashboard=dashboard,
        produced_by=user.get_full_name() or user.username,
        produced_at=timezone.localtime(),
        risks=rules.risks(dashboard),
        recommendations=rules.recommendations(dashboard),
        agreements=latest_agreements_of([r.participation for r in dashboard.services]),
    )
    pdf = render_pdf(report_html(data, sections))
    return pdf.content, pdf.pages
