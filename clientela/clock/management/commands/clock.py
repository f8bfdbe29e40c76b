"""`clientela clock`: enqueue the registered periodic jobs, one task per time slot.

Safe to run as several copies (each slot is a unique row). Stops at SIGINT/SIGTERM.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

from clientela.clock.registry import registry
from clientela.clock.services import clock_tick

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Enqueue the periodic jobs when their time slot comes (only enqueues, never runs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between ticks (default 5)."
        )
        parser.add_argument("--once", action="store_true", help="Tick once, then exit.")

    def handle(self, *args: Any, interval: float, once: bool, **options: Any) -> None:
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        names = ", ".join(job.name for job in registry.jobs()) or "none"
        self.stdout.write(f"clock: jobs {names}; ticking every {interval:g} s")
        while not stop.is_set():
            self._tick()
            if once:
                break
            stop.wait(interval)
        connection.close()
        self.stdout.write("clock: stopped")

    def _tick(self) -> None:
        close_old_connections()
        try:
            clock_tick()  # logs each slot it enqueues
        except Exception:  # a database hiccup must not stop the clock; next tick retries
            logger.exception("clock: tick failed, retrying at the next one")
            connection.close()
