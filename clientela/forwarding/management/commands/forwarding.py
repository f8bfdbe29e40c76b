"""`clientela forwarding [--host H] [--port P]`: the SMTP service for forwarding addresses."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from clientela.forwarding.inbound import service_routes
from clientela.forwarding.models import SIZE_KB_MAX
from clientela.mail.inbound.routes import InboundHandler
from clientela.mail.inbound.server import serve


class Command(BaseCommand):
    help = "Run the SMTP service that forwards mail for customers' aliases (and takes bounces)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2526)

    def handle(self, *args: Any, **options: Any) -> None:
        serve(
            InboundHandler(service_routes()),
            host=options["host"],
            port=options["port"],
            announce=self.stdout.write,
            # Each alias's own limit is checked at DATA; this is the ceiling of them all.
            size_limit=SIZE_KB_MAX * 1024,
        )
