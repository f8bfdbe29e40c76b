"""The demo's sent mail, as the local mail sink received it, seen from one workspace.

The sink keeps every message of the install in one folder (DATA_DIR/mailsink). A workspace
sees only the files whose Message-ID is one of its own outbox rows: the id is chosen at
random per row and never reused, so it names exactly one workspace.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path

from django.conf import settings

from clientela.accounts.models import Workspace
from clientela.mail.models import Outbox

SCAN = 2000  # the newest files looked at: the sink is a demo tool, not an archive
SHOWN = 200


@dataclass(frozen=True)
class SentMessage:
    outbox_id: int
    sender: str
    recipient: str
    subject: str
    date: str


@dataclass(frozen=True)
class SentMessageText:
    headers: SentMessage
    body_text: str  # the text/plain part as received; shown escaped, never as HTML


def sink_dir() -> Path:
    return Path(settings.DATA_DIR) / "mailsink"


def _newest_headers() -> list[tuple[Path, EmailMessage]]:
    files = sorted(sink_dir().glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)
    parser = BytesHeaderParser(policy=policy.default)
    found = []
    for path in files[:SCAN]:
        with path.open("rb") as handle:
            found.append((path, parser.parse(handle)))
    return found


def _summary(outbox_id: int, headers: EmailMessage) -> SentMessage:
    return SentMessage(
        outbox_id,
        str(headers.get("From", "")),
        str(headers.get("To", "")),
        str(headers.get("Subject", "")),
        str(headers.get("Date", "")),
    )


def sent_mail_for_workspace(workspace: Workspace) -> list[SentMessage] | None:
    """The workspace's messages in the sink, newest first; None when there is no sink."""
    if not sink_dir().is_dir():
        return None
    files = _newest_headers()
    ids = {str(headers.get("Message-ID", "")).strip() for _, headers in files}
    own = dict(
        Outbox.objects.for_workspace(workspace)
        .filter(message_id__in=ids)
        .values_list("message_id", "pk")
    )
    found = []
    for _, headers in files:
        outbox_id = own.get(str(headers.get("Message-ID", "")).strip())
        if outbox_id is not None:
            found.append(_summary(outbox_id, headers))
    return found[:SHOWN]


def sent_mail_open(row: Outbox) -> SentMessageText | None:
    """The newest copy of this (already workspace-checked) outbox row in the sink, if any."""
    if not sink_dir().is_dir():
        return None
    for path, headers in _newest_headers():
        if str(headers.get("Message-ID", "")).strip() == row.message_id:
            with path.open("rb") as handle:
                message = BytesParser(policy=policy.default).parse(handle)
            assert isinstance(message, EmailMessage)
            part = message.get_body(preferencelist=("plain",))
            text = part.get_content() if isinstance(part, EmailMessage) else ""
            return SentMessageText(_summary(row.pk, headers), str(text))
    return None
