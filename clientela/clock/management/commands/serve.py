"""`clientela serve`: the web server (gunicorn); with --all also a task worker, the outbox
sender and the clock."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clientela.clock.supervisor import Child, supervise


def static_fingerprint() -> str:
    """A digest of every static source file (path, size, modification time) and of the
    storage that collects them: it changes whenever `collectstatic` would write something new."""
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            info = os.stat(storage.path(path))
            digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _clientela(*args: str) -> list[str]:
    return [sys.executable, "-m", "clientela.cli", *args]


class Command(BaseCommand):
    help = "Serve the web app with gunicorn; --all also runs a task worker, the sender, the clock."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("CLIENTELA_PORT", "8000")),
            help="Port on 127.0.0.1 (default $CLIENTELA_PORT or 8000).",
        )
        parser.add_argument("--host", default="127.0.0.1", help="Address to bind.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
        parser.add_argument(
            "--all",
            action="store_true",
            dest="everything",
            help=(
                "Also run a task worker, the outbox sender and the clock (and the mail sink if "
                "CLIENTELA_DEMO=1, the inbound SMTP service on $CLIENTELA_INBOUND_PORT if set)."
            ),
        )

    def handle(
        self, *args: Any, port: int, host: str, workers: int, everything: bool, **options: Any
    ) -> None:
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        self._check_migrations()
        if not settings.DEBUG:
            self._static_collect()
        # The children open their own connections; ours must not be shared across a fork.
        connection.close()
        children = [Child("web", self._gunicorn(host, port, workers))]
        if everything:
            children.append(Child("worker", _clientela("worker")))
            # Mail leaves only through a sender that polls the outbox: tasks merely wake one
            # early, and rows due later (thank-you letters, retries) are never woken at all.
            children.append(Child("sender", _clientela("outbox_send")))
            children.append(Child("clock", _clientela("clock")))
            if os.environ.get("CLIENTELA_DEMO") == "1":
                children.append(Child("mailsink", _clientela("mailsink")))
            # Mail in (support addresses, forwarding aliases) when a port is given: behind the
            # MX in production, 127.0.0.1 in the demo.
            inbound = os.environ.get("CLIENTELA_INBOUND_PORT", "")
            if inbound.isdigit():
                children.append(Child("mail-in", _clientela("forwarding", "--port", inbound)))
        self.stdout.write(f"Clientela at http://{host}:{port}/ (Ctrl-C stops it)")
        self.stdout.flush()
        # A child that dies is restarted (with a growing pause, logged): the web stays up
        # while a crashed sender or worker comes back.
        supervise(children, cwd=settings.BASE_DIR, log=self._log)

    def _log(self, line: str) -> None:
        self.stdout.write(f"serve: {line}")
        self.stdout.flush()

    def _static_collect(self) -> None:
        """Collect the static files unless they are the same as at the last start: hashing and
        compressing them takes tens of seconds, which a restart need not pay again."""
        stamp = Path(settings.STATIC_ROOT) / ".collected-from"
        fingerprint = static_fingerprint()
        if stamp.exists() and stamp.read_text() == fingerprint:
            return
        self._log("preparing the static files (once per version)")
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.write_text(fingerprint)

    def _check_migrations(self) -> None:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            raise CommandError(
                f"{len(plan)} database migrations are not applied: run `clientela migrate` first"
            )

    def _gunicorn(self, host: str, port: int, workers: int) -> list[str]:
        return [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"{host}:{port}",
            "--workers", str(workers),
            "--access-logfile", "-",
            "--graceful-timeout", "10",
            # Load the app once in the master: workers start fast, and a broken app fails
            # at start instead of in a restart loop.
            "--preload",
            # Its control socket sits at one path per user: two installs would collide.
            "--no-control-socket",
        ]  # fmt: skip
