"""The demo's sent mail: a page at a time from the database, each message opened by its name."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest

from clientela.demo.mailsink import EmlStore
from clientela.mail.models import Outbox, OutboxStatus
from clientela.mail.sentmail import message_token
from tests.mail.helpers import queue

pytestmark = pytest.mark.django_db
URL = "/w/alice/outreach/sent-mail/"
SENT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def sink(settings: Any, tmp_path: Any) -> EmlStore:
    settings.DATA_DIR = tmp_path
    return EmlStore(tmp_path / "mailsink")


def sent(workspace: Any, n: int) -> list[Outbox]:
    rows = [queue(workspace, f"c{i}@example.ro", subject=f"Letter {i}") for i in range(n)]
    for i, row in enumerate(rows):
        Outbox.objects.filter(pk=row.pk).update(
            status=OutboxStatus.SENT, sent_at=SENT + timedelta(minutes=i)
        )
    return rows


def received(row: Outbox, *, body: str, message_id: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = "shop@example.com"
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = "Mon, 02 Mar 2026 09:30:00 +0000"
    message["Message-ID"] = message_id or row.message_id
    message.set_content(body)
    return bytes(message)


def subjects(page: str) -> list[str]:
    return re.findall(r"sent-mail/\d+/\">(Letter \d+)</a>", page)


def test_sent_mail_is_listed_a_page_at_a_time_newest_first(cast, client_for, sink):
    # From the outbox: none of these is in the sink, every one is listed.
    sent(cast.shop, 27)
    sent(cast.other_shop, 3)
    queue(cast.shop, "waiting@example.ro", subject="Letter queued")
    client = client_for(cast.manager)

    first = client.get(URL).content.decode()
    second = client.get(URL, {"page": 2}).content.decode()

    assert subjects(first) == [f"Letter {i}" for i in range(26, 1, -1)]
    assert subjects(second) == ["Letter 1", "Letter 0"]
    assert 'href="?page=2">Older →</a>' in first and "Newer" not in first
    assert 'href="?page=1">← Newer</a>' in second and "Older" not in second
    assert '<time datetime="2026-03-02T11:56:00+02:00">2 March 2026, 11:56</time>' in first
    assert "waiting@example.ro" not in first + second


def test_a_message_is_found_by_its_name_and_only_with_its_own_message_id(cast, client_for, sink):
    mine, other = sent(cast.shop, 2)
    path = sink.save(received(mine, body="Mulțumim, Ana\n"))
    assert path.name.endswith(f"-{message_token(mine.message_id)}.eml")
    # A file under the other row's name whose Message-ID is not that row's is never shown.
    impostor = sink.directory / f"20260302T093000000000Z-{message_token(other.message_id)}.eml"
    impostor.write_bytes(received(other, body="Someone else's\n", message_id="<x@example.com>"))
    client = client_for(cast.manager)

    opened = client.get(f"{URL}{mine.pk}/").content.decode()
    refused = client.get(f"{URL}{other.pk}/").content.decode()

    assert "Mulțumim, Ana" in opened
    assert "Someone else&#x27;s" not in refused
    assert "The mail sink holds no copy of this message (yet)." in refused
