"""Load test with gunicorn (2 workers) and wrk, on the data as it is.

    python manage.py loadtest                 # 30 s for each of three scenarios
    python manage.py loadtest --seconds 10 --connections 8

Prints a Markdown table and writes it, with a JSON copy, to bench-results/.
With --strict it exits with status 1 if the budget is missed (ratio below 0.5 or any
error); otherwise the table says FAIL and the command succeeds, like ``manage.py bench``.
"""

import logging

from django.core.management.base import BaseCommand, CommandError

from core.bench import BenchError, find_subjects, static_files_ready
from core.loadtest import markdown, run_loadtest, write_results


class Command(BaseCommand):
    help = "Load test: gunicorn with 2 workers on 127.0.0.1, driven by wrk."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=30, help="length of each scenario")
        parser.add_argument("--connections", type=int, default=4, help="wrk's open connections")
        parser.add_argument("--threads", type=int, default=1, help="wrk's threads")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument("--programme", type=int, help="programme id (default: most staff)")
        parser.add_argument("--service", type=int, help="service id (default: its largest)")
        parser.add_argument("--strict", action="store_true", help="exit 1 if over budget")

    def handle(self, *args, **options):
        logging.getLogger("axes").setLevel(logging.WARNING)
        # The server runs with DEBUG off, so it needs collectstatic's manifest too.
        static_files_ready(always=True)
        try:
            subjects = find_subjects(
                programme_id=options["programme"], service_id=options["service"]
            )
            results = run_loadtest(
                subjects,
                seconds=options["seconds"],
                connections=options["connections"],
                threads=options["threads"],
                workers=options["workers"],
                progress=lambda line: self.stderr.write(f"  {line}"),
            )
        except BenchError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(markdown(results))
        md_path, json_path = write_results(results)
        self.stderr.write(f"Written to {md_path} and {json_path}")
        if options["strict"] and not results.passed:
            raise CommandError("The load budget was missed (see the table).")
