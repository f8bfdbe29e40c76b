"""Reading an existing mailbox over IMAP (RFC 3501), waiting with IDLE (RFC 2177) if offered.

The mailbox row keeps UIDVALIDITY and the last UID stored. A message's UID is saved in the
transaction that stores the message, so after a crash or a restart the next poll starts
right after the last stored one: nothing is missed, and nothing is read twice (should a
UIDVALIDITY change force a full re-read, the Message-ID check drops what was stored).
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import select
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from clientela.inbox.models import Channel, ImapMailbox
from clientela.inbox.services.errors import InboxError
from clientela.inbox.services.receive import message_receive

log = logging.getLogger(__name__)
_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
_FETCH_UID = re.compile(rb"UID (\d+)")
BATCH = 50  # messages fetched per poll round; the next round continues
IDLE_TAG = b"CLIDLE"


class ImapSession:
    """One logged-in connection to a mailbox row, with its folder selected."""

    def __init__(self, mailbox: ImapMailbox, *, timeout: float = 30.0) -> None:
        self.mailbox = mailbox
        cls = imaplib.IMAP4_SSL if mailbox.use_ssl else imaplib.IMAP4
        self.conn = cls(mailbox.host, mailbox.port, timeout=timeout)
        self.timeout = timeout
        self.conn.login(mailbox.username, mailbox.password)
        typ, _data = self.conn.select(_quoted(mailbox.folder), readonly=True)
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot select {mailbox.folder!r}")

    def close(self) -> None:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            self.conn.logout()

    def uidvalidity(self) -> int:
        _typ, data = self.conn.status(_quoted(self.mailbox.folder), "(UIDVALIDITY)")
        found = _UIDVALIDITY.search(data[0] or b"") if data and isinstance(data[0], bytes) else None
        return int(found.group(1)) if found else 0

    def poll(self) -> int:
        """Store every message after the last stored UID; return how many were new."""
        mailbox = self.mailbox
        self.conn.noop()  # the server shows the selected folder's new mail on a sync
        validity = self.uidvalidity()
        if mailbox.uidvalidity != validity:
            # New numbering (RFC 3501 2.3.1.1): read all again; Message-IDs drop repeats.
            mailbox.uidvalidity, mailbox.last_uid = validity, 0
            mailbox.save(update_fields=["uidvalidity", "last_uid"])
        stored = 0
        while True:
            uids = self._uids_after(mailbox.last_uid)[:BATCH]
            if not uids:
                break
            for uid in uids:
                stored += self._store(uid)
        mailbox.last_polled_at = timezone.now()
        mailbox.save(update_fields=["last_polled_at", "last_error"])
        return stored

    def _uids_after(self, last: int) -> list[int]:
        _typ, data = self.conn.uid("SEARCH", f"UID {last + 1}:*")
        found = [int(uid) for uid in (data[0] or b"").split()] if data else []
        # "n:*" names the highest UID even when it is below n (RFC 3501 6.4.8).
        return sorted(uid for uid in found if uid > last)

    def _store(self, uid: int) -> int:
        _typ, data = self.conn.uid("FETCH", str(uid), "(UID BODY.PEEK[])")
        raw = next((part[1] for part in data if isinstance(part, tuple)), None)
        mailbox = self.mailbox
        with transaction.atomic():
            new = 0
            if raw is not None:
                try:
                    message = message_receive(
                        workspace=mailbox.workspace, raw=raw, channel=Channel.IMAP
                    )
                    new = int(message is not None)
                except InboxError as error:
                    mailbox.last_error = f"UID {uid}: {error}"[:500]
            mailbox.last_uid = uid
            mailbox.save(update_fields=["last_uid", "last_error"])
        return new

    def supports_idle(self) -> bool:
        return "IDLE" in self.conn.capabilities

    def idle(self, seconds: float) -> bool:
        """Wait up to `seconds` for the server to announce new mail; True if it did.

        The wait is a select() on the socket: a timeout on imaplib's buffered file would
        leave it unreadable. The server's "+ idling" is the last thing it sent, so nothing
        waits in the buffer while we select."""
        conn = self.conn
        conn.send(IDLE_TAG + b" IDLE\r\n")
        if not conn.readline().startswith(b"+"):
            raise imaplib.IMAP4.error("IDLE refused")
        deadline = time.monotonic() + seconds
        news = False
        while not news:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([conn.socket()], [], [], left)[0]:
                break
            line = conn.readline()
            if not line:
                raise imaplib.IMAP4.abort("connection closed in IDLE")
            news = line.rstrip().endswith(b"EXISTS")
        conn.send(b"DONE\r\n")
        while not conn.readline().startswith(IDLE_TAG):
            pass
        return news


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def imap_run(
    mailbox_id: int,
    *,
    interval: float = 60.0,
    rounds: int | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> None:
    """Poll one mailbox until stopped: after each poll, IDLE if offered (at most `interval`
    seconds, servers drop idlers after 30 minutes) or sleep `interval`. Reconnects on errors."""
    done = 0
    while not stop() and (rounds is None or done < rounds):
        mailbox = ImapMailbox.objects.select_related("workspace").get(pk=mailbox_id)
        try:
            session = ImapSession(mailbox)
            try:
                while not stop() and (rounds is None or done < rounds):
                    session.poll()
                    done += 1
                    if session.supports_idle():
                        session.idle(interval)
                    else:
                        time.sleep(interval)
            finally:
                session.close()
        except (imaplib.IMAP4.error, OSError) as error:
            # The reason, never the password: the row keeps it for the settings page.
            ImapMailbox.objects.filter(pk=mailbox_id).update(last_error=str(error)[:500])
            log.warning("IMAP %s: %s", mailbox, error)
            done += 1
            time.sleep(min(interval, 30.0))
