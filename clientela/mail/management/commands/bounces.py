"""Receive bounces over SMTP: `manage.py bounces --port 2526` (loopback unless --host)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from clientela.mail.inbound import BounceHandler
from clientela.mail.inbound.server import DEFAULT_SIZE_LIMIT, serve


class Command(BaseCommand):
    help = "Run an SMTP server that records bounces sent to our VERP addresses."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2526)

    def handle(self, *args: Any, **options: Any) -> None:
        serve(
            BounceHandler(),
            host=options["host"],
            port=options["port"],
            announce=self.stdout.write,
            size_limit=DEFAULT_SIZE_LIMIT,
        )
