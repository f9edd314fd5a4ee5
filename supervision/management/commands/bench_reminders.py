"""Time the daily reminder run on generated data, in a throwaway database.

    python manage.py bench_reminders --staff 10000     # a generated workforce
    python manage.py bench_reminders --demo            # the demo world (seed_demo's)

It creates a database next to the configured one (named ``<name>_bench_reminders``),
migrates it, fills it, runs the daily job three times (the first run of a day, a second
run the same day, and the next day's) and drops the database again. Emails are rendered
but not sent (Django's dummy backend) unless ``--email-backend`` says otherwise. Run it
against PostgreSQL for figures that mean anything (DATABASE_URL=postgres://…).
"""

from __future__ import annotations

import random
import resource
import time
import tracemalloc
from contextlib import contextmanager
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from cohorts.models import StaffMember
from commissioning.models import (
    CadenceRule,
    CommissionerMembership,
    Organisation,
    Participation,
    Programme,
    Resource,
    Service,
    Standards,
    SupervisionType,
)
from supervision import reminders, services
from supervision.models import CpdActivity, Reminder, ReminderDigest, SupervisionSession

TEAM_SIZE = 8  # a line manager and seven reports
TEAMS_PER_SERVICE = 6
RULES = [
    (SupervisionType.LINE_MANAGEMENT, True, 0, 6, 7),
    (SupervisionType.LINE_MANAGEMENT, True, 6, 26, 14),
    (SupervisionType.LINE_MANAGEMENT, True, 26, None, 30),
    (SupervisionType.LINE_MANAGEMENT, False, 0, None, 30),
    (SupervisionType.REFLECTIVE, False, 0, None, 42),
    (SupervisionType.COACHING, False, 0, None, 42),
    (SupervisionType.GROUP_REFLECTIVE, False, 0, None, 30),
]


class QueryCounter:
    """Counts the SQL statements Django sends, without keeping them (flat memory)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class Command(BaseCommand):
    help = "Time the daily reminder run on generated data in a throwaway database."

    def add_arguments(self, parser):
        parser.add_argument("--staff", type=int, default=10_000, help="people to generate")
        parser.add_argument(
            "--demo", action="store_true", help="use the demo world instead of generated staff"
        )
        parser.add_argument(
            "--email-backend",
            default="django.core.mail.backends.dummy.EmailBackend",
            help="where the digests go (default: rendered, not sent)",
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--batch-size",
            type=int,
            default=services.DIGEST_BATCH,
            help="recipients per digest batch",
        )
        parser.add_argument(
            "--keep", action="store_true", help="keep the throwaway database (to EXPLAIN)"
        )
        parser.add_argument(
            "--tracemalloc",
            action="store_true",
            help="also measure each run's peak Python allocations (slower)",
        )

    def handle(self, *args, **options):
        settings_dict = connection.settings_dict
        original_name = settings_dict["NAME"]
        settings_dict.setdefault("TEST", {})
        previous_test_name = settings_dict["TEST"].get("NAME")
        settings_dict["TEST"]["NAME"] = f"{original_name}_bench_reminders"
        self.stdout.write(f"Creating the throwaway database {settings_dict['TEST']['NAME']} …")
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            with override_settings(EMAIL_BACKEND=options["email_backend"]):
                self.bench(options)
        finally:
            if options["keep"]:
                self.stdout.write(f"Kept the database {settings_dict['NAME']}.")
            else:
                connection.creation.destroy_test_db(original_name, verbosity=0)
                settings_dict["TEST"]["NAME"] = previous_test_name
                self.stdout.write("Dropped the throwaway database.")

    def bench(self, options):
        today = timezone.localdate()
        started = time.monotonic()
        if options["demo"]:
            from core.demo import build_demo_world

            build_demo_world(today=today)
            what = "the demo world"
        else:
            generate(options["staff"], today, random.Random(options["seed"]))
            what = f"{options['staff']:,} generated staff"
        self.stdout.write(
            f"Built {what} in {time.monotonic() - started:.1f} s: "
            f"{StaffMember.objects.count():,} staff, "
            f"{User.objects.count():,} logins, "
            f"{SupervisionSession.objects.count():,} supervision sessions, "
            f"{CpdActivity.objects.count():,} CPD activities, "
            f"{Resource.objects.count():,} resources."
        )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
        built_peak = max_rss_mb()
        self.stdout.write("")
        self.stdout.write(
            f"{'run':<36}{'seconds':>9}{'queries':>10}{'reminders':>11}{'digests':>9}"
            f"{'emailed':>9}" + (f"{'py peak MB':>12}" if options["tracemalloc"] else "")
        )
        for label, day in (
            ("first run of the day", today),
            ("second run, same day", today),
            ("next day", today + timedelta(days=1)),
        ):
            self.run_once(label, day, options["batch_size"], options["tracemalloc"])
        self.stdout.write(
            f"\nPeak memory of this process (ru_maxrss): {max_rss_mb():.0f} MB "
            f"({built_peak:.0f} MB before the runs, after building the data)"
        )

    def run_once(self, label: str, day: date, batch_size: int, trace: bool) -> None:
        reminders_before = Reminder.objects.count()
        digests_before = ReminderDigest.objects.count()
        timings = {}
        counter = QueryCounter()
        if trace:
            tracemalloc.start()
        with connection.execute_wrapper(counter):
            with timed(timings, "find and record"):
                services.reminders_record(due=reminders.everything_due(day))
            recorded_queries = counter.count
            with timed(timings, "digests"), stopwatches() as parts:
                run = services.reminder_digests_send(today=day, batch_size=batch_size)
        traced = ""
        if trace:
            traced = f"{tracemalloc.get_traced_memory()[1] / 2**20:>12.1f}"
            tracemalloc.stop()
        total = sum(timings.values())
        new_reminders = Reminder.objects.count() - reminders_before
        self.stdout.write(
            f"{label:<36}{total:>9.2f}{counter.count:>10,}{new_reminders:>11,}"
            f"{ReminderDigest.objects.count() - digests_before:>9,}{run.emailed:>9,}{traced}"
        )
        self.stdout.write(
            f"{'  finding and recording':<36}{timings['find and record']:>9.2f}"
            f"{recorded_queries:>10,}"
        )
        self.stdout.write(
            f"{'  digests':<36}{timings['digests']:>9.2f}{counter.count - recorded_queries:>10,}"
        )
        for name, seconds in parts.items():
            self.stdout.write(f"{'    ' + name:<36}{seconds:>9.2f}")
        if run.failed:
            self.stdout.write(self.style.WARNING(f"  {run.failed} digests failed"))


@contextmanager
def stopwatches():
    """Time the parts of the digest step (recording, rendering emails) by wrapping them."""
    parts = {"recording digests": "_digests_record", "rendering emails": "digest_emails"}
    spent = dict.fromkeys(parts, 0.0)
    originals = {name: getattr(services, function) for name, function in parts.items()}

    def timing(name, function):
        def timed_call(*args, **kwargs):
            started = time.monotonic()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.monotonic() - started

        return timed_call

    for name, function in parts.items():
        setattr(services, function, timing(name, originals[name]))
    try:
        yield spent
    finally:
        for name, function in parts.items():
            setattr(services, function, originals[name])


def max_rss_mb() -> float:
    """The most resident memory this process has had so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timed(timings: dict, name: str):
    started = time.monotonic()
    yield
    timings[name] = time.monotonic() - started


def generate(people: int, today: date, rng: random.Random) -> None:
    """A programme with the demo's standards and ``people`` staff in teams of eight, each
    with about nine months of supervision and a little CPD, and a login each."""
    commissioner = Organisation.objects.create(
        name="Bench County Council", kind=Organisation.Kind.COMMISSIONER
    )
    provider = Organisation.objects.create(
        name="Bench Family Services", kind=Organisation.Kind.PROVIDER
    )
    programme = Programme.objects.create(
        name="Bench programme",
        commissioning_organisation=commissioner,
        practice_model="Trauma-informed relational practice",
        start_date=today - timedelta(days=270),
    )
    standards = Standards.objects.create(programme=programme)
    CadenceRule.objects.bulk_create(
        CadenceRule(
            standards=standards,
            supervision_type=kind,
            newly_qualified=nq,
            from_week=start,
            to_week=end,
            interval_days=interval,
        )
        for kind, nq, start, end, interval in RULES
    )
    commissioner_user = User.objects.create(
        username="commissioner@bench.example", email="commissioner@bench.example"
    )
    CommissionerMembership.objects.create(user=commissioner_user, organisation=commissioner)
    reviewed = [today - timedelta(days=rng.randint(30, 500)) for _ in range(40)]
    Resource.objects.bulk_create(
        Resource(
            organisation=commissioner,
            title=f"Resource {i}",
            evidence_level=Resource.Evidence.GUIDANCE,
            source="Bench",
            owner="Bench",
            last_reviewed=last_reviewed,
            review_by=last_reviewed + timedelta(days=365),  # some past it, some due soon
        )
        for i, last_reviewed in enumerate(reviewed)
    )

    per_service = TEAM_SIZE * TEAMS_PER_SERVICE + 1
    service_count = max(1, -(-people // per_service))
    services_ = Service.objects.bulk_create(
        (Service(organisation=provider, name=f"Service {i:04d}") for i in range(service_count)),
        batch_size=5000,
    )
    Participation.objects.bulk_create(
        (
            Participation(programme=programme, service=s, joined_on=programme.start_date)
            for s in services_
        ),
        batch_size=5000,
    )
    people_in_sql(people, today, programme.start_date, [s.pk for s in services_], rng)


def people_in_sql(
    people: int, today: date, programme_start: date, service_ids: list[int], rng: random.Random
) -> None:
    """Logins, staff, supervision and CPD generated inside PostgreSQL (INSERT … SELECT
    over generate_series), so 100,000 people take seconds and no memory here.

    Person ``i`` is in service ``i // 49``: position 0 is its service manager, 1–6 its
    line managers (reporting to the service manager), 7–48 practitioners in teams of
    seven under line manager ``1 + (position - 7) // 7``. Start dates: a third started
    in the last two months, the rest up to five and a half years ago; one in ten newly
    qualified. Each line manager and practitioner has about nine months of line
    management (every 31 days), reflective (43) and group reflective (31) supervision,
    and line managers coaching (43), from a random first day in their first three weeks,
    with one in three having let it slip for 20 or 45 days; and 0–5 CPD activities.
    """
    per_service = TEAM_SIZE * TEAMS_PER_SERVICE + 1
    staff = StaffMember._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [rng.random() * 2 - 1])
        cursor.execute(
            """
            INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,
                email, is_staff, is_active, date_joined)
            SELECT '!', false, 'staff' || i || '@bench.example', 'Person' || i, '',
                'staff' || i || '@bench.example', false, true, now()
            FROM generate_series(0, %s - 1) AS i ORDER BY i
            """,
            [people],
        )
        cursor.execute(
            f"""
            INSERT INTO {staff} (full_name, email, job_title, role, start_date,
                newly_qualified, is_active, line_manager_id, service_id, user_id)
            SELECT 'Person ' || i, u.email, 'Family practitioner',
                CASE WHEN i %% {per_service} = 0 THEN 'service_manager'
                     WHEN i %% {per_service} <= {TEAMS_PER_SERVICE} THEN 'line_manager'
                     ELSE 'practitioner' END,
                %s::date - CASE WHEN random() < 1.0 / 3 THEN 3 + floor(random() * 58)::int
                                ELSE 60 + floor(random() * 1941)::int END,
                random() < 0.1, true, NULL, (%s::bigint[])[i / {per_service} + 1], u.id
            FROM generate_series(0, %s - 1) AS i
            JOIN auth_user u ON u.username = 'staff' || i || '@bench.example'
            ORDER BY i
            """,
            [today, service_ids, people],
        )
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE bench_index AS
            SELECT i, s.id AS staff_id FROM generate_series(0, %s - 1) AS i
            JOIN auth_user u ON u.username = 'staff' || i || '@bench.example'
            JOIN {staff} s ON s.user_id = u.id
            """,
            [people],
        )
        cursor.execute("CREATE UNIQUE INDEX ON bench_index (i)")
        cursor.execute(
            f"""
            UPDATE {staff} AS person SET line_manager_id = manager.staff_id
            FROM bench_index me JOIN bench_index manager ON manager.i =
                CASE WHEN me.i %% {per_service} <= {TEAMS_PER_SERVICE}
                     THEN me.i - me.i %% {per_service}
                     ELSE me.i - me.i %% {per_service} + 1
                          + (me.i %% {per_service} - {TEAMS_PER_SERVICE + 1}) / {TEAM_SIZE - 1}
                END
            WHERE person.id = me.staff_id AND me.i %% {per_service} <> 0
            """,
            [],
        )
        cursor.execute("DROP TABLE bench_index")
        cursor.execute(
            f"""
            WITH person AS (
                SELECT id, line_manager_id, user_id, role,
                    GREATEST(%s::date, start_date) AS since,
                    (ARRAY[0, 0, 0, 0, 20, 45])[1 + floor(random() * 6)::int] AS lapse
                FROM {staff} WHERE line_manager_id IS NOT NULL
            ), plan AS (
                SELECT person.*, kind.name, kind.every, 1 + floor(random() * 20)::int AS first
                FROM person CROSS JOIN (VALUES ('line_management', 31), ('reflective', 43),
                    ('group_reflective', 31), ('coaching', 43)) AS kind(name, every)
                WHERE kind.name <> 'coaching' OR person.role = 'line_manager'
            )
            INSERT INTO {SupervisionSession._meta.db_table} (external_supervisor, held_on,
                minutes, supervision_type, reflective_percent, wellbeing_checked,
                vicarious_trauma_concern, notes, logged_at, logged_by_id, supervisee_id,
                supervisor_id)
            SELECT '', plan.since + plan.first + n * plan.every,
                45 + 5 * floor(random() * 15)::int, plan.name, 25 * floor(random() * 5)::int,
                random() < 0.85, 'none', '', now(), plan.user_id, plan.id, plan.line_manager_id
            FROM plan CROSS JOIN LATERAL generate_series(
                0, ((%s::date - plan.lapse) - (plan.since + plan.first)) / plan.every
            ) AS n
            """,
            [programme_start, today],
        )
        cursor.execute(
            f"""
            INSERT INTO {CpdActivity._meta.db_table} (kind, title, done_on, hours, learning,
                impact, peer_reflection, resource_id, staff_id)
            SELECT 'course', 'Workshop', %s::date - floor(random() * 301)::int,
                1 + floor(random() * 12), '', '', random() < 0.3, NULL, person.id
            FROM {staff} AS person
            CROSS JOIN LATERAL generate_series(1, floor(random() * 6)::int + 0 * person.id) AS n
            WHERE person.line_manager_id IS NOT NULL
            """,
            [today],
        )
