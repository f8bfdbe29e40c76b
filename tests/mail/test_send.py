"""Sending the outbox: once, with a stable identity, and learning from every SMTP reply."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from clientela.mail.claim import outbox_claim
from clientela.mail.models import (
    DeliveryInstance,
    Outbox,
    OutboxKind,
    OutboxStatus,
    SuppressedAddress,
    SuppressionReason,
)
from clientela.mail.selectors import outbox_for_workspace
from clientela.mail.send import outbox_send_batch
from clientela.mail.services import (
    delivery_pause_set,
    outbox_enqueue,
    outbox_enqueue_many,
    suppression_add,
)
from clientela.mail.smtp import Relay
from clientela.mail.verp import (
    outbox_id_from_bounce_address,
    outbox_id_from_unsubscribe_token,
    unsubscribe_token,
)
from clientela.timeline.models import Event
from tests.mail.helpers import draft, queue

pytestmark = pytest.mark.django_db


def send(limit: int = 25):
    relay = Relay.from_settings()
    try:
        return outbox_send_batch(relay=relay, worker_id="test-worker", limit=limit)
    finally:
        relay.close()


def test_a_queued_message_goes_out_once_with_its_message_id_and_verp_sender(cast, sink):
    row = queue(cast.shop, "Ana@Example.RO", to_name="Ana Pop")

    report = send()

    assert (report.claimed, report.sent) == (1, 1)
    [got] = sink.received
    assert got.recipients == ("ana@example.ro",)
    assert outbox_id_from_bounce_address(got.sender) == row.pk
    assert got.sender.startswith("bounces+") and got.sender.endswith("@bounces.alice.example")
    message = got.message
    assert message["Message-ID"] == row.message_id
    assert message["To"] == "Ana Pop <ana@example.ro>"
    assert message["From"] == "Alice's Shop <shop@alice.example>"
    assert message["List-Unsubscribe"] is None
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_smtp_code) == (OutboxStatus.SENT, 1, 250)
    assert row.last_smtp_reply == "2.0.0 Ok: queued"
    assert row.lease_until is None and row.sent_at is not None
    assert send().claimed == 0
    assert len(sink.received) == 1
    events = Event.objects.filter(kind__startswith="outreach.")
    assert list(events.values_list("kind", "subject_id")) == [("outreach.mail_sent", row.pk)]


def test_marketing_mail_carries_one_click_unsubscribe_headers(cast, sink):
    row = queue(cast.shop, "ana@example.ro", kind=OutboxKind.MARKETING)

    send()

    message = sink.received[0].message
    url, mailto = (part.strip() for part in message["List-Unsubscribe"].split(","))
    token = unsubscribe_token(row.pk)
    assert url == f"<https://alice.example/u/{token}/>"
    assert mailto == f"<mailto:unsubscribe+{token}@bounces.alice.example?subject=unsubscribe>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert outbox_id_from_unsubscribe_token(token) == row.pk


def test_the_same_dedup_key_is_written_once(cast):
    assert outbox_enqueue(workspace=cast.shop, draft=draft("a@example.ro", key="k")) is not None
    assert outbox_enqueue(workspace=cast.shop, draft=draft("b@example.ro", key="k")) is None
    drafts = [draft(f"{n}@example.ro", key=f"c:{n}") for n in range(5)]
    assert outbox_enqueue_many(workspace=cast.shop, drafts=drafts) == 5
    assert outbox_enqueue_many(workspace=cast.shop, drafts=drafts) == 0
    # The same key in another workspace is another message.
    assert outbox_enqueue(workspace=cast.other_shop, draft=draft("a@example.ro", key="k"))
    assert Outbox.objects.for_workspace(cast.shop).count() == 6
    assert Outbox.objects.count() == 7


def test_transactional_mail_is_claimed_before_earlier_marketing_mail(cast):
    for n in range(3):
        queue(cast.shop, f"m{n}@example.ro", kind=OutboxKind.MARKETING)
    thanks = queue(cast.shop, "t@example.ro")

    claimed = outbox_claim(worker_id="w", limit=2)

    assert [row.to_address for row in claimed] == ["t@example.ro", "m0@example.ro"]
    assert claimed[0].pk == thanks.pk


def test_two_workers_never_claim_the_same_row(cast):
    for n in range(5):
        queue(cast.shop, f"{n}@example.ro")

    first = outbox_claim(worker_id="a", limit=3)
    second = outbox_claim(worker_id="b", limit=3)

    assert len(first) == 3 and len(second) == 2
    assert not {row.pk for row in first} & {row.pk for row in second}
    assert outbox_claim(worker_id="c", limit=3) == []


def test_a_dead_workers_rows_are_claimed_again_after_the_lease(cast, sink):
    row = queue(cast.shop, "ana@example.ro")
    [taken] = outbox_claim(worker_id="killed", limit=10, lease=timedelta(seconds=30))
    assert outbox_claim(worker_id="other", limit=10) == []

    with time_machine.travel(timezone.now() + timedelta(seconds=31), tick=True):
        report = send()

    assert report.sent == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)
    assert sink.received[0].message["Message-ID"] == taken.message_id


def test_a_temporary_failure_is_retried_with_back_off_then_given_up_after_a_day(cast, sink):
    sink.handler.replies["ana@example.ro"] = "451 4.3.0 try again later"
    row = queue(cast.shop, "ana@example.ro")

    assert send().retried == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_smtp_code) == (OutboxStatus.QUEUED, 1, 451)
    assert row.last_smtp_reply == "4.3.0 try again later"
    wait = row.next_attempt_at - timezone.now()
    assert timedelta(seconds=55) < wait <= timedelta(minutes=1)
    assert send().claimed == 0

    # Twenty-nine more tries spread over a day, each after its back-off.
    now = timezone.now()
    for _ in range(29):
        row.refresh_from_db()
        now = row.next_attempt_at + timedelta(seconds=1)
        with time_machine.travel(now, tick=False):
            send()
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED
    assert row.attempts == 30
    assert now - row.created_at > timedelta(hours=24)
    assert row.last_smtp_reply == "4.3.0 try again later"
    assert sink.received == []
    assert list(outbox_for_workspace(cast.shop, status=OutboxStatus.FAILED)) == [row]
    assert not SuppressedAddress.objects.exists()


def test_an_unknown_user_fails_at_once_and_is_suppressed(cast, sink):
    sink.handler.replies["gone@example.ro"] = "550 5.1.1 <gone@example.ro>: user unknown"
    row = queue(cast.shop, "gone@example.ro")
    later = queue(cast.shop, "gone@example.ro", key="second letter")

    report = send(limit=1)

    assert (report.failed, report.retried) == (1, 0)
    row.refresh_from_db()
    assert (row.status, row.last_smtp_code) == (OutboxStatus.FAILED, 550)
    assert row.last_smtp_reply == "5.1.1 <gone@example.ro>: user unknown"
    entry = SuppressedAddress.objects.get()
    assert (entry.workspace, entry.address, entry.reason) == (
        cast.shop,
        "gone@example.ro",
        SuppressionReason.HARD_BOUNCE,
    )
    # The next letter to that address is not even offered to the relay.
    assert send().suppressed == 1
    later.refresh_from_db()
    assert later.status == OutboxStatus.SUPPRESSED
    assert sink.received == []


def test_a_policy_rejection_fails_without_suppressing(cast, sink):
    sink.handler.replies["ana@example.ro"] = "550 5.7.1 message refused as spam"
    row = queue(cast.shop, "ana@example.ro")

    send()

    row.refresh_from_db()
    assert (row.status, row.last_smtp_code) == (OutboxStatus.FAILED, 550)
    assert not SuppressedAddress.objects.exists()


def test_a_suppressed_address_is_checked_per_workspace(cast, sink):
    suppression_add(
        workspace=cast.shop, address="Ana@example.ro", reason=SuppressionReason.UNSUBSCRIBE
    )
    mine = queue(cast.shop, "ana@example.ro")
    theirs = queue(cast.other_shop, "ana@example.ro")

    report = send()

    assert (report.suppressed, report.sent) == (1, 1)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (OutboxStatus.SUPPRESSED, OutboxStatus.SENT)
    assert [r.message["Message-ID"] for r in sink.received] == [theirs.message_id]


def test_a_paused_workspace_waits_while_others_send(cast, sink):
    paused = queue(cast.shop, "ana@example.ro")
    other = queue(cast.other_shop, "bob@example.ro")
    delivery_pause_set(workspace=cast.shop, paused=True, actor=cast.owner)

    assert send().sent == 1
    assert [r.recipients for r in sink.received] == [("bob@example.ro",)]

    delivery_pause_set(workspace=cast.shop, paused=False, actor=cast.owner)
    assert send().sent == 1
    paused.refresh_from_db()
    other.refresh_from_db()
    assert (paused.status, other.status) == (OutboxStatus.SENT, OutboxStatus.SENT)
    assert list(
        Event.objects.filter(kind__startswith="outreach.sending").values_list("kind", "actor")
    ) == [
        ("outreach.sending_paused", cast.owner.pk),
        ("outreach.sending_resumed", cast.owner.pk),
    ]


def test_nothing_is_claimed_while_the_install_is_paused(cast):
    queue(cast.shop, "ana@example.ro")
    DeliveryInstance.objects.create(pk=1, instance_id="x", paused=True)

    assert outbox_claim(worker_id="w", limit=10) == []


def test_an_unreachable_relay_loses_nothing(cast, settings):
    from tests.mail.sink import free_port

    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    first = queue(cast.shop, "a@example.ro")
    second = queue(cast.shop, "b@example.ro")

    report = send()

    assert (report.claimed, report.retried, report.relay_down) == (2, 1, True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.attempts, first.last_smtp_code) == (OutboxStatus.QUEUED, 1, None)
    assert first.last_smtp_reply.startswith("ConnectionRefusedError")
    # The second was never tried: it is queued again without an attempt counted.
    assert (second.status, second.attempts) == (OutboxStatus.QUEUED, 0)


def test_outbox_selector_shows_only_the_workspaces_rows(cast):
    mine = queue(cast.shop, "ana@example.ro")
    queue(cast.other_shop, "ana@example.ro")

    assert list(outbox_for_workspace(cast.shop)) == [mine]
    assert list(outbox_for_workspace(cast.shop, status=OutboxStatus.SENT)) == []
