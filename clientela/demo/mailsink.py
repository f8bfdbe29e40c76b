"""A local SMTP sink for the demo: every message received is kept as an .eml file.

Nothing is relayed anywhere. Files are named `<UTC time>-<token>.eml` so that a listing
sorts by arrival, the token a digest of the message's Message-ID (random when it has none) so
that the sent-mail page finds a message's copy by its name (`clientela.mail.sentmail`); each
is written to a temporary name first and renamed, so a reader never sees half a message.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from clientela.mail.sentmail import message_token

MAX_MESSAGE_BYTES = 25 * 1024 * 1024


class EmlStore:
    """aiosmtpd handler that writes each message, as received, to `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        if isinstance(content, str):
            content = content.encode("utf-8")
        self.save(content)
        return "250 Message accepted"

    def save(self, content: bytes) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        message_id = BytesHeaderParser(policy=policy.default).parsebytes(content)["Message-ID"]
        token = message_token(str(message_id)) if message_id else secrets.token_hex(4)
        path = self.directory / f"{stamp}-{token}.eml"
        partial = path.with_suffix(".part")
        with open(partial, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        partial.rename(path)
        return path


def mailsink_start(*, directory: Path, host: str, port: int) -> Controller:
    """Start the sink in a background thread; the caller stops it with `.stop()`."""
    options: dict[str, Any] = {"data_size_limit": MAX_MESSAGE_BYTES}
    controller = Controller(EmlStore(directory), hostname=host, port=port, **options)
    controller.start()
    return controller
