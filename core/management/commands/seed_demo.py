"""``manage.py seed_demo``: build (or rebuild) the demonstration world, or a generated
world of a given size for measuring performance (``--scale``)."""

import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import ProtectedError

from core import scale
from core.demo import DEMO_PASSWORD, SEED, build_demo_world, demo_logins


class Command(BaseCommand):
    help = (
        "Delete the previous demo world and build a fresh, deterministic one: "
        "Northshire County Council's trauma-informed practice programme with four "
        "services, about sixty staff, nine months of records and shared demo logins. "
        "With --scale, generate a much bigger world on PostgreSQL instead (tiny: about 200 "
        "staff; county: about 5,000; national: about 100,000 staff and 2,000,000 "
        "supervision sessions). --scale EMPTIES EVERY LAUNCHPAD TABLE FIRST, users "
        "included (TRUNCATE ... CASCADE), which is why it too only runs with DEBUG on or "
        "--force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (the demo logins share a published password).",
        )
        parser.add_argument(
            "--scale",
            choices=sorted(scale.SIZES, key=lambda name: scale.SIZES[name].staff),
            help="Generate a world of this size (PostgreSQL only; empties all Launchpad "
            "tables and users first).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=SEED,
            help=f"Random seed for --scale (default {SEED}): the same seed, the same world.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo only runs with DEBUG on: it deletes and rebuilds the demo "
                "organisations and creates logins that share a published password. "
                "Pass --force if you really mean to run it here."
            )
        if options.get("scale"):
            self.build_scale(options["scale"], options["seed"], options.get("verbosity", 1))
            return
        started = time.monotonic()
        try:
            counts = build_demo_world()
        except ProtectedError as exc:
            raise CommandError(
                "Could not clear the previous demo world: records outside it still refer "
                f"to demo logins or staff ({exc.args[0]})"
            ) from exc
        elapsed = time.monotonic() - started

        self.stdout.write(self.style.SUCCESS(f"Demo world built in {elapsed:.1f} s."))
        self.write_counts(counts)
        self.write_logins(demo_logins())

    def build_scale(self, size: str, seed: int, verbosity: int) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                f"--scale needs PostgreSQL (it loads rows with COPY); this database is "
                f"{connection.vendor}. Set DATABASE_URL to a PostgreSQL database."
            )
        self.stdout.write(f"Emptying Launchpad's tables and generating the {size} world...")
        started = time.monotonic()
        counts = scale.build_scale_world(size, seed=seed, out=sys.stderr if verbosity else None)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"The {size} world was built in {elapsed:.1f} s."))
        self.write_counts(counts)
        self.write_logins(scale.scale_logins())

    def write_counts(self, counts: dict[str, int]) -> None:
        width = max(len(label) for label in counts)
        for label, count in counts.items():
            self.stdout.write(f"  {label:<{width}}  {count:>10,}")

    def write_logins(self, logins: list[tuple[str, str]]) -> None:
        self.stdout.write(f"\nLogins (password for all: {DEMO_PASSWORD}):")
        width = max(len(username) for username, _ in logins)
        for username, who in logins:
            self.stdout.write(f"  {username:<{width}}  {who}")
