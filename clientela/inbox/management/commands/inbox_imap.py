"""`clientela inbox_imap [--once] [--mailbox ID] [--interval S]`: read the IMAP mailboxes.

Without --mailbox every enabled mailbox is polled in turn every interval; with one mailbox
the command waits with IDLE between polls when the server offers it. Several copies are
safe: the Message-ID check stores a message once.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from clientela.inbox.imap import ImapSession, imap_run
from clientela.inbox.models import ImapMailbox


class Command(BaseCommand):
    help = "Read new mail from the workspaces' IMAP mailboxes into the inbox."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="poll each mailbox once")
        parser.add_argument("--mailbox", type=int, help="only this mailbox (id); uses IDLE")
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between polls")

    def handle(
        self, *args: Any, once: bool, mailbox: int | None, interval: float, **kw: Any
    ) -> None:
        if mailbox is not None and not once:
            imap_run(mailbox, interval=interval)
            return
        while True:
            rows = ImapMailbox.objects.filter(enabled=True).select_related("workspace")
            for row in rows if mailbox is None else rows.filter(pk=mailbox):
                try:
                    session = ImapSession(row)
                except OSError as error:
                    self.stderr.write(f"{row}: {error}")
                    continue
                try:
                    self.stdout.write(f"{row}: {session.poll()} new")
                finally:
                    session.close()
            if once:
                return
            time.sleep(interval)
