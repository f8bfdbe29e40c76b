"""`clientela demo`: the demo login and shop, loaded once (`--reset` loads it again)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from clientela.demo.loader import demo_is_loaded, demo_shop_load
from clientela.demo.services import (
    DEMO_EMAIL,
    demo_owner_ensure,
    demo_password,
    demo_workspace_ensure,
)


class Command(BaseCommand):
    help = "Create the demo owner and workspace and load the demo shop (CDNOW data) once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete the demo shop, reload.")
        parser.add_argument("--seed", type=int, default=1997, help="Seed for invented names.")
        parser.add_argument(
            "--customers", type=int, default=None, help="Load only CDNOW customers 1..N."
        )

    def handle(
        self, *args: Any, reset: bool, seed: int, customers: int | None, **options: Any
    ) -> None:
        password = demo_password()
        owner = demo_owner_ensure(password=password)
        workspace = demo_workspace_ensure(owner=owner, reset=reset)
        if demo_is_loaded(workspace=workspace):
            self.stdout.write("The demo shop is already loaded (--reset loads it again).")
        else:
            self.stdout.write("Loading the demo shop…")
            self.stdout.flush()
            report = demo_shop_load(
                workspace=workspace,
                actor=None,
                today=timezone.localdate(),
                seed=seed,
                customers=customers,
            )
            self.stdout.write(
                f"Loaded {report.customers:,} customers and {report.orders:,} orders "
                f"in {report.seconds:.1f} s (last order {report.last_order:%Y-%m-%d})."
            )
        self.stdout.write(
            f"Log in at {settings.SITE_URL}/ as {DEMO_EMAIL} with password {password}"
        )
