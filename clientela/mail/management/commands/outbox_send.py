"""Send the outbox: `manage.py outbox_send` runs a worker loop; safe to run as several copies."""

from __future__ import annotations

import signal
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from clientela.mail.instance import instance_resume
from clientela.mail.worker import WorkerOptions, worker_run


class Command(BaseCommand):
    help = "Claim due outbox rows and send them over SMTP, polling until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=25)
        parser.add_argument("--lease-seconds", type=int, default=300)
        parser.add_argument("--poll-seconds", type=float, default=1.0)
        parser.add_argument("--drain", action="store_true", help="exit when nothing is due")
        parser.add_argument(
            "--resume-after-restore",
            action="store_true",
            help=(
                "adopt this data directory's instance id and resume every workspace paused "
                "by a restored backup, then exit"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["resume_after_restore"]:
            resumed = instance_resume()
            self.stdout.write(f"Sending resumed ({resumed} workspaces were paused by a restore).")
            return
        stopping: list[int] = []
        # Finish the batch in hand on SIGTERM so its results are recorded, then leave.
        signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
        signal.signal(signal.SIGINT, lambda signum, frame: stopping.append(signum))
        handled = worker_run(
            WorkerOptions(
                batch=options["batch"],
                lease=timedelta(seconds=options["lease_seconds"]),
                poll_seconds=options["poll_seconds"],
                drain=options["drain"],
            ),
            should_stop=lambda: bool(stopping),
        )
        self.stdout.write(f"{handled} messages handled.")
