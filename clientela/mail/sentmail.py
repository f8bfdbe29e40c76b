"""The demo's sent mail: the workspace's sent messages, and each as the local mail sink got it.

The list is the workspace's own sent outbox rows, a page at a time from the database. The sink
keeps every message of the install in one folder (DATA_DIR/mailsink) and names each file after
its arrival time and a digest of its Message-ID (`message_token`), chosen at random per
outbox row and never reused: opening a message finds its copy by name, and the copy's own
Message-ID is checked before it is shown.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet

from clientela.accounts.models import Workspace
from clientela.mail.models import Outbox, OutboxStatus


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


def message_token(message_id: str) -> str:
    """The part of a sink file's name that the message's Message-ID decides."""
    return hashlib.sha256(message_id.strip().encode()).hexdigest()[:24]


def _summary(outbox_id: int, headers: EmailMessage) -> SentMessage:
    return SentMessage(
        outbox_id,
        str(headers.get("From", "")),
        str(headers.get("To", "")),
        str(headers.get("Subject", "")),
        str(headers.get("Date", "")),
    )


def sent_mail_for_workspace(workspace: Workspace) -> QuerySet[Outbox] | None:
    """The workspace's sent messages, newest first; None when there is no sink."""
    if not sink_dir().is_dir():
        return None
    return (
        Outbox.objects.for_workspace(workspace)
        .filter(status=OutboxStatus.SENT)
        .order_by("-pk")
        .only("pk", "to_address", "subject", "sent_at")
    )


def sent_mail_open(row: Outbox) -> SentMessageText | None:
    """The newest copy of this (already workspace-checked) outbox row in the sink, if any."""
    if not sink_dir().is_dir():
        return None
    # Names start with the arrival time: the last is the newest copy (a retry keeps its id).
    for path in sorted(sink_dir().glob(f"*-{message_token(row.message_id)}.eml"), reverse=True):
        with path.open("rb") as handle:
            message = BytesParser(policy=policy.default).parse(handle)
        assert isinstance(message, EmailMessage)
        if str(message.get("Message-ID", "")).strip() != row.message_id.strip():
            continue  # not this row's message: never show another's under its name
        part = message.get_body(preferencelist=("plain",))
        text = part.get_content() if isinstance(part, EmailMessage) else ""
        return SentMessageText(_summary(row.pk, message), str(text))
    return None
