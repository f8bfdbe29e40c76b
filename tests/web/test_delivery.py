"""The Delivery page and the demo's sent mail, each seen from one workspace only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientela.demo.mailsink import mailsink_start
from clientela.mail.instance import instance_check
from clientela.mail.models import (
    DeliveryInstance,
    DeliverySettings,
    Outbox,
    OutboxStatus,
    PauseReason,
    SuppressionReason,
)
from clientela.mail.send import outbox_send_batch
from clientela.mail.services import delivery_pause_set, suppression_add
from clientela.mail.smtp import Relay
from clientela.timeline.models import Event
from tests.mail.helpers import queue
from tests.mail.sink import free_port
from tests.web.conftest import post

pytestmark = pytest.mark.django_db
URL = "/w/alice/outreach/delivery/"


def fail(row: Outbox, reply: str) -> None:
    Outbox.objects.filter(pk=row.pk).update(
        status=OutboxStatus.FAILED,
        last_smtp_code=550,
        last_smtp_reply=reply,
        last_attempt_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
    )


def test_the_page_shows_counts_failures_and_suppressions_of_its_own_workspace(cast, client_for):
    fail(queue(cast.shop, "ana@example.ro"), "5.1.1 <ana@example.ro>: user unknown")
    queue(cast.shop, "dan@example.ro")
    fail(queue(cast.other_shop, "secret@example.ro"), "5.1.1 theirs")
    suppression_add(workspace=cast.shop, address="gone@example.ro", reason=SuppressionReason.MANUAL)
    suppression_add(
        workspace=cast.other_shop, address="hidden@example.ro", reason=SuppressionReason.MANUAL
    )

    page = client_for(cast.manager).get(URL).content.decode()

    assert "550 5.1.1 &lt;ana@example.ro&gt;: user unknown" in page
    assert "Hello ana@example.ro" in page
    assert "gone@example.ro" in page and "Added by hand" in page
    assert "secret@example.ro" not in page and "hidden@example.ro" not in page
    # The figures every outreach page shows (outreach.counts), for this workspace alone.
    assert 'data-count="failed">1<' in page
    assert 'data-count="queued">1<' in page
    assert 'data-count="sent">0<' in page
    assert "Sending is on." in page


def test_the_suppression_search_filters_by_part_of_the_address(cast, client_for):
    for address in ("ana@example.ro", "dan@example.com"):
        suppression_add(workspace=cast.shop, address=address, reason=SuppressionReason.MANUAL)

    page = client_for(cast.owner).get(URL, {"q": "example.com"}).content.decode()

    assert "dan@example.com" in page and "ana@example.ro" not in page


def test_the_page_costs_the_same_queries_with_one_failure_or_a_full_page(cast, client_for):
    client = client_for(cast.manager)
    fail(queue(cast.shop, "a0@example.ro"), "no")
    suppression_add(workspace=cast.shop, address="s0@example.ro", reason=SuppressionReason.MANUAL)
    client.get(URL)  # the session and the translations are loaded once
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for n in range(1, 40):
        fail(queue(cast.shop, f"a{n}@example.ro"), "no")
        suppression_add(
            workspace=cast.shop, address=f"s{n}@example.ro", reason=SuppressionReason.MANUAL
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"page": 2, "spage": 2})

    assert len(few) == len(many) == 14
    page = response.content.decode()
    # Newest first, 25 a page: the second page holds the 15 oldest.
    assert "Hello a14@example.ro" in page and "Hello a15@example.ro" not in page
    assert "s14@example.ro" in page and "s15@example.ro" not in page


def test_a_manager_pauses_and_resumes_with_a_timeline_row_each(cast, client_for):
    client = client_for(cast.manager)

    assert post(client, URL + "pause/", {"action": "pause"}).status_code == 302
    assert "Sending is paused since" in client.get(URL).content.decode()
    assert post(client, URL + "pause/", {"action": "resume"}).status_code == 302

    assert list(
        Event.objects.filter(kind__startswith="outreach.sending").values_list(
            "workspace__slug", "kind", "actor"
        )
    ) == [
        ("alice", "outreach.sending_paused", cast.manager.pk),
        ("alice", "outreach.sending_resumed", cast.manager.pk),
    ]
    assert not DeliverySettings.objects.filter(sending_paused=True).exists()


def test_after_a_restore_the_page_says_why_and_resuming_lifts_only_this_workspace(
    cast, client_for, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    DeliveryInstance.objects.create(pk=1, instance_id="id-of-the-machine-backed-up")
    assert instance_check() is False
    client = client_for(cast.owner)

    page = client.get(URL).content.decode()
    assert "A restored backup was detected" in page
    assert "Resume sending" in page
    post(client, URL + "pause/", {"action": "resume"})

    assert dict(DeliverySettings.objects.values_list("workspace__slug", "pause_reason")) == {
        "alice": "",
        "charlie": "restore",
    }


def test_an_agent_cannot_pause_and_an_unknown_action_changes_nothing(cast, client_for):
    assert post(client_for(cast.teammate), URL + "pause/", {"action": "pause"}).status_code == 403
    post(client_for(cast.owner), URL + "pause/", {"action": "explode"})
    assert not DeliverySettings.objects.exists()
    assert not Event.objects.filter(kind__startswith="outreach.sending").exists()


@pytest.fixture
def demo_sink(settings: Any, tmp_path: Any) -> Any:
    """The demo's real mail sink writing into this test's data dir, configured as the relay."""
    settings.DATA_DIR = tmp_path
    port = free_port()
    controller = mailsink_start(directory=tmp_path / "mailsink", host="127.0.0.1", port=port)
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER = ""
    yield tmp_path / "mailsink"
    controller.stop()


def send_all() -> None:
    relay = Relay.from_settings()
    try:
        assert outbox_send_batch(relay=relay, worker_id="test", limit=50).sent == 2
    finally:
        relay.close()


def test_sent_mail_lists_only_this_workspaces_messages_and_opens_one_escaped(
    cast, client_for, demo_sink
):
    mine = queue(cast.shop, "ana@example.ro", body_text="Mulțumim! <script>alert(1)</script>\n")
    theirs = queue(cast.other_shop, "bob@example.ro", body_text="Charlie's secret\n")
    send_all()
    assert len(list(demo_sink.glob("*.eml"))) == 2
    client = client_for(cast.manager)

    listing = client.get("/w/alice/outreach/sent-mail/").content.decode()
    opened = client.get(f"/w/alice/outreach/sent-mail/{mine.pk}/").content.decode()

    assert "ana@example.ro" in listing and "bob@example.ro" not in listing
    assert f'href="/w/alice/outreach/sent-mail/{mine.pk}/"' in listing
    assert "Mulțumim! &lt;script&gt;alert(1)&lt;/script&gt;" in opened
    assert "<script>alert(1)" not in opened
    assert "Charlie&#x27;s secret" not in opened
    assert client.get(f"/w/alice/outreach/sent-mail/{theirs.pk}/").status_code == 404
    outsider = client_for(cast.outsider).get("/w/charlie/outreach/sent-mail/").content.decode()
    assert "bob@example.ro" in outsider and "ana@example.ro" not in outsider


def test_a_message_not_yet_in_the_sink_shows_what_is_queued(cast, client_for, demo_sink):
    row = queue(cast.shop, "ana@example.ro", body_text="Vă mulțumim\n")

    page = client_for(cast.owner).get(f"/w/alice/outreach/sent-mail/{row.pk}/").content.decode()

    assert "The mail sink holds no copy of this message (yet)." in page
    assert "Vă mulțumim" in page


def test_without_a_sink_the_page_says_so(cast, client_for, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    page = client_for(cast.owner).get("/w/alice/outreach/sent-mail/").content.decode()
    assert "The demo mail sink is not running on this install." in page


def test_pausing_by_hand_keeps_a_restore_reason(cast):
    delivery_pause_set(workspace=cast.shop, paused=True, actor=None, reason=PauseReason.RESTORE)
    delivery_pause_set(workspace=cast.shop, paused=True, actor=cast.owner)
    assert DeliverySettings.objects.get().pause_reason == "restore"
