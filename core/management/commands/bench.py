"""Measure pages, the programme PDF and the daily reminder job on the data as it is.

    python manage.py bench                       # everything, 30 requests a page
    python manage.py bench --repeats 50 --only pages
    python manage.py bench --skip-reminders

Nothing is generated: run it on a generated data set (``make bench`` makes one) or on the
demo world. The reminder job records reminders and digests as it would in production;
the bench removes them afterwards (unless --keep-reminders) so every run measures a
first run of the day.
Results are printed as Markdown and written, with a JSON copy, to bench-results/.
"""

import logging

from django.core.management.base import BaseCommand, CommandError

from core.bench import (
    PARTS,
    BenchError,
    find_subjects,
    markdown,
    run_bench,
    static_files_ready,
    write_results,
)


class Command(BaseCommand):
    help = "Measure pages, the programme PDF and the daily reminder job on the data as it is."

    def add_arguments(self, parser):
        parser.add_argument("--repeats", type=int, default=30, help="timed requests a page")
        parser.add_argument("--warmups", type=int, default=2, help="untimed requests first")
        parser.add_argument("--pdf-runs", type=int, default=5, help="PDFs made each way")
        parser.add_argument(
            "--only", action="append", choices=PARTS, help="measure only this part (repeatable)"
        )
        parser.add_argument("--skip-reminders", action="store_true", help="leave the job out")
        parser.add_argument(
            "--keep-reminders",
            action="store_true",
            help="keep what the job records (by default it is removed after measuring)",
        )
        parser.add_argument("--programme", type=int, help="programme id (default: most staff)")
        parser.add_argument("--service", type=int, help="service id (default: its largest)")
        for role in ("commissioner", "service-manager", "line-manager", "practitioner"):
            parser.add_argument(f"--{role}", help=f"email or username of the {role}")

    def handle(self, *args, **options):
        # django-axes logs every force_login; the bench makes hundreds.
        logging.getLogger("axes").setLevel(logging.WARNING)
        # WeasyPrint warns on every PDF that it subsets fonts with fontTools.
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        parts = tuple(options["only"] or PARTS)
        if options["skip_reminders"]:
            parts = tuple(p for p in parts if p != "reminders")
        static_files_ready()
        try:
            subjects = find_subjects(
                programme_id=options["programme"],
                commissioner=options["commissioner"],
                service_id=options["service"],
                service_manager=options["service_manager"],
                line_manager=options["line_manager"],
                practitioner=options["practitioner"],
            )
            results = run_bench(
                repeats=options["repeats"],
                warmups=options["warmups"],
                pdf_runs=options["pdf_runs"],
                parts=parts,
                keep_reminders=options["keep_reminders"],
                subjects=subjects,
                progress=lambda line: self.stderr.write(f"  {line}"),
            )
        except BenchError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(markdown(results))
        md_path, json_path = write_results(results)
        self.stderr.write(f"Written to {md_path} and {json_path}")
