"""Measuring Launchpad against the database as it is: pages, the programme PDF and the
daily reminder job (``python manage.py bench``; the load test reuses the subjects).

Nothing here creates data, except what the reminder job itself records when it runs.
The people and places measured are found from the data, so the same code works on the
demo world and on a generated national or county data set:

- the programme with the most staff, and one of its commissioners;
- that programme's largest service that has a manager, and the manager;
- the line manager with the most reports;
- a practitioner with a login (no reports, manages nothing, commissions nothing);
- an administrator, if there is one.

Budgets come from DESIGN.md §7.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, reset_queries, transaction
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts.models import StaffMember
from commissioning.models import CommissionerMembership, Programme, Service, SupervisionType
from core.figures import figures_changed
from core.roles import roles_for
from fidelity.models import FidelityCheck
from outcomes.models import MeasureResponse
from supervision.models import Reminder, ReminderDigest, SupervisionSession

PAGE_P95_BUDGET_MS = 150.0
PDF_RATIO_BUDGET = 1.2
PDF_SECONDS_BUDGET = 3.0  # for a programme of PDF_BUDGET_STAFF staff
PDF_BUDGET_STAFF = 5_000
REMINDER_SECONDS_BUDGET = 60.0  # over 100,000 staff
RESULTS_DIR = Path(settings.BASE_DIR) / "bench-results"


class BenchError(Exception):
    """Something the bench cannot measure honestly (a missing subject, a page not 200)."""


@dataclass(frozen=True)
class Subjects:
    programme: Programme
    commissioner: User
    service: Service
    service_manager: User
    line_manager: User
    practitioner: User
    admin: User | None

    def describe(self) -> dict[str, str]:
        return {
            "programme": f"{self.programme.name} (id {self.programme.pk})",
            "commissioner": self.commissioner.username,
            "service": f"{self.service.name} (id {self.service.pk})",
            "service manager": self.service_manager.username,
            "line manager": self.line_manager.username,
            "practitioner": self.practitioner.username,
            "administrator": self.admin.username if self.admin else "(none)",
        }


def _user(email: str) -> User:
    try:
        return User.objects.get(Q(username=email) | Q(email=email))
    except User.DoesNotExist:
        raise BenchError(f"No login {email}.") from None


def static_files_ready(*, always: bool = False) -> None:
    """With DEBUG off, pages name static files by their hashed names, which come from
    collectstatic's manifest: make it once if it is missing (it takes about a minute).
    ``always``: needed whatever this process's DEBUG (a server started with DEBUG off)."""
    from django.core.management import call_command

    needed = always or not settings.DEBUG
    if needed and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


def commissioner_of(programme: Programme) -> User:
    """A lead commissioner of the programme if one is a member of its commissioning
    organisation, otherwise any member."""
    members = CommissionerMembership.objects.filter(
        organisation=programme.commissioning_organisation, user__is_active=True
    ).order_by("pk")
    membership = (
        members.filter(user__in=programme.lead_commissioners.all()).first() or members.first()
    )
    if membership is None:
        raise BenchError(f"Programme {programme} has no commissioner with a login.")
    return membership.user


def programme_nearest(staff: int) -> Programme | None:
    """The programme whose report covers the number of active staff nearest ``staff``
    (the programme report budget is for 5,000 staff), counted as the report counts them."""
    from reports.services import staff_in_scope

    return min(
        Programme.objects.order_by("pk"),
        key=lambda p: abs(staff_in_scope(programme=p) - staff),
        default=None,
    )


def find_subjects(
    *,
    programme_id: int | None = None,
    commissioner: str | None = None,
    service_id: int | None = None,
    service_manager: str | None = None,
    line_manager: str | None = None,
    practitioner: str | None = None,
) -> Subjects:
    """Who and what to measure, chosen from the data (each overridable)."""
    programmes = Programme.objects.annotate(staff_count=Count("services__staff"))
    if programme_id:
        programme = programmes.get(pk=programme_id)
    else:
        programme = programmes.order_by("-staff_count", "pk").first()
        if programme is None:
            raise BenchError("There is no programme: generate data first (seed_demo).")

    commissioner_user = _user(commissioner) if commissioner else commissioner_of(programme)

    services = Service.objects.filter(participations__programme=programme).annotate(
        staff_count=Count("staff", distinct=True)
    )
    if service_id:
        service = services.get(pk=service_id)
    else:
        service = services.filter(managers__is_active=True).order_by("-staff_count", "pk").first()
        if service is None:
            raise BenchError(f"No service in {programme} has a manager with a login.")
    manager_user = (
        _user(service_manager)
        if service_manager
        else service.managers.filter(is_active=True).order_by("pk").first()
    )
    if manager_user is None:
        raise BenchError(f"Service {service} has no manager with a login.")

    if line_manager:
        line_manager_user = _user(line_manager)
    else:
        with_reports = (
            StaffMember.objects.filter(is_active=True, user__is_active=True)
            .annotate(report_count=Count("reports"))
            .filter(report_count__gt=0)
            .order_by("-report_count", "pk")
            .select_related("user")
        )
        # Preferably someone whose home is My team (who manages and commissions nothing).
        busiest = (
            with_reports.filter(user__managed_services__isnull=True)
            .exclude(user_id__in=CommissionerMembership.objects.values("user_id"))
            .first()
        ) or with_reports.first()
        if busiest is None:
            raise BenchError("Nobody with a login has reports.")
        line_manager_user = busiest.user

    if practitioner:
        practitioner_user = _user(practitioner)
    else:
        plain = (
            StaffMember.objects.filter(is_active=True, user__is_active=True, user__is_staff=False)
            .filter(reports__isnull=True, user__managed_services__isnull=True)
            .exclude(user_id__in=CommissionerMembership.objects.values("user_id"))
            .order_by("pk")
        )
        # Someone in the measured service if possible.
        person = plain.filter(service=service).first() or plain.first()
        if person is None:
            raise BenchError("No practitioner has a login.")
        practitioner_user = person.user

    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    return Subjects(
        programme=programme,
        commissioner=commissioner_user,
        service=service,
        service_manager=manager_user,
        line_manager=line_manager_user,
        practitioner=practitioner_user,
        admin=admin,
    )


@dataclass(frozen=True)
class PageToMeasure:
    label: str
    url: str
    user: User
    landing: bool = False  # a role's home: "/…" may redirect once to the page itself


def pages_to_measure(subjects: Subjects) -> list[PageToMeasure]:
    """Each role's home page, the dashboards, impact, fidelity and notifications."""
    s = subjects
    homes = [
        ("commissioner", s.commissioner),
        ("service manager", s.service_manager),
        ("line manager", s.line_manager),
        ("practitioner", s.practitioner),
    ]
    if s.admin is not None:
        homes.append(("administrator", s.admin))
    pages = [
        PageToMeasure(f"Home: {role}", roles_for(user).home_url(), user, landing=True)
        for role, user in homes
    ]
    programme, service = s.programme.pk, s.service.pk
    pages += [
        PageToMeasure(
            "Programme overview dashboard",
            reverse("reports:programme_dashboard", args=[programme]),
            s.commissioner,
        ),
        PageToMeasure(
            "Service dashboard",
            reverse("reports:service_dashboard", args=[service]),
            s.service_manager,
        ),
        PageToMeasure("Team dashboard", reverse("reports:team_dashboard"), s.line_manager),
        PageToMeasure(
            "Programme impact",
            reverse("outcomes:programme_impact", args=[programme]),
            s.commissioner,
        ),
        PageToMeasure(
            "Programme fidelity aggregates",
            reverse("fidelity:programme_aggregates", args=[programme]),
            s.commissioner,
        ),
        PageToMeasure(
            "Service fidelity aggregates",
            reverse("fidelity:service_aggregates", args=[service]),
            s.service_manager,
        ),
        PageToMeasure("Notifications", reverse("supervision:notifications"), s.line_manager),
    ]
    return pages


def final_url(client: Client, page: PageToMeasure) -> str:
    """The page itself: a role's home (e.g. /my-service/) may send its user on once."""
    if not page.landing:
        return page.url
    return client.get(page.url, secure=True, follow=True).request["PATH_INFO"]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share between 0 and 1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceiling without floats drifting
    return ordered[int(rank) - 1]


@dataclass
class PageResult:
    label: str
    url: str
    user: str
    queries: int
    median_ms: float
    p95_ms: float
    requests: int
    cold_ms: float = 0.0  # the first request after every cached figure is forgotten
    # The first request after a supervision session is recorded outside the measured
    # programme (core.figures forgets only the figures that session can change).
    elsewhere_ms: float | None = None  # None: nobody outside the programme to change
    budget_ms: float = PAGE_P95_BUDGET_MS

    @property
    def passed(self) -> bool:
        return self.p95_ms < self.budget_ms


@contextmanager
def a_change_elsewhere(programme: Programme) -> Iterator[bool]:
    """A supervision session recorded (through the ORM, so its signals run) for someone in
    a service that does not take part in ``programme``, and removed afterwards: what most
    changes look like to a programme's viewers on a national system. Yields False, changing
    nothing, when everyone is in the programme."""
    staff = (
        StaffMember.objects.filter(is_active=True, line_manager__isnull=False)
        .exclude(service__participations__programme=programme)
        .order_by("pk")
        .first()
    )
    if staff is None:
        yield False
        return
    session = SupervisionSession.objects.create(
        supervisee=staff,
        supervisor_id=staff.line_manager_id,
        held_on=timezone.localdate(),
        minutes=60,
        supervision_type=SupervisionType.LINE_MANAGEMENT,
    )
    try:
        yield True
    finally:
        session.delete()


def measure_page(
    page: PageToMeasure,
    *,
    repeats: int,
    warmups: int = 2,
    elsewhere: Programme | None = None,
) -> PageResult:
    """Query count of one request, and server-side times over ``repeats`` requests; with
    ``elsewhere``, also the first request after a change outside that programme."""
    client = Client()
    client.force_login(page.user)
    url = final_url(client, page)

    def get():
        # secure=True: with DEBUG off the site redirects plain HTTP to HTTPS.
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise BenchError(
                f"{page.label}: {url} as {page.user.username} answered "
                f"{response.status_code}, not 200."
            )

    # Cold: as the first viewer after any change to the data sees it (core.figures).
    figures_changed()
    started = time.perf_counter()
    get()
    cold_ms = (time.perf_counter() - started) * 1000
    for _ in range(warmups):
        get()
    elsewhere_ms = None
    if elsewhere is not None:
        with a_change_elsewhere(elsewhere) as changed:
            started = time.perf_counter()
            get()
            if changed:
                elsewhere_ms = (time.perf_counter() - started) * 1000
        get()  # the session's removal is a change elsewhere too
    # With DEBUG on, Django keeps the last 9,000 queries; a full log would count as none.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        get()
    queries = len(captured)  # now: the next request clears the log when DEBUG is off
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        get()
        times.append((time.perf_counter() - started) * 1000)
    return PageResult(
        label=page.label,
        url=url,
        user=page.user.username,
        queries=queries,
        median_ms=statistics.median(times),
        p95_ms=percentile(times, 0.95),
        requests=repeats,
        cold_ms=cold_ms,
        elsewhere_ms=elsewhere_ms,
    )


@dataclass
class PdfResult:
    programme: str
    staff: int
    pages: int
    report_seconds: float
    weasyprint_seconds: float
    runs: int
    html_bytes: int
    ratio_budget: float = PDF_RATIO_BUDGET
    seconds_budget: float = PDF_SECONDS_BUDGET

    @property
    def ratio(self) -> float:
        return self.report_seconds / self.weasyprint_seconds

    @property
    def seconds_budget_applies(self) -> bool:
        """The seconds budget is for a programme of 5,000 staff: judged within a fifth."""
        return abs(self.staff - PDF_BUDGET_STAFF) <= PDF_BUDGET_STAFF / 5

    @property
    def passed(self) -> bool:
        in_time = self.report_seconds < self.seconds_budget or not self.seconds_budget_applies
        return self.ratio < self.ratio_budget and in_time


def pdf_programmes(subjects: Subjects) -> list[tuple[Programme, User]]:
    """The programmes whose report the bench makes: the measured (biggest) programme and
    the one nearest the budget's 5,000 staff, with a commissioner of each."""
    chosen = [(subjects.programme, subjects.commissioner)]
    nearest = programme_nearest(PDF_BUDGET_STAFF)
    if nearest is not None and nearest.pk != subjects.programme.pk:
        chosen.append((nearest, commissioner_of(nearest)))
    return chosen


def measure_pdf(programme: Programme, commissioner: User, *, runs: int = 3) -> PdfResult:
    """The programme PDF through the real report path (figures, HTML, WeasyPrint), against
    WeasyPrint alone turning the same finished HTML, stylesheet and options into a PDF.
    Medians over ``runs`` of each, interleaved so machine noise falls on both."""
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    from reports import services as report_services
    from reports.documents import PDF_OPTIONS, render_pdf
    from reports.models import GeneratedReport

    # Not saved: report_pdf reads the programme, the requester and the date from it.
    report = GeneratedReport(
        programme=programme,
        requested_by=commissioner,
        as_of=timezone.localdate(),
    )
    html_seen: list[str] = []

    def render_and_keep(html: str):
        html_seen.append(html)
        return render_pdf(html)

    stylesheet = finders.find("css/report.css")
    report_times, alone_times = [], []
    pages = 0
    for _ in range(runs):
        with mock.patch.object(report_services, "render_pdf", side_effect=render_and_keep):
            started = time.perf_counter()
            _content, pages = report_services.report_pdf(report)
            report_times.append(time.perf_counter() - started)
        html = html_seen[-1]
        started = time.perf_counter()
        HTML(string=html, base_url=".").write_pdf(
            stylesheets=[CSS(filename=stylesheet)], **PDF_OPTIONS
        )
        alone_times.append(time.perf_counter() - started)
    return PdfResult(
        programme=f"{programme.name} (id {programme.pk})",
        staff=report_services.staff_in_scope(programme=programme),
        pages=pages,
        report_seconds=statistics.median(report_times),
        weasyprint_seconds=statistics.median(alone_times),
        runs=runs,
        html_bytes=len(html_seen[-1].encode()),
    )


@dataclass
class ReminderRun:
    label: str
    day: str
    seconds: float
    queries: int
    peak_rss_mb: float
    rss_before_job_mb: float
    result: dict
    budget_seconds: float = REMINDER_SECONDS_BUDGET

    @property
    def passed(self) -> bool:
        return self.seconds < self.budget_seconds


# Run in a child process so that its peak resident memory is the job's own, not the
# bench's: a fresh interpreter, Django set up, then the job. The peak is VmHWM from
# /proc/self/status (the high-water mark of this process image): ru_maxrss would not
# do, because Linux carries it over from the parent through fork and exec.
_CHILD = """
import json, os, resource, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.db import connection
from supervision.tasks import reminders_daily
def peak_kb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
before = peak_kb()
count = [0]
def counter(execute, sql, params, many, context):
    count[0] += 1
    return execute(sql, params, many, context)
with connection.execute_wrapper(counter):
    started = time.perf_counter()
    result = reminders_daily(sys.argv[1])  # the task beat starts, run in this process
    seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "queries": count[0], "rss_before_kb": before,
                  "rss_peak_kb": peak_kb(), "result": result}))
"""


@dataclass(frozen=True)
class ReminderState:
    """Where the reminder tables stood before the bench ran the job."""

    last_reminder_id: int
    last_digest_id: int
    digests_today: int


def reminder_state(today: date) -> ReminderState:
    last = Reminder.objects.order_by("-pk").values_list("pk", flat=True).first()
    last_digest = ReminderDigest.objects.order_by("-pk").values_list("pk", flat=True).first()
    return ReminderState(
        last_reminder_id=last or 0,
        last_digest_id=last_digest or 0,
        digests_today=ReminderDigest.objects.filter(day=today).count(),
    )


def reminder_state_restore(state: ReminderState) -> None:
    """Undo what the job did, so that the next bench measures a first run again.

    The job inserts reminders, inserts digests and marks the pending reminders each
    digest carries. A reminder older than the bench that a new digest carries was
    pending before (no digest, never emailed), so it is made pending again."""
    with transaction.atomic():
        Reminder.objects.filter(pk__gt=state.last_reminder_id).delete()
        Reminder.objects.filter(digest_id__gt=state.last_digest_id).update(
            digest=None, emailed_at=None
        )
        ReminderDigest.objects.filter(pk__gt=state.last_digest_id).delete()


def run_reminder_job(
    day: date,
    label: str,
    *,
    email_backend: str = "django.core.mail.backends.dummy.EmailBackend",
) -> ReminderRun:
    env = {**os.environ, "EMAIL_BACKEND": email_backend}
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD, day.isoformat()],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchError(f"The reminder job failed:\n{completed.stderr[-3000:]}")
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    return ReminderRun(
        label=label,
        day=day.isoformat(),
        seconds=figures["seconds"],
        queries=figures["queries"],
        peak_rss_mb=figures["rss_peak_kb"] / 1024,
        rss_before_job_mb=figures["rss_before_kb"] / 1024,
        result=figures["result"],
    )


def data_set_size() -> dict[str, int]:
    return {
        "staff": StaffMember.objects.count(),
        "logins": User.objects.count(),
        "supervision sessions": SupervisionSession.objects.count(),
        "measure responses": MeasureResponse.objects.count(),
        "fidelity checks": FidelityCheck.objects.count(),
        "reminders": Reminder.objects.count(),
    }


@dataclass
class BenchResults:
    started: str
    database: str
    debug: bool
    load_average: list[float]  # of the machine when the bench started (os.getloadavg)
    size: dict[str, int]
    subjects: dict[str, str]
    pages: list[PageResult] = field(default_factory=list)
    pdfs: list[PdfResult] = field(default_factory=list)
    reminders: list[ReminderRun] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["pages"] = [{**asdict(p), "passed": p.passed} for p in self.pages]
        data["pdfs"] = [
            {
                **asdict(p),
                "ratio": p.ratio,
                "seconds_budget_applies": p.seconds_budget_applies,
                "passed": p.passed,
            }
            for p in self.pdfs
        ]
        data["reminders"] = [{**asdict(r), "passed": r.passed} for r in self.reminders]
        return data


PARTS = ("pages", "pdf", "reminders")


def run_bench(
    *,
    repeats: int = 30,
    warmups: int = 2,
    pdf_runs: int = 3,
    parts: tuple[str, ...] = PARTS,
    keep_reminders: bool = False,
    subjects: Subjects | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> BenchResults:
    subjects = subjects or find_subjects()
    db = connection.settings_dict
    results = BenchResults(
        started=timezone.now().isoformat(timespec="seconds"),
        database=f"{connection.vendor} {db.get('NAME')}",
        debug=settings.DEBUG,
        load_average=[round(x, 2) for x in os.getloadavg()],
        size=data_set_size(),
        subjects=subjects.describe(),
    )
    if "pages" in parts:
        for page in pages_to_measure(subjects):
            progress(f"Page: {page.label} ({page.url}) as {page.user.username}")
            results.pages.append(
                measure_page(page, repeats=repeats, warmups=warmups, elsewhere=subjects.programme)
            )
    if "pdf" in parts:
        for programme, commissioner in pdf_programmes(subjects):
            progress(f"Programme PDF: {programme.name} (id {programme.pk})")
            results.pdfs.append(measure_pdf(programme, commissioner, runs=pdf_runs))
    if "reminders" in parts:
        day = timezone.localdate()
        state = reminder_state(day)
        if state.digests_today:
            results.notes.append(
                f"{state.digests_today:,} people already had a digest today before the bench "
                "ran the job, so its 'first run' is not the day's first."
            )
        try:
            progress(f"Reminder job, first run for {day}")
            results.reminders.append(run_reminder_job(day, "first run of the day"))
            progress(f"Reminder job, rerun for {day}")
            results.reminders.append(run_reminder_job(day, "second run, same day"))
        finally:
            if keep_reminders:
                results.notes.append("The reminders and digests the job made were kept.")
            else:
                reminder_state_restore(state)
                results.notes.append(
                    "The reminders and digests the job made were removed afterwards, so "
                    "the next bench measures a first run too."
                )
    return results


def _verdict(passed: bool) -> str:
    return "pass" if passed else "**FAIL**"


def markdown(results: BenchResults) -> str:
    lines = [
        f"# Launchpad bench, {results.started}",
        "",
        f"Database: {results.database} (DEBUG {'on' if results.debug else 'off'}); "
        f"machine load average {', '.join(map(str, results.load_average))} on "
        f"{os.cpu_count()} CPUs at the start. "
        + ", ".join(f"{n:,} {what}" for what, n in results.size.items())
        + ".",
        "",
        "Measured: " + "; ".join(f"{k} {v}" for k, v in results.subjects.items()) + ".",
        "",
    ]
    if results.pages:
        n = results.pages[0].requests
        lines += [
            f"## Pages (Django test client, server-side time over {n} requests after warm-ups)",
            "",
            "| Page | As | Queries | Median ms | p95 ms | Budget (p95) | Result | Cold ms "
            "| After a change elsewhere ms |",
            "|---|---|---:|---:|---:|---:|---|---:|---:|",
        ]
        for p in results.pages:
            lines.append(
                f"| {p.label} (`{p.url}`) | {p.user} | {p.queries} | {p.median_ms:.1f} | "
                f"{p.p95_ms:.1f} | < {p.budget_ms:.0f} ms | {_verdict(p.passed)} | "
                f"{p.cold_ms:.0f} | "
                f"{'—' if p.elsewhere_ms is None else f'{p.elsewhere_ms:.0f}'} |"
            )
        lines += [
            "",
            "Cold: one request just after every cached figure was forgotten, as the first "
            "viewer after a change that touches everything sees it (core/figures.py). After "
            "a change elsewhere: the first request after a supervision session is recorded "
            "for someone outside the measured programme, the commonest kind of change.",
        ]
        lines.append("")
    if results.pdfs:
        lines += [
            f"## Programme PDF (median of {results.pdfs[0].runs} runs each way)",
            "",
            "| Programme | Active staff | Pages | Report path (figures + HTML + PDF) | "
            "WeasyPrint alone, same HTML | Ratio (budget < "
            f"{PDF_RATIO_BUDGET}×) | Seconds budget | Result |",
            "|---|---:|---:|---:|---:|---:|---|---|",
        ]
        for pdf in results.pdfs:
            budget = (
                f"< {pdf.seconds_budget:.0f} s for {PDF_BUDGET_STAFF:,} staff"
                if pdf.seconds_budget_applies
                else f"none (only for about {PDF_BUDGET_STAFF:,} staff)"
            )
            lines.append(
                f"| {pdf.programme} | {pdf.staff:,} | {pdf.pages} | "
                f"{pdf.report_seconds:.2f} s | {pdf.weasyprint_seconds:.2f} s | "
                f"{pdf.ratio:.2f}× | {budget} | {_verdict(pdf.passed)} |"
            )
        lines.append("")
    if results.reminders:
        lines += [
            "## Daily reminder job (supervision.tasks.reminders_daily, in a child process)",
            "",
            "| Run | Day | Seconds | Queries | Reminders offered | Digests | Peak RSS MB "
            "(before job) | Budget | Result |",
            "|---|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for r in results.reminders:
            lines.append(
                f"| {r.label} | {r.day} | {r.seconds:.2f} | {r.queries:,} | "
                f"{r.result.get('offered', '')} | {r.result.get('digests', '')} | "
                f"{r.peak_rss_mb:.0f} ({r.rss_before_job_mb:.0f}) | "
                f"< {r.budget_seconds:.0f} s at 100,000 staff | {_verdict(r.passed)} |"
            )
        lines += [
            "",
            "Peak memory is the child process's resident high-water mark (VmHWM: the "
            "whole interpreter, Django included); in brackets, the same just before the "
            "job started. The job's own share is the difference.",
            "",
        ]
    lines += [f"Note: {note}" for note in results.notes]
    return "\n".join(lines).rstrip() + "\n"


def write_results(results: BenchResults, *, prefix: str = "bench") -> tuple[Path, Path]:
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    md_path = RESULTS_DIR / f"{prefix}-{stamp}.md"
    json_path = RESULTS_DIR / f"{prefix}-{stamp}.json"
    md_path.write_text(markdown(results))
    json_path.write_text(json.dumps(results.as_dict(), indent=2, default=str))
    return md_path, json_path
