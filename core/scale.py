"""Generated worlds for measuring Launchpad at size: ``manage.py seed_demo --scale ...``.

``tiny`` (about 200 staff, for tests), ``county`` (about 5,000) and ``national`` (about
100,000 staff, 2,000,000 supervision sessions, 500,000 measure responses and 200,000
fidelity checks) share one shape: several commissioners each running a programme,
provider services of 50 to 400 staff in teams of six to ten with a line manager, waves
of champions, supervision whose cadence is kept well by some services and badly by
others, CPD, pre/post measures scored by ``outcomes.scoring`` and quarterly fidelity
reflections that drift in some services.

PostgreSQL only. Rebuilding empties every Launchpad table (``TRUNCATE ... RESTART
IDENTITY CASCADE``, users included), so the rows can be given their ids here and
streamed in with ``COPY`` a chunk at a time: memory stays flat however many sessions
there are. Deterministic for a given seed and day.
"""

from __future__ import annotations

import importlib
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from functools import lru_cache
from statistics import fmean

from auditlog.context import disable_auditlog
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from cohorts.models import Criterion
from commissioning.models import MilestoneTemplate, PressureTag, Stage, SupervisionType
from commissioning.services import AGREEMENT_VALUE_FIELDS
from core import demo
from core.figures import figures_changed
from fidelity.models import ChallengeTheme
from outcomes import scoring
from outcomes.models import Measure, MeasureItem

LOGIN_DOMAIN = "@scale.example"
ADMIN_LOGIN = f"admin{LOGIN_DOMAIN}"
COMMISSIONER_LOGIN = f"commissioner{LOGIN_DOMAIN}"
SERVICE_MANAGER_LOGIN = f"servicemanager{LOGIN_DOMAIN}"
LINE_MANAGER_LOGIN = f"linemanager{LOGIN_DOMAIN}"
PRACTITIONER_LOGIN = f"practitioner{LOGIN_DOMAIN}"

# The apps whose tables a rebuild empties (with the users and the audit trail).
PROJECT_APPS = ("commissioning", "cohorts", "supervision", "outcomes", "fidelity", "reports")


@dataclass(frozen=True)
class Size:
    name: str
    staff: int
    programmes: int
    service_sizes: tuple[int, int]  # smallest and largest service (staff)
    history_days: int  # how long the oldest programme has been running


SIZES = {
    "tiny": Size("tiny", 200, 2, (40, 120), 540),
    "county": Size("county", 5_000, 3, (50, 400), 540),
    "national": Size("national", 100_000, 8, (50, 400), 540),
}

COMMISSIONERS = (
    "Northmoor Combined Authority",
    "Westvale County Council",
    "Eastbridge Integrated Care Board",
    "Southfield City Council",
    "Highland Reach Council",
    "Riverside Children's Partnership",
    "Lakeland County Council",
    "Midshire Regional Commissioning Hub",
    "Coastway Unitary Authority",
    "Fenland Borough Council",
)
PROGRAMME_THEMES = (
    "Trauma-informed practice in family help",
    "Relational practice in children's social care",
    "Trauma-informed youth justice",
    "Reflective supervision for early help",
    "Trauma-informed care in residential homes",
    "Relational practice in edge of care",
    "Trauma-informed practice in schools' family support",
    "Restorative practice in leaving care",
    "Relational practice in family safeguarding",
    "Trauma-informed practice in adolescent services",
)
PROVIDER_WORDS = ("Children's Services", "Family Trust", "Youth Partnership", "Care Group")
SERVICE_KINDS = (
    "Family Help",
    "Children in Care",
    "Edge of Care",
    "Youth Justice",
    "Leaving Care",
    "Early Help",
    "Fostering",
    "Assessment",
    "Residential Homes",
    "Disabled Children",
)
PLACES = (
    "North",
    "South",
    "East",
    "West",
    "Central",
    "Harbour",
    "Valley",
    "Moor",
    "Riverside",
    "Coast",
    "Hills",
    "Forest",
)
FIRST_NAMES = (
    "Aisha Ben Chloe Daniel Ellie Femi Grace Hamza Isla Jack Kwame Leah Megan Nathan "
    "Olivia Priya Ravi Sara Tomasz Uzma Victoria Wei Yusuf Zara Amir Bethan Connor Deepa "
    "Ewan Fatima Gareth Hannah Imran Jamal Katie Liam Maryam Niamh Owen Precious"
).split()
LAST_NAMES = (
    "Adams Bakare Campbell Doyle Evans Fraser Grant Hussain Iqbal Jones Kaur Lewis Malik "
    "Nowak Osei Patel Quinn Rahman Shaw Taylor Usman Vaughan Walsh Young Zhang Ahmed Byrne "
    "Chen Davies Ellis Flynn Griffiths Hughes Kelly Morgan Murphy Nair Price Reid Wright"
).split()
PRACTITIONER_TITLES = (
    "Social Worker",
    "Family Practitioner",
    "Family Support Worker",
    "Youth Worker",
    "Personal Adviser",
    "Edge of Care Practitioner",
)
WITHDRAWN_REASONS = (
    "Moved to another team before training started.",
    "Started a period of extended leave.",
    "Caseload too heavy this term; keen to join a later wave.",
)
STAGE_DAYS = {  # how long each stage takes, from quickest to slowest service
    Stage.EXPLORATION: (30, 75),
    Stage.INSTALLATION: (45, 120),
    Stage.INITIAL: (90, 220),
    Stage.FULL: (180, 400),
}
WAVE_EVERY_DAYS = 56
TRAINING_DAYS = 21

# Measurement points: kind, label, anchor, opens after days, window days.
POINTS = (
    ("pre", "Before training", "start", -21, 28),
    ("post", "Six weeks after training", "end", 42, 28),
    ("follow_up", "Three-month follow-up", "end", 90, 42),
    ("follow_up", "Six-month follow-up", "end", 150, 60),
    ("follow_up", "Twelve-month follow-up", "end", 330, 60),
)
RETURN_RATES = {  # the share who complete each point once its window has passed
    "Before training": 0.97,
    "Six weeks after training": 0.9,
    "Three-month follow-up": 0.85,
    "Six-month follow-up": 0.82,
    "Twelve-month follow-up": 0.75,
}


# --------------------------------------------------------------------------------------
# Progress and COPY
# --------------------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on stderr (quiet when ``out`` is None)."""

    def __init__(self, label: str, total: int, out=sys.stderr):
        self.label, self.total, self.out = label, max(total, 1), out
        self.done, self.shown, self.started = 0, -1, time.monotonic()

    def advance(self, count: int = 1) -> None:
        self.done += count
        percent = min(100, self.done * 100 // self.total)
        if self.out is not None and percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 4)
            self.out.write(f"\r  {self.label:<24} [{bar:<25}] {percent:>3}%")
            self.out.flush()

    def finish(self, rows: int) -> None:
        if self.out is not None:
            elapsed = time.monotonic() - self.started
            bar = "#" * 25
            self.out.write(f"\r  {self.label:<24} [{bar}] {rows:>10,} rows {elapsed:6.1f} s\n")
            self.out.flush()


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Stream rows into a table with COPY; returns how many went in."""
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def table_of(label: str) -> str:
    return apps.get_model(label)._meta.db_table


class Ids:
    """Ids handed out in order, one counter per table (tables start empty)."""

    def __init__(self):
        self.last: dict[str, int] = {}

    def next(self, table: str) -> int:
        self.last[table] = self.last.get(table, 0) + 1
        return self.last[table]


# --------------------------------------------------------------------------------------
# The plan, held in memory: organisations, services, people (not their records)
# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Person:
    id: int
    service: int  # index into World.services
    role: str
    line_manager: int | None  # staff id
    start_date: date
    newly_qualified: bool
    user_id: int
    wave: int = 0  # cohort id, 0 when in no cohort
    membership: str = ""
    lm_trained: bool = False


@dataclass(slots=True)
class ServicePlan:
    id: int
    organisation: int
    name: str
    domain: str
    programme: int  # index into World.programmes
    size: int
    joined: date
    stages: list[tuple[str, date, date | None]]
    compliance: float  # how well supervision cadence is kept, 0.4 to 1
    fidelity_level: float
    drift: float  # fidelity change per check (negative drifts)
    manager: int = 0  # staff id
    manager_user: int = 0
    participation: int = 0

    @property
    def current_stage(self) -> str:
        return self.stages[-1][0]

    def stage_started(self, stage: str) -> date | None:
        for name, started, _ in self.stages:
            if name == stage:
                return started
        return None


@dataclass(slots=True)
class ProgrammePlan:
    id: int
    name: str
    commissioner: int  # organisation id
    start: date
    cohorts: list[tuple[int, int, date, date]] = field(default_factory=list)  # id, wave, dates
    tool: int = 0
    items: list[tuple[int, str]] = field(default_factory=list)  # fidelity item id, principle
    points: dict[tuple[int, str], tuple[int, str, str, int, int]] = field(default_factory=dict)


@dataclass
class World:
    size: Size
    rng: random.Random
    today: date
    now: datetime
    ids: Ids = field(default_factory=Ids)
    programmes: list[ProgrammePlan] = field(default_factory=list)
    services: list[ServicePlan] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    logins: dict[str, int] = field(default_factory=dict)  # username -> user id
    hashed: str = ""
    measures: list[tuple[Measure, list[MeasureItem]]] = field(default_factory=list)
    themes: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    out: object = sys.stderr

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return min(timezone.make_aware(datetime.combine(day, clock(hour, minute))), self.now)

    def note(self, label: str, started: float) -> None:
        """A line on stderr saying how long a step took."""
        if self.out is not None:
            self.out.write(f"  {label:<36} {time.monotonic() - started:7.1f} s\n")
            self.out.flush()

    def progress(self, label: str, total: int) -> Progress:
        return Progress(label, total, self.out)


def working_day(day: date, today: date) -> date:
    return demo.working_day(day, today)


# --------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------


def build_scale_world(
    size_name: str, seed: int = demo.SEED, today: date | None = None, out=sys.stderr
) -> dict[str, int]:
    """Empty Launchpad's tables and generate a world of the given size; returns counts."""
    if connection.vendor != "postgresql":
        raise ValueError("Generated worlds need PostgreSQL (they are loaded with COPY).")
    size = SIZES[size_name]
    scored.cache_clear()
    scoring_rules.cache_clear()
    now = timezone.now()
    today = today or timezone.localdate(now)
    world = World(size=size, rng=random.Random(seed), today=today, now=now, out=out)
    steps: list[tuple[str, Callable[[World], None]]] = [
        ("clear", clear_tables),
        ("defaults", create_defaults),
        ("organisations", create_organisations),
        ("users", create_users),
        ("programmes", create_programmes),
        ("staff", create_staff),
        ("stages", create_stages_and_milestones),
        ("agreements", create_agreements),
        ("standards", create_standards),
        ("resources", create_resources),
        ("cohorts", create_cohorts),
        ("screenings", create_screenings),
        ("training", create_training),
        ("supervision", create_supervision),
        ("cpd", create_cpd),
        ("measures", create_measure_responses),
        ("fidelity", create_fidelity),
        ("indicators", create_service_indicators),
    ]
    with disable_auditlog():
        for label, step in steps:
            started = time.monotonic()
            with transaction.atomic():  # one transaction per step, committed as it ends
                step(world)
            world.note(f"{label} done", started)
        started = time.monotonic()
        reset_sequences()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        world.note("sequences and ANALYZE", started)
    figures_changed()  # COPY sends no signals: cached figures are about the old world
    return world.counts


def project_tables() -> list[str]:
    tables = [User._meta.db_table, apps.get_model("auditlog", "LogEntry")._meta.db_table]
    for label in PROJECT_APPS:
        config = apps.get_app_config(label)
        for model in config.get_models(include_auto_created=True):
            tables.append(model._meta.db_table)
    return tables


def clear_tables(world: World) -> None:
    """Empty every Launchpad table (and the users), restarting their ids at 1."""
    with connection.cursor() as cursor:
        # Checks still pending from earlier in the same transaction would block TRUNCATE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(project_tables())} RESTART IDENTITY CASCADE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def reset_sequences() -> None:
    """Move each table's id sequence past the ids given here."""
    with connection.cursor() as cursor:
        for table in project_tables():
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
            )


def create_defaults(world: World) -> None:
    """What the migrations put in an empty database: pressure tags and challenge themes."""
    pressure = importlib.import_module(
        "commissioning.migrations.0004_default_pressure_tags_and_milestones"
    )
    for name in pressure.PRESSURE_TAGS:
        PressureTag.objects.create(name=name)
    for position, name in enumerate(demo.THEMES, start=1):
        world.themes[name] = ChallengeTheme.objects.create(name=name, position=position).pk
    world.counts["pressure tags"] = len(pressure.PRESSURE_TAGS)


# --------------------------------------------------------------------------------------
# Organisations, services, users, programmes
# --------------------------------------------------------------------------------------


def service_sizes(rng: random.Random, size: Size) -> list[int]:
    low, high = size.service_sizes
    sizes, total = [], 0
    while total < size.staff:
        take = min(rng.randint(low, high), size.staff - total)
        if take < low and sizes:
            sizes[-1] += take
        else:
            sizes.append(take)
        total += take
    return sizes


def create_organisations(world: World) -> None:
    rng, size = world.rng, world.size
    org_table, service_table = (
        table_of("commissioning.Organisation"),
        table_of("commissioning.Service"),
    )
    organisations: list[tuple[int, str, str]] = []
    for name in COMMISSIONERS[: size.programmes]:
        organisations.append((world.ids.next(org_table), name, "commissioner"))
    commissioner_ids = [row[0] for row in organisations]
    sizes = service_sizes(rng, size)
    # The first programme is the biggest: about a quarter of the services. With more than
    # two, the last is small (about a twentieth at national size, some 5,000 staff): the
    # size DESIGN.md's programme report budget names, so the bench can measure it.
    weights = [3.0] + [1.0 + rng.random() for _ in range(size.programmes - 1)]
    if size.programmes > 2:
        weights[-1] = 0.85
    services, provider, provider_left = [], 0, 0
    for number, staff in enumerate(sizes):
        if provider_left == 0:
            place = PLACES[len(organisations) % len(PLACES)]
            word = PROVIDER_WORDS[len(organisations) % len(PROVIDER_WORDS)]
            name = f"{place} {word} {len(organisations) - size.programmes + 1}"
            provider = world.ids.next(org_table)
            organisations.append((provider, name, "provider"))
            provider_left = rng.randint(3, 8)
        provider_left -= 1
        programme = 0 if number == 0 else rng.choices(range(size.programmes), weights)[0]
        kind = SERVICE_KINDS[number % len(SERVICE_KINDS)]
        place = PLACES[(number // len(SERVICE_KINDS)) % len(PLACES)]
        services.append(
            ServicePlan(
                id=world.ids.next(service_table),
                organisation=provider,
                name=f"{kind} {place} {number + 1}",
                domain=f"provider{provider}.example",
                programme=programme,
                size=staff,
                joined=world.today,  # set with the programmes
                stages=[],
                compliance=rng.choice((0.45, 0.6, 0.75, 0.85, 0.92, 0.97)),
                fidelity_level=rng.uniform(2.2, 3.2),
                drift=rng.choice((0.12, 0.08, 0.05, 0.0, -0.1)),
            )
        )
    # The biggest service goes first so that the benchmark logins see the most data.
    services.sort(key=lambda plan: (plan.programme != 0, -plan.size))
    world.services = services
    world.counts["organisations"] = copy_rows(org_table, ("id", "name", "kind"), organisations)
    world.counts["services"] = copy_rows(
        service_table,
        ("id", "organisation_id", "name"),
        ((plan.id, plan.organisation, plan.name) for plan in services),
    )
    world.programmes = [
        ProgrammePlan(id=0, name="", commissioner=org_id, start=world.today)
        for org_id in commissioner_ids
    ]


def create_users(world: World) -> None:
    """One shared, precomputed password hash: hashing 100,000 times would take hours."""
    world.hashed = make_password(demo.DEMO_PASSWORD)
    table = table_of("auth.User")
    rows = []
    for username, first, last, admin in (
        (ADMIN_LOGIN, "Alex", "Morgan", True),
        (COMMISSIONER_LOGIN, "Joanne", "Mensah", False),
    ):
        world.logins[username] = world.ids.next(table)
        rows.append(user_row(world, world.logins[username], username, first, last, admin))
    for number in range(2, world.size.programmes + 1):
        username = f"commissioner{number}{LOGIN_DOMAIN}"
        world.logins[username] = world.ids.next(table)
        rows.append(user_row(world, world.logins[username], username, "Sam", f"Lead{number}"))
    copy_rows(table, USER_COLUMNS, rows)


USER_COLUMNS = (
    "id",
    "password",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
)


def user_row(world: World, pk: int, username: str, first: str, last: str, admin=False) -> tuple:
    return (pk, world.hashed, admin, username, first, last, username, admin, True, world.now)


def create_programmes(world: World) -> None:
    rng = world.rng
    programme_table = table_of("commissioning.Programme")
    rows, leads, members = [], [], []
    commissioners = [COMMISSIONER_LOGIN] + [
        f"commissioner{n}{LOGIN_DOMAIN}" for n in range(2, world.size.programmes + 1)
    ]
    for number, plan in enumerate(world.programmes):
        plan.id = world.ids.next(programme_table)
        plan.name = PROGRAMME_THEMES[number % len(PROGRAMME_THEMES)]
        age = world.size.history_days - (0 if number == 0 else rng.randint(0, 180))
        plan.start = world.today - timedelta(days=age)
        rows.append(
            (
                plan.id,
                plan.name,
                plan.commissioner,
                demo.PRACTICE_MODEL,
                "A programme to embed trauma-informed, relational practice across services.",
                plan.start,
                plan.start + timedelta(days=3 * 365),
            )
        )
        user = world.logins[commissioners[number]]
        leads.append((world.ids.next("lead"), plan.id, user))
        members.append((world.ids.next("member"), user, plan.commissioner, world.now))
    copy_rows(
        programme_table,
        (
            "id",
            "name",
            "commissioning_organisation_id",
            "practice_model",
            "description",
            "start_date",
            "end_date",
        ),
        rows,
    )
    copy_rows(
        table_of("commissioning.Programme_lead_commissioners"),
        ("id", "programme_id", "user_id"),
        leads,
    )
    copy_rows(
        table_of("commissioning.CommissionerMembership"),
        ("id", "user_id", "organisation_id", "created"),
        members,
    )
    # The default milestone checklist, as every new programme gets it.
    migration = importlib.import_module(
        "commissioning.migrations.0004_default_pressure_tags_and_milestones"
    )
    migration.forwards(apps, None)
    world.counts["programmes"] = len(rows)

    # Each service joins its programme some time after it starts and moves through the
    # stages at its own pace.
    participations = []
    participation_table = table_of("commissioning.Participation")
    for service in world.services:
        programme = world.programmes[service.programme]
        available = max(0, (world.today - programme.start).days - 60)
        offset = 0 if service is world.services[0] else rng.randint(0, min(available, 200))
        service.joined = programme.start + timedelta(days=offset)
        service.stages = plan_stages(rng, service.joined, world.today, service is world.services[0])
        service.participation = world.ids.next(participation_table)
        participations.append(
            (
                service.participation,
                programme.id,
                service.id,
                service.current_stage,
                service.joined,
            )
        )
    world.counts["participations"] = copy_rows(
        participation_table,
        ("id", "programme_id", "service_id", "current_stage", "joined_on"),
        participations,
    )


def plan_stages(
    rng: random.Random, joined: date, today: date, quick: bool
) -> list[tuple[str, date, date | None]]:
    stages, started = [], joined
    for stage in (Stage.EXPLORATION, Stage.INSTALLATION, Stage.INITIAL, Stage.FULL):
        low, high = STAGE_DAYS[stage]
        length = low if quick else rng.randint(low, high)
        ends = started + timedelta(days=length)
        if ends >= today:
            stages.append((stage.value, started, None))
            return stages
        stages.append((stage.value, started, ends))
        started = ends
    stages.append((Stage.SUSTAINMENT.value, started, None))
    return stages


# --------------------------------------------------------------------------------------
# Staff and their logins
# --------------------------------------------------------------------------------------


STAFF_COLUMNS = (
    "id",
    "user_id",
    "service_id",
    "full_name",
    "email",
    "job_title",
    "role",
    "line_manager_id",
    "start_date",
    "newly_qualified",
    "is_active",
)


def create_staff(world: World) -> None:
    """Every service: a manager, teams of six to ten reporting to a line manager. Every
    member of staff has a login (all sharing the one password hash)."""
    rng, today = world.rng, world.today
    staff_table, user_table = table_of("cohorts.StaffMember"), table_of("auth.User")
    staff_rows, user_rows, managers = [], [], []
    bar = world.progress("staff and logins", world.size.staff)

    def add(service_index: int, role: str, title: str, manager: int | None, login="") -> Person:
        service = world.services[service_index]
        pk, user_id = world.ids.next(staff_table), world.ids.next(user_table)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = login or f"{first}.{last}.{pk}@{service.domain}".lower()
        newly_qualified = role == "practitioner" and rng.random() < 0.08
        days = rng.randint(20, 500) if newly_qualified else rng.randint(400, 6000)
        person = Person(
            pk, service_index, role, manager, today - timedelta(days=days), newly_qualified, user_id
        )
        world.people.append(person)
        user_rows.append(user_row(world, user_id, email, first, last))
        staff_rows.append(
            (
                pk,
                user_id,
                service.id,
                f"{first} {last}",
                email,
                title,
                role,
                manager,
                person.start_date,
                newly_qualified,
                True,
            )
        )
        if login:
            world.logins[login] = user_id
        bar.advance()
        return person

    for index, service in enumerate(world.services):
        first = index == 0
        manager = add(
            index,
            "service_manager",
            "Service Manager",
            None,
            SERVICE_MANAGER_LOGIN if first else "",
        )
        service.manager, service.manager_user = manager.id, manager.user_id
        managers.append((world.ids.next("managers"), service.id, manager.user_id))
        left, team = service.size - 1, 0
        while left > 0:
            reports = left - 1 if left <= 11 else rng.randint(6, 10)
            login = LINE_MANAGER_LOGIN if first and team == 0 else ""
            line_manager = add(index, "line_manager", "Team Manager", manager.id, login)
            line_manager.lm_trained = rng.random() < 0.5
            for number in range(reports):
                senior = rng.random() < 0.15
                title = rng.choice(PRACTITIONER_TITLES)
                login = PRACTITIONER_LOGIN if first and team == 0 and number == 0 else ""
                add(
                    index,
                    "senior" if senior else "practitioner",
                    f"Senior {title}" if senior else title,
                    line_manager.id,
                    login,
                )
            left -= reports + 1
            team += 1
        if len(staff_rows) > 20_000:
            flush_staff(world, user_rows, staff_rows)
    flush_staff(world, user_rows, staff_rows)
    copy_rows(table_of("commissioning.Service_managers"), ("id", "service_id", "user_id"), managers)
    bar.finish(len(world.people))
    world.counts["staff"] = len(world.people)
    world.counts["logins"] = world.ids.last[user_table]


def flush_staff(world: World, user_rows: list, staff_rows: list) -> None:
    copy_rows(table_of("auth.User"), USER_COLUMNS, user_rows)
    copy_rows(table_of("cohorts.StaffMember"), STAFF_COLUMNS, staff_rows)
    user_rows.clear()
    staff_rows.clear()


# --------------------------------------------------------------------------------------
# Co-commissioning: stages, milestones, agreements, standards, resources
# --------------------------------------------------------------------------------------


def create_stages_and_milestones(world: World) -> None:
    templates: dict[tuple[int, str], list[tuple[int, str, int]]] = {}
    for template in MilestoneTemplate.objects.order_by("position"):
        templates.setdefault((template.programme_id, template.stage), []).append(
            (template.pk, template.title, template.position)
        )
    records, milestones = [], []
    for service in world.services:
        programme = world.programmes[service.programme]
        for stage, started, completed in service.stages:
            records.append(
                (world.ids.next("stage"), service.participation, stage, started, completed)
            )
            for template, title, position in templates.get((programme.id, stage), []):
                done = None
                if completed is not None:
                    done = started + timedelta(
                        days=world.rng.randint(0, (completed - started).days)
                    )
                elif world.rng.random() < 0.4:
                    done = started + timedelta(
                        days=world.rng.randint(0, (world.today - started).days)
                    )
                due = started + timedelta(days=60 + 20 * position)
                milestones.append(
                    (
                        world.ids.next("milestone"),
                        service.participation,
                        template,
                        stage,
                        title,
                        due,
                        done,
                        position,
                    )
                )
    world.counts["stage records"] = copy_rows(
        table_of("commissioning.StageRecord"),
        ("id", "participation_id", "stage", "started_on", "completed_on"),
        records,
    )
    world.counts["milestones"] = copy_rows(
        table_of("commissioning.Milestone"),
        (
            "id",
            "participation_id",
            "template_id",
            "stage",
            "title",
            "due_on",
            "completed_on",
            "position",
        ),
        milestones,
    )


def create_agreements(world: World) -> None:
    rng = world.rng
    tags = list(PressureTag.objects.values_list("pk", flat=True))
    commissioners = [COMMISSIONER_LOGIN] + [
        f"commissioner{n}{LOGIN_DOMAIN}" for n in range(2, world.size.programmes + 1)
    ]
    rows, tagged = [], []
    for service in world.services:
        created = service.joined + timedelta(days=rng.randint(5, 25))
        if created > world.today:
            continue
        installed = service.stage_started(Stage.INSTALLATION)
        status = "agreed" if installed else rng.choice(("draft", "awaiting"))
        commissioner = world.logins[commissioners[service.programme]]
        signed_c = signed_m = None
        if status == "agreed":
            signed_c = world.at(min(installed, world.today), 10)
            signed_m = world.at(min(installed + timedelta(days=3), world.today), 15)
        elif status == "awaiting":
            signed_c = world.at(created + timedelta(days=5), 11) if rng.random() < 0.5 else None
        headcount = service.size
        vacancies = rng.randint(0, max(1, headcount // 10))
        pk = world.ids.next("agreement")
        rows.append(
            (
                pk,
                service.participation,
                1,
                status,
                headcount,
                vacancies,
                Decimal(rng.randint(0, 250)) / 10,
                rng.randint(9, 22),
                Decimal(rng.randint(60, 260)) / 10,
                "Caseloads and vacancies make protected supervision time hard to keep.",
                rng.choice((90, 90, 120)),
                rng.choice((24, 30)),
                rng.randint(3, 12),
                commissioner if signed_c else None,
                signed_c,
                service.manager_user if signed_m else None,
                signed_m,
                service.manager_user if status != "draft" else None,
                world.at(created + timedelta(days=2), 9) if status != "draft" else None,
                world.at(created, 9),
                1,
            )
        )
        for tag in rng.sample(tags, rng.randint(1, 3)):
            tagged.append((world.ids.next("tag"), pk, tag))
    world.counts["agreements"] = copy_rows(
        table_of("commissioning.Agreement"),
        (
            "id",
            "participation_id",
            "version",
            "status",
            *AGREEMENT_VALUE_FIELDS,
            "commissioner_signed_by_id",
            "commissioner_signed_at",
            "service_manager_signed_by_id",
            "service_manager_signed_at",
            "submitted_by_id",
            "submitted_at",
            "created",
            "revision",
        ),
        rows,
    )
    copy_rows(
        table_of("commissioning.Agreement_pressure_tags"),
        ("id", "agreement_id", "pressuretag_id"),
        tagged,
    )


CADENCE_RULES = (
    (SupervisionType.LINE_MANAGEMENT, True, 0, 6, 7),
    (SupervisionType.LINE_MANAGEMENT, True, 6, 26, 14),
    (SupervisionType.LINE_MANAGEMENT, True, 26, None, 30),
    (SupervisionType.LINE_MANAGEMENT, False, 0, None, 30),
    (SupervisionType.REFLECTIVE, False, 0, None, 42),
    (SupervisionType.COACHING, False, 0, None, 42),
    (SupervisionType.GROUP_REFLECTIVE, False, 0, None, 30),
)


def create_standards(world: World) -> None:
    """The default standards (the model's defaults) and the usual cadence rules."""
    standards, rules = [], []
    for programme in world.programmes:
        pk = world.ids.next("standards")
        standards.append((pk, programme.id, 90, 42, True, 30, 2, 1, 90, 12, 5))
        for kind, nq, start, end, interval in CADENCE_RULES:
            rules.append((world.ids.next("rule"), pk, kind.value, nq, start, end, interval))
    copy_rows(
        table_of("commissioning.Standards"),
        (
            "id",
            "programme_id",
            "min_session_minutes",
            "coaching_interval_days",
            "clinical_supervision_available",
            "cpd_hours_per_year",
            "cpd_pieces_per_year",
            "cpd_peer_reflection_pieces",
            "fidelity_check_interval_days",
            "resource_review_months",
            "small_number_threshold",
        ),
        standards,
    )
    world.counts["cadence rules"] = copy_rows(
        table_of("commissioning.CadenceRule"),
        (
            "id",
            "standards_id",
            "supervision_type",
            "newly_qualified",
            "from_week",
            "to_week",
            "interval_days",
        ),
        rules,
    )


def create_resources(world: World) -> None:
    rows = []
    for programme in world.programmes:
        for title, evidence, source, owner, description, age in demo.RESOURCES:
            reviewed = world.today - timedelta(days=age)
            rows.append(
                (
                    world.ids.next("resource"),
                    programme.commissioner,
                    title,
                    description,
                    "",
                    evidence.value,
                    source,
                    owner,
                    reviewed,
                    reviewed + timedelta(days=365),
                )
            )
    world.counts["resources"] = copy_rows(
        table_of("commissioning.Resource"),
        (
            "id",
            "organisation_id",
            "title",
            "description",
            "url",
            "evidence_level",
            "source",
            "owner",
            "last_reviewed",
            "review_by",
        ),
        rows,
    )


# --------------------------------------------------------------------------------------
# Cohorts, screening, training
# --------------------------------------------------------------------------------------


def create_cohorts(world: World) -> None:
    """Waves every eight weeks from three months in, until one is planned ahead; most
    practitioners in services past exploration join one."""
    rng, today = world.rng, world.today
    table = table_of("cohorts.Cohort")
    rows = []
    for programme in world.programmes:
        wave, day = 1, programme.start + timedelta(days=60)
        while True:
            end = day + timedelta(days=TRAINING_DAYS - 1)
            pk = world.ids.next(table)
            programme.cohorts.append((pk, wave, day, end))
            if end < today:
                status = "completed"
            elif day <= today:
                status = "in_training"
            else:
                status = "recruiting" if (day - today).days < 60 else "planned"
            rows.append((pk, programme.id, wave, f"Wave {wave}", 200, day, end, status))
            if day > today:
                break
            wave, day = wave + 1, day + timedelta(days=WAVE_EVERY_DAYS)
    memberships, benchmark = [], practitioner_of(world)
    for person in world.people:
        if person.role not in ("practitioner", "senior"):
            continue
        service = world.services[person.service]
        installed = service.stage_started(Stage.INSTALLATION)
        wanted = person is benchmark
        if installed is None or (rng.random() > 0.92 and not wanted):
            continue
        cohorts = [c for c in world.programmes[service.programme].cohorts if c[2] >= installed]
        if not cohorts:
            continue
        pk, _, start, end = cohorts[0] if wanted else rng.choice(cohorts)
        if end < today:
            status = (
                "withdrawn"
                if rng.random() < 0.04 and not wanted
                else ("active" if rng.random() < 0.7 else "trained")
            )
        elif start <= today:
            status = "confirmed"
        else:
            status = rng.choice(("nominated", "confirmed"))
        person.wave, person.membership = pk, status
        line_manager_user = world.people[person.line_manager - 1].user_id
        memberships.append(
            (
                world.ids.next("membership"),
                pk,
                person.id,
                status,
                rng.choice(WITHDRAWN_REASONS) if status == "withdrawn" else "",
                line_manager_user,
                world.now,
            )
        )
    # Each wave is planned for the people who joined it, to the nearest ten.
    joined = Counter(row[1] for row in memberships)
    rows = [
        (pk, programme, wave, name, min(30_000, max(10, -(-joined[pk] // 10) * 10)), *rest)
        for pk, programme, wave, name, _, *rest in rows
    ]
    world.counts["cohorts"] = copy_rows(
        table,
        (
            "id",
            "programme_id",
            "wave",
            "name",
            "planned_size",
            "training_start",
            "training_end",
            "status",
        ),
        rows,
    )
    world.counts["cohort memberships"] = copy_rows(
        table_of("cohorts.Membership"),
        ("id", "cohort_id", "staff_id", "status", "withdrawn_reason", "nominated_by_id", "updated"),
        memberships,
    )


def practitioner_of(world: World) -> Person:
    """The benchmark practitioner: the first practitioner of the biggest service."""
    return next(p for p in world.people if p.role in ("practitioner", "senior"))


def cohort_dates(world: World, person: Person) -> tuple[date, date]:
    programme = world.programmes[world.services[person.service].programme]
    for pk, _wave, start, end in programme.cohorts:
        if pk == person.wave:
            return start, end
    raise LookupError(person.wave)


def create_screenings(world: World) -> None:
    """Everyone nominated was screened against the five criteria a few weeks before."""
    rng = world.rng
    criteria = [criterion.value for criterion in Criterion]
    screening_table = table_of("cohorts.Screening")
    bar = world.progress("screenings", len(world.people))

    def screenings() -> Iterator[tuple]:
        for person in world.people:
            bar.advance()
            if not person.wave:
                continue
            start, _ = cohort_dates(world, person)
            day = min(start - timedelta(days=rng.randint(20, 50)), world.today)
            scores = [rng.randint(1, 3) for _ in criteria]
            person_ratings.append(scores)
            yield (
                world.ids.next(screening_table),
                person.id,
                world.programmes[world.services[person.service].programme].id,
                world.people[person.line_manager - 1].user_id,
                day,
                "interested",
                rng.random() < 0.15,
                sum(scores),
                "",
                None,
            )

    person_ratings: list[list[int]] = []
    count = copy_rows(
        screening_table,
        (
            "id",
            "staff_id",
            "programme_id",
            "screened_by_id",
            "screened_on",
            "practitioner_interest",
            "already_practising",
            "total_score",
            "practitioner_reflection",
            "reflected_at",
        ),
        screenings(),
    )
    bar.finish(count)

    def ratings() -> Iterator[tuple]:
        for screening, scores in enumerate(person_ratings, start=1):
            for criterion, score in zip(criteria, scores, strict=True):
                yield (
                    world.ids.next("rating"),
                    screening,
                    criterion,
                    score,
                    demo.SCREENING_EVIDENCE[criterion][score],
                )

    world.counts["screenings"] = count
    world.counts["screening ratings"] = copy_rows(
        table_of("cohorts.ScreeningRating"),
        ("id", "screening_id", "criterion", "rating", "evidence"),
        ratings(),
    )


def create_training(world: World) -> None:
    rows = []
    for person in world.people:
        programme = world.programmes[world.services[person.service].programme].id
        if person.membership in ("trained", "active"):
            _, end = cohort_dates(world, person)
            rows.append((world.ids.next("training"), person.id, programme, "practitioner", end))
        elif person.role == "line_manager" and person.lm_trained:
            service = world.services[person.service]
            installed = service.stage_started(Stage.INSTALLATION)
            if installed:
                day = min(installed + timedelta(days=30), world.today)
                rows.append((world.ids.next("training"), person.id, programme, "line_manager", day))
    world.counts["training completions"] = copy_rows(
        table_of("cohorts.TrainingCompletion"),
        ("id", "staff_id", "programme_id", "course", "completed_on"),
        rows,
    )


# --------------------------------------------------------------------------------------
# Supervision and CPD
# --------------------------------------------------------------------------------------

SESSION_COLUMNS = (
    "id",
    "supervisee_id",
    "supervisor_id",
    "external_supervisor",
    "held_on",
    "minutes",
    "supervision_type",
    "reflective_percent",
    "wellbeing_checked",
    "vicarious_trauma_concern",
    "notes",
    "logged_by_id",
    "logged_at",
    "affirmed_at",
    "affirmed_by_id",
)


def create_supervision(world: World) -> None:
    """Line management for everyone with a line manager, reflective supervision for
    trained champions, coaching for line managers and monthly group reflection in
    services past installation, each kept as well as its service keeps cadence."""
    bar = world.progress("supervision sessions", len(world.people))
    count = copy_rows(
        table_of("supervision.SupervisionSession"), SESSION_COLUMNS, sessions(world, bar)
    )
    bar.finish(count)
    world.counts["supervision sessions"] = count


def sessions(world: World, bar: Progress) -> Iterator[tuple]:
    rng, today = world.rng, world.today
    table = "supervision_supervisionsession"
    types = SupervisionType
    for person in world.people:
        bar.advance()
        if person.line_manager is None:
            continue
        service = world.services[person.service]
        programme = world.programmes[service.programme]
        supervisor = world.people[person.line_manager - 1]
        keep = max(0.3, min(1.0, service.compliance + rng.uniform(-0.1, 0.1)))
        since = max(person.start_date, programme.start - timedelta(days=60))
        plans = [(types.LINE_MANAGEMENT, since, 30)]
        if person.membership in ("trained", "active"):
            plans.append((types.REFLECTIVE, cohort_dates(world, person)[1], 42))
        if person.role == "line_manager":
            coached = service.stage_started(Stage.INSTALLATION)
            if coached:
                plans.append((types.COACHING, coached, 42))
        elif (grouped := service.stage_started(Stage.INITIAL)) is not None:
            plans.append((types.GROUP_REFLECTIVE, grouped, 30))
        for kind, first, interval in plans:
            day = first + timedelta(days=rng.randint(3, 20))
            while day <= today:
                held = working_day(day, today)
                if kind == types.LINE_MANAGEMENT and person.newly_qualified:
                    weeks = (held - person.start_date).days // 7
                    interval = 7 if weeks < 6 else 14 if weeks < 26 else 30
                yield session_row(world, world.ids.next(table), person, supervisor, kind, held)
                day += timedelta(days=max(5, round(interval / keep * rng.uniform(0.85, 1.15))))


def session_row(world, pk, person, supervisor, kind, held) -> tuple:
    rng = world.rng
    (low, high), (r_low, r_high) = demo.SESSION_PROFILES[kind]
    logged = world.at(held, 17, 5)
    affirmed = rng.random() < 0.8
    concern = "none"
    roll = rng.random()
    if roll < 0.05:
        concern = "moderate" if roll < 0.015 else "low"
    return (
        pk,
        person.id,
        supervisor.id,
        "",
        held,
        rng.randint(low, high),
        kind.value,
        rng.randint(r_low, r_high),
        rng.random() < 0.7,
        concern,
        rng.choice(demo.SESSION_NOTES[kind]),
        supervisor.user_id,
        logged,
        logged if affirmed else None,
        supervisor.user_id if affirmed else None,
    )


def create_cpd(world: World) -> None:
    """Four to ten pieces of CPD a year each, some linked to the resource library."""
    rng, today = world.rng, world.today
    resources = {}
    for pk, organisation, title in apps.get_model("commissioning.Resource").objects.values_list(
        "pk", "organisation_id", "title"
    ):
        resources[organisation, title] = pk
    bar = world.progress("CPD activities", len(world.people))

    def rows() -> Iterator[tuple]:
        for person in world.people:
            bar.advance()
            programme = world.programmes[world.services[person.service].programme]
            since = max(person.start_date, today - timedelta(days=world.size.history_days))
            span = (today - since).days
            for _ in range(round(span / 365 * rng.randint(4, 10))):
                kind, title, hours, peer, resource = rng.choice(demo.CPD_ACTIVITIES)
                yield (
                    world.ids.next("cpd"),
                    person.id,
                    kind.value,
                    title,
                    since + timedelta(days=rng.randint(0, span)),
                    Decimal(hours),
                    rng.choice(demo.CPD_LEARNING),
                    rng.choice(demo.CPD_IMPACT),
                    peer,
                    resources.get((programme.commissioner, resource)),
                )

    count = copy_rows(
        table_of("supervision.CpdActivity"),
        (
            "id",
            "staff_id",
            "kind",
            "title",
            "done_on",
            "hours",
            "learning",
            "impact",
            "peer_reflection",
            "resource_id",
        ),
        rows(),
    )
    bar.finish(count)
    world.counts["CPD activities"] = count


# --------------------------------------------------------------------------------------
# Outcomes: measures, points, responses; service indicators
# --------------------------------------------------------------------------------------


def create_measure_responses(world: World) -> None:
    """Pre for nearly every nominee; post and follow-ups for most of those trained whose
    window has passed, with a plausible improvement; scored by outcomes.scoring."""
    world.measures = [*demo.create_measures(), team_climate_measure()]
    for measure, _ in world.measures:
        scoring_rules(measure.pk)  # read now: no query can run while a COPY is open
    point_table = table_of("outcomes.MeasurementPoint")
    points = []
    for programme in world.programmes:
        for measure, _ in world.measures:
            for kind, label, anchor, opens, window in POINTS:
                pk = world.ids.next(point_table)
                programme.points[(measure.pk, label)] = (pk, kind, anchor, opens, window)
                points.append((pk, programme.id, measure.pk, kind, label, anchor, opens, window))
    world.counts["measurement points"] = copy_rows(
        point_table,
        (
            "id",
            "programme_id",
            "measure_id",
            "kind",
            "label",
            "anchor",
            "opens_after_days",
            "window_days",
        ),
        points,
    )
    bar = world.progress("measure responses", len(world.people))
    count = copy_rows(
        table_of("outcomes.MeasureResponse"),
        (
            "id",
            "staff_id",
            "point_id",
            "cohort_id",
            "measure_id",
            "completed_at",
            "answers",
            "score",
            "subscale_scores",
            "items_answered",
            "prorated",
        ),
        responses(world, bar),
    )
    bar.finish(count)
    world.counts["measure responses"] = count


CLIMATE_ITEMS = (
    "My team makes time to think about how families are experiencing our work.",
    "I can talk about the emotional impact of the work without being judged.",
    "We notice and name each other's good practice.",
    "When something goes wrong we look at what happened rather than who to blame.",
    "My line manager asks what I think a child's behaviour is telling us.",
    "I leave supervision clearer about what to do next.",
)


def team_climate_measure() -> tuple[Measure, list[MeasureItem]]:
    """A third demonstration measure, so that each champion answers three at each point."""
    return demo.define_measure(
        "team-climate-demo",
        name="Reflective team climate (demo)",
        description="How far the team makes room for reflection and learning.",
        scale_min=1,
        scale_max=5,
        scale_labels={"1": "Never", "2": "Rarely", "3": "Sometimes", "4": "Often", "5": "Always"},
        scoring=Measure.Scoring.MEAN,
        higher_is_better=True,
        reliability=0.82,
        reference_sd=0.55,
        clinical_cutoff=None,
        items=[(text, False, "") for text in CLIMATE_ITEMS],
    )


def responses(world: World, bar: Progress) -> Iterator[tuple]:
    rng, today = world.rng, world.today
    table = "outcomes_measureresponse"
    for person in world.people:
        bar.advance()
        if not person.wave:
            continue
        programme = world.programmes[world.services[person.service].programme]
        start, end = cohort_dates(world, person)
        trained = person.membership in ("trained", "active")
        for measure, items in world.measures:
            better = measure.higher_is_better
            level = rng.uniform(2.3, 3.4) if better else rng.uniform(1.6, 2.8)
            gain = rng.gauss(0.5, 0.35) if better else rng.gauss(0.4, 0.45)
            for kind, label, *_ in POINTS:
                pk, _, anchor, opens, window = programme.points[(measure.pk, label)]
                opened = (start if anchor == "start" else end) + timedelta(days=opens)
                day = opened + timedelta(days=rng.randint(0, window - 1))
                if day > today or (kind != "pre" and not trained):
                    break
                if rng.random() > RETURN_RATES[label]:
                    continue
                now_level = level if kind == "pre" else level + (gain if better else -gain)
                answers = tuple(
                    answer_for(rng, measure, item.reverse_scored, now_level) for item in items
                )
                score, subscales = scored(measure.pk, answers)
                yield (
                    world.ids.next(table),
                    person.id,
                    pk,
                    person.wave,
                    measure.pk,
                    world.at(day, rng.randint(9, 16), rng.choice((5, 20, 40))),
                    json.dumps({str(n): a for n, a in enumerate(answers, start=1)}),
                    score,
                    json.dumps(subscales),
                    len(items),
                    False,
                )


def answer_for(rng: random.Random, measure: Measure, reverse: bool, level: float) -> int:
    answer = demo.clamp(level + rng.gauss(0, 0.6), measure.scale_min, measure.scale_max)
    return measure.scale_min + measure.scale_max - answer if reverse else answer


@lru_cache(maxsize=200_000)
def scored(measure_id: int, answers: tuple[int, ...]) -> tuple[float, dict[str, float]]:
    """The score by the same rules as a response completed online (cached: answers repeat).
    ``answers`` are in item-number order."""
    items, scale = scoring_rules(measure_id)
    result = scoring.score_answers(
        items, scale, {str(n): a for n, a in enumerate(answers, start=1)}
    )
    return result.score, result.subscales


@lru_cache(maxsize=16)
def scoring_rules(measure_id: int) -> tuple[list[scoring.Item], scoring.Scale]:
    measure = Measure.objects.get(pk=measure_id)
    items = [
        scoring.Item(item.number, item.reverse_scored, item.subscale)
        for item in measure.items.order_by("number")
    ]
    return items, scoring.Scale(measure.scale_min, measure.scale_max, measure.scoring)


def create_service_indicators(world: World) -> None:
    """Two indicators a service, monthly for the last year, drifting the right way."""
    rng = world.rng
    indicators, values = [], []
    months = demo.month_starts(world.today, 12)
    quarter = demo.previous_quarter_label(months[0])
    for service in world.services:
        for name, unit, baseline, better in (
            ("Re-referrals within 12 months", "% of referrals", rng.uniform(15, 30), False),
            ("Complaints", "complaints a month", float(rng.randint(2, 9)), False),
        ):
            pk = world.ids.next("indicator")
            indicators.append((pk, service.id, name, unit, better, round(baseline, 1), quarter))
            for number, month in enumerate(months):
                value = baseline * (1 - 0.2 * number / 12) * rng.uniform(0.85, 1.15)
                values.append((world.ids.next("value"), pk, month, round(value, 1)))
    world.counts["service indicators"] = copy_rows(
        table_of("outcomes.ServiceIndicator"),
        (
            "id",
            "service_id",
            "name",
            "unit",
            "higher_is_better",
            "baseline_value",
            "baseline_period",
        ),
        indicators,
    )
    world.counts["indicator values"] = copy_rows(
        table_of("outcomes.IndicatorValue"), ("id", "indicator_id", "period_start", "value"), values
    )


# --------------------------------------------------------------------------------------
# Fidelity: tools, quarterly checks with their ratings, themes, support
# --------------------------------------------------------------------------------------


def create_fidelity(world: World) -> None:
    tool_table, item_table = table_of("fidelity.FidelityTool"), table_of("fidelity.FidelityItem")
    tools, items = [], []
    for programme in world.programmes:
        programme.tool = world.ids.next(tool_table)
        tools.append(
            (
                programme.tool,
                programme.id,
                "Trauma-informed practice reflection",
                "Six quick questions, one for each principle.",
                1,
                True,
                world.at(programme.start, 9),
                None,
            )
        )
        for number, (principle, prompt) in enumerate(demo.FIDELITY_PROMPTS.items(), start=1):
            pk = world.ids.next(item_table)
            programme.items.append((pk, principle.value))
            items.append((pk, programme.tool, number, principle.value, prompt))
    copy_rows(
        tool_table,
        (
            "id",
            "programme_id",
            "name",
            "description",
            "version",
            "in_use",
            "published",
            "published_by_id",
        ),
        tools,
    )
    copy_rows(item_table, ("id", "tool_id", "number", "principle", "prompt"), items)

    bar = world.progress("fidelity checks", len(world.people))
    ratings: list[tuple] = []
    themes: list[tuple] = []
    support: list[tuple] = []
    rating_table = table_of("fidelity.FidelityRating")
    check_table = table_of("fidelity.FidelityCheck")
    counts = {"ratings": 0, "themes": 0, "support": 0}

    def flush() -> None:
        counts["ratings"] += copy_rows(
            rating_table, ("id", "check_record_id", "item_id", "rating"), ratings
        )
        counts["themes"] += copy_rows(
            table_of("fidelity.FidelityCheck_themes"),
            ("id", "fidelitycheck_id", "challengetheme_id"),
            themes,
        )
        counts["support"] += copy_rows(
            table_of("fidelity.SupportAction"),
            (
                "id",
                "check_record_id",
                "staff_id",
                "owner_id",
                "description",
                "due_on",
                "done_on",
                "created",
            ),
            support,
        )
        ratings.clear()
        themes.clear()
        support.clear()

    def checks() -> Iterator[tuple]:
        for person in world.people:
            bar.advance()
            if person.membership not in ("trained", "active"):
                continue
            yield from person_checks(world, person, ratings, themes, support)

    # The checks go in first (the ratings point at them), in chunks so memory stays flat.
    total = 0
    iterator = checks()
    while True:
        chunk = [row for _, row in zip(range(20_000), iterator, strict=False)]
        if not chunk:
            break
        total += copy_rows(
            check_table,
            (
                "id",
                "tool_id",
                "staff_id",
                "kind",
                "completed_by_id",
                "done_on",
                "went_well",
                "got_in_the_way",
                "support_wanted",
                "response",
                "responded_at",
                "created",
                "mean_rating",
            ),
            chunk,
        )
        flush()
    bar.finish(total)
    world.counts["fidelity checks"] = total
    world.counts["fidelity ratings"] = counts["ratings"]
    world.counts["challenge themes tagged"] = counts["themes"]
    world.counts["support actions"] = counts["support"]


def person_checks(
    world: World, person: Person, ratings: list, themes: list, support: list
) -> Iterator[tuple]:
    """A self-reflection about every quarter since training, and in most quarters an
    observation or a check in supervision too; the ratings follow the service's level
    and its drift (up in most services, down in some)."""
    rng, today = world.rng, world.today
    service = world.services[person.service]
    programme = world.programmes[service.programme]
    line_manager = world.people[person.line_manager - 1]
    _, end = cohort_dates(world, person)
    day = end + timedelta(days=rng.randint(14, 40))
    level = service.fidelity_level + rng.gauss(0, 0.25)
    schedule, quarter = [], 0
    while day <= today:
        schedule.append((day, "self", quarter))
        if rng.random() < 0.75:  # and most quarters, an observation or one in supervision
            other = day + timedelta(days=rng.randint(14, 35))
            if other <= today:
                schedule.append((other, ("supervision", "peer")[quarter % 2], quarter))
        quarter += 1
        day += timedelta(days=rng.randint(75, 95))
    for day, kind, number in schedule:
        done = working_day(day, today)
        pk = world.ids.next("fidelity_fidelitycheck")
        scores = [
            demo.clamp(
                level
                + service.drift * number
                + demo.PRINCIPLE_OFFSETS[principle]
                + rng.gauss(0, 0.45),
                1,
                4,
            )
            for _, principle in programme.items
        ]
        for (item, _), score in zip(programme.items, scores, strict=True):
            ratings.append((world.ids.next("fidelity_fidelityrating"), pk, item, score))
        mean = fmean(scores)
        wanted = mean < 2.3 or rng.random() < 0.08
        got_in_the_way = rng.choice(demo.GOT_IN_THE_WAY)
        if theme := demo.GOT_IN_THE_WAY_THEMES.get(got_in_the_way):
            themes.append((world.ids.next("theme"), pk, world.themes[theme]))
        author = {"self": person.user_id, "supervision": line_manager.user_id}.get(kind)
        response, responded = "", None
        if kind == "supervision" and rng.random() < 0.5:
            response = rng.choice(demo.CHECK_RESPONSES)
            responded = world.at(done + timedelta(days=2), 12) if response else None
        if wanted:
            due = done + timedelta(days=rng.randint(14, 42))
            finished = due - timedelta(days=rng.randint(0, 10)) if due < today else None
            support.append(
                (
                    world.ids.next("support"),
                    pk,
                    person.id,
                    line_manager.id,
                    rng.choice(demo.SUPPORT_ACTIONS),
                    due,
                    finished,
                    world.at(done, 16),
                )
            )
        yield (
            pk,
            programme.tool,
            person.id,
            kind,
            author,
            done,
            rng.choice(demo.WENT_WELL),
            got_in_the_way,
            wanted,
            response,
            responded,
            world.at(done, 15),
            mean,
        )


# --------------------------------------------------------------------------------------
# For the command's summary
# --------------------------------------------------------------------------------------


def scale_logins() -> list[tuple[str, str]]:
    return [
        (ADMIN_LOGIN, "administrator (Django admin)"),
        (COMMISSIONER_LOGIN, "lead commissioner of the biggest programme"),
        (SERVICE_MANAGER_LOGIN, "service manager of the biggest service in it"),
        (LINE_MANAGER_LOGIN, "line manager of a team in that service"),
        (PRACTITIONER_LOGIN, "practitioner and wave 1 champion in that team"),
    ]
