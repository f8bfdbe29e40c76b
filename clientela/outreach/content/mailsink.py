"""The demo's sent mail: .eml files the local mail sink writes under DATA_DIR/mailsink."""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path

from django.conf import settings

LIMIT = 200


@dataclass(frozen=True)
class SinkMessage:
    name: str
    sender: str
    recipient: str
    subject: str
    date: str


def mailsink_dir() -> Path:
    return Path(settings.DATA_DIR) / "mailsink"


def mailsink_messages(*, limit: int = LIMIT) -> list[SinkMessage] | None:
    """The newest messages first; None when the sink directory does not exist."""
    directory = mailsink_dir()
    if not directory.is_dir():
        return None
    files = sorted(directory.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)
    parser = BytesHeaderParser(policy=policy.default)
    found = []
    for path in files[:limit]:
        with path.open("rb") as handle:
            headers = parser.parse(handle)
        found.append(
            SinkMessage(
                path.name,
                str(headers.get("From", "")),
                str(headers.get("To", "")),
                str(headers.get("Subject", "")),
                str(headers.get("Date", "")),
            )
        )
    return found
