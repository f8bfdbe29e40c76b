"""A real SMTP server on loopback for the mail accounts sends (invitations, reset links)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest

from tests.mail.sink import Sink


class Mailbox:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    def wait(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The first `count` messages, waiting for mail sent from a thread."""
        deadline = time.monotonic() + timeout
        while len(self.sink.received) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return [item.message for item in self.sink.received]

    @property
    def messages(self) -> list[EmailMessage]:
        return [item.message for item in self.sink.received]


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def link_in(message: EmailMessage, path: str) -> str:
    """The path of the first link to `path` in the message's text (secret included)."""
    found = re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s]+)", body_of(message))
    assert found, body_of(message)
    return found.group(1)


@pytest.fixture
def mailbox(settings: Any) -> Iterator[Mailbox]:
    with Sink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER = False, ""
        yield Mailbox(sink)
