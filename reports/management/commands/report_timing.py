"""How long the programme commissioning report takes, and how many pages it has.

    python manage.py seed_demo            # once, on the database you want to measure
    python manage.py report_timing        # every programme, as its first commissioner

Nothing is saved: the PDF is produced in memory, the same way the worker produces it.
"""

import time

from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commissioning.models import Programme
from reports.models import GeneratedReport
from reports.services import report_pdf, staff_in_scope


class Command(BaseCommand):
    help = "Time the programme commissioning report for each programme (or --programme)."

    def add_arguments(self, parser):
        parser.add_argument("--programme", type=int, help="only this programme's id")
        parser.add_argument("--runs", type=int, default=3, help="runs per programme")

    def handle(self, *args, programme=None, runs=3, **options):
        programmes = Programme.objects.order_by("pk")
        if programme:
            programmes = programmes.filter(pk=programme)
        for item in programmes:
            commissioner = (
                item.commissioning_organisation.commissioner_memberships.select_related("user")
                .order_by("pk")
                .first()
            )
            if commissioner is None:
                self.stdout.write(f"{item.name}: no commissioner to produce it as; skipped")
                continue
            report = GeneratedReport(
                programme=item, as_of=timezone.localdate(), requested_by=commissioner.user
            )
            timings = []
            for _ in range(runs):
                reset_queries()
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    content, pages = report_pdf(report)
                    timings.append(time.perf_counter() - started)
            timings.sort()
            self.stdout.write(
                f"{item.name}: {pages} pages, {len(content) // 1024} KB, "
                f"{staff_in_scope(programme=item)} active staff, {len(queries)} queries; "
                f"median {timings[len(timings) // 2]:.2f} s, best {timings[0]:.2f} s "
                f"over {runs} runs ({connection.vendor})"
            )
