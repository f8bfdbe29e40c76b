"""Receive bounces over SMTP: `manage.py bounces --port 2526` (loopback unless --host)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from aiosmtpd.controller import Controller
from django.core.management.base import BaseCommand, CommandParser

from clientela.mail.inbound import BounceHandler


class Command(BaseCommand):
    help = "Run an SMTP server that records bounces sent to our VERP addresses."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2526)

    def handle(self, *args: Any, **options: Any) -> None:
        controller = Controller(BounceHandler(), hostname=options["host"], port=options["port"])
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
        controller.start()
        self.stdout.write(f"Receiving bounces on {options['host']}:{options['port']}")
        try:
            while not stop.wait(1.0):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
