from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.mail.sink import Sink


@pytest.fixture
def sink(settings: Any) -> Iterator[Sink]:
    """A recording SMTP server on a free loopback port, configured as the relay."""
    with Sink() as running:
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = running.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.DEFAULT_FROM_EMAIL = "shop@alice.example"
        settings.CLIENTELA_BOUNCE_DOMAIN = "bounces.alice.example"
        settings.SITE_URL = "https://alice.example"
        yield running
