"""``manage.py seed_demo``: build (or rebuild) the demonstration world."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError

from core.demo import DEMO_PASSWORD, build_demo_world, demo_logins


class Command(BaseCommand):
    help = (
        "Delete the previous demo world and build a fresh, deterministic one: "
        "Northshire County Council's trauma-informed practice programme with four "
        "services, about sixty staff, nine months of records and shared demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (the demo logins share a published password).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo only runs with DEBUG on: it deletes and rebuilds the demo "
                "organisations and creates logins that share a published password. "
                "Pass --force if you really mean to run it here."
            )
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
        width = max(len(label) for label in counts)
        for label, count in counts.items():
            self.stdout.write(f"  {label:<{width}}  {count:>5}")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        width = max(len(username) for username, _ in demo_logins())
        for username, who in demo_logins():
            self.stdout.write(f"  {username:<{width}}  {who}")
