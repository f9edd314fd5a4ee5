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
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

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
        self.stdout.write("")
        self.stdout.write(
            f"{'run':<36}{'seconds':>9}{'queries':>10}{'reminders':>11}{'digests':>9}"
        )
        for label, day in (
            ("first run of the day", today),
            ("second run, same day", today),
            ("next day", today + timedelta(days=1)),
        ):
            self.run_once(label, day)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"\nPeak memory of this process: {peak:.0f} MB")

    def run_once(self, label: str, day: date) -> None:
        reminders_before = Reminder.objects.count()
        digests_before = ReminderDigest.objects.count()
        timings = {}
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            with timed(timings, "find and record"):
                services.reminders_record(due=reminders.everything_due(day))
            recorded_queries = counter.count
            with timed(timings, "digests"):
                run = services.reminder_digests_send(today=day)
        total = sum(timings.values())
        new_reminders = Reminder.objects.count() - reminders_before
        self.stdout.write(
            f"{label:<36}{total:>9.2f}{counter.count:>10,}{new_reminders:>11,}"
            f"{ReminderDigest.objects.count() - digests_before:>9,}"
        )
        self.stdout.write(
            f"{'  finding and recording':<36}{timings['find and record']:>9.2f}"
            f"{recorded_queries:>10,}"
        )
        self.stdout.write(
            f"{'  digests':<36}{timings['digests']:>9.2f}{counter.count - recorded_queries:>10,}"
        )
        if run.failed:
            self.stdout.write(self.style.WARNING(f"  {run.failed} digests failed"))


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
        Service(organisation=provider, name=f"Service {i:04d}") for i in range(service_count)
    )
    Participation.objects.bulk_create(
        Participation(programme=programme, service=s, joined_on=programme.start_date)
        for s in services_
    )
    users = User.objects.bulk_create(
        (
            User(
                username=f"staff{i}@bench.example",
                email=f"staff{i}@bench.example",
                first_name=f"Person{i}",
                password="!",
            )
            for i in range(people)
        ),
        batch_size=5000,
    )

    def person(i, service, role, line_manager=None):
        started = today - timedelta(
            days=rng.choice([rng.randint(3, 60), rng.randint(60, 2000), rng.randint(60, 2000)])
        )
        return StaffMember(
            user=users[i],
            service=service,
            full_name=f"Person {i}",
            email=f"staff{i}@bench.example",
            job_title="Family practitioner",
            role=role,
            line_manager=line_manager,
            start_date=started,
            newly_qualified=rng.random() < 0.1,
        )

    index = 0
    heads = []
    for service in services_:
        if index < people:
            heads.append(person(index, service, StaffMember.Role.SERVICE_MANAGER))
            index += 1
    StaffMember.objects.bulk_create(heads, batch_size=5000)
    managers = []
    for head in heads:
        for _ in range(TEAMS_PER_SERVICE):
            if index < people:
                managers.append(
                    person(index, head.service, StaffMember.Role.LINE_MANAGER, line_manager=head)
                )
                index += 1
    StaffMember.objects.bulk_create(managers, batch_size=5000)
    reports = []
    for manager in managers:
        for _ in range(TEAM_SIZE - 1):
            if index < people:
                reports.append(person(index, manager.service, "practitioner", manager))
                index += 1
    StaffMember.objects.bulk_create(reports, batch_size=5000)

    sessions, cpd = [], []
    for staff in [*managers, *reports]:
        since = max(programme.start_date, staff.start_date)
        lapse = rng.choice([0, 0, 0, 0, 20, 45])  # some have let supervision slip
        kinds = [
            (SupervisionType.LINE_MANAGEMENT, 30),
            (SupervisionType.REFLECTIVE, 42),
            (SupervisionType.GROUP_REFLECTIVE, 30),
        ]
        if staff.role == StaffMember.Role.LINE_MANAGER:
            kinds.append((SupervisionType.COACHING, 42))
        for kind, interval in kinds:
            day = since + timedelta(days=rng.randint(1, 20))
            while day <= today - timedelta(days=lapse):
                sessions.append(
                    SupervisionSession(
                        supervisee=staff,
                        supervisor=staff.line_manager,
                        held_on=day,
                        minutes=rng.randrange(45, 120, 5),
                        supervision_type=kind,
                        reflective_percent=rng.randrange(0, 101, 25),
                        wellbeing_checked=rng.random() < 0.85,
                        logged_by_id=staff.user_id,
                    )
                )
                day += timedelta(days=interval + rng.randint(-6, 8))
        for _ in range(rng.randint(0, 5)):
            cpd.append(
                CpdActivity(
                    staff=staff,
                    kind=CpdActivity.Kind.COURSE,
                    title="Workshop",
                    done_on=today - timedelta(days=rng.randint(0, 300)),
                    hours=Decimal(rng.randint(1, 12)),
                    peer_reflection=rng.random() < 0.3,
                )
            )
        if len(sessions) > 50_000:
            SupervisionSession.objects.bulk_create(sessions, batch_size=5000)
            sessions = []
    SupervisionSession.objects.bulk_create(sessions, batch_size=5000)
    CpdActivity.objects.bulk_create(cpd, batch_size=5000)
