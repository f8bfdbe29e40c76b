"""Bounces come back to the signed VERP address and mark the row; hard bounces suppress."""

from __future__ import annotations

import smtplib

import pytest

from clientela.mail.bounce import bounce_process
from clientela.mail.inbound import BounceHandler
from clientela.mail.models import OutboxStatus, SuppressedAddress, SuppressionReason
from clientela.mail.verp import bounce_address
from clientela.timeline.models import Event
from tests.mail.helpers import queue
from tests.mail.sink import free_port

DSN = """\
Return-Path: <>
From: MAILER-DAEMON@mx.example.ro (Mail Delivery System)
To: {verp}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND"
Message-Id: <20261123120000.ABC@mx.example.ro>

--B0UND
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{rcpt}>: host mx.example.ro[192.0.2.1] said: {status_words}

--B0UND
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.ro
Arrival-Date: Mon, 23 Nov 2026 12:00:00 +0200

Final-Recipient: rfc822; {rcpt}
Original-Recipient: rfc822;{rcpt}
Action: {action}
Status: {status}
Remote-MTA: dns; mx.example.ro
Diagnostic-Code: smtp; {status_words}

--B0UND
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Alice's Shop <shop@alice.example>
To: {rcpt}
Subject: Thank you
Message-ID: {message_id}

--B0UND--
"""


def dsn(row, *, status="5.1.1", action="failed", words="550 5.1.1 User unknown", verp=None):
    return (
        DSN.format(
            verp=verp or bounce_address(row.pk),
            rcpt=row.to_address,
            status=status,
            action=action,
            status_words=words,
            message_id=row.message_id,
        )
        .replace("\n", "\r\n")
        .encode()
    )


@pytest.mark.django_db
def test_a_hard_bounce_marks_the_row_and_suppresses_the_address(cast, sink):
    row = queue(cast.shop, "gone@example.ro")
    row.status = OutboxStatus.SENT
    row.save(update_fields=["status"])

    result = bounce_process(dsn(row), recipients=[bounce_address(row.pk)])

    assert (result.outbox_id, result.permanent, result.suppressed) == (row.pk, True, True)
    row.refresh_from_db()
    assert row.status == OutboxStatus.BOUNCED and row.bounced_at is not None
    assert row.last_smtp_reply == "smtp; 550 5.1.1 User unknown"
    entry = SuppressedAddress.objects.get()
    assert (entry.workspace, entry.address, entry.reason) == (
        cast.shop,
        "gone@example.ro",
        SuppressionReason.HARD_BOUNCE,
    )
    # The same bounce again changes nothing and writes no second event.
    bounce_process(dsn(row), recipients=[bounce_address(row.pk)])
    assert Event.objects.filter(kind="outreach.mail_bounced").count() == 1
    assert SuppressedAddress.objects.count() == 1


@pytest.mark.django_db
def test_a_full_mailbox_bounces_without_suppressing(cast, sink):
    row = queue(cast.shop, "full@example.ro")

    result = bounce_process(dsn(row, status="5.2.2", words="552 5.2.2 Mailbox full"))

    assert (result.permanent, result.suppressed, result.status) == (True, False, "5.2.2")
    row.refresh_from_db()
    assert row.status == OutboxStatus.BOUNCED
    assert not SuppressedAddress.objects.exists()


@pytest.mark.django_db
def test_a_delay_notice_changes_nothing_but_the_reply(cast, sink):
    row = queue(cast.shop, "slow@example.ro")
    words = "451 4.4.1 Connection timed out"

    result = bounce_process(dsn(row, status="4.4.1", action="delayed", words=words))

    assert (result.outbox_id, result.permanent) == (row.pk, False)
    row.refresh_from_db()
    assert (row.status, row.last_smtp_reply) == (OutboxStatus.QUEUED, "smtp; " + words)
    assert not SuppressedAddress.objects.exists()


@pytest.mark.django_db
def test_a_forged_token_is_ignored_but_the_returned_message_id_still_matches(cast, sink):
    row = queue(cast.shop, "gone@example.ro")
    forged = bounce_address(row.pk).replace("bounces+", "bounces+x")

    result = bounce_process(dsn(row, verp=forged), recipients=[forged])
    assert result.outbox_id == row.pk  # found by the original's Message-ID

    stranger = dsn(row, verp=forged).replace(row.message_id.encode(), b"<other@x>")
    assert bounce_process(stranger, recipients=[forged]).outbox_id is None


@pytest.mark.django_db(transaction=True)
def test_the_inbound_smtp_server_records_a_real_bounce(cast, sink):
    from aiosmtpd.controller import Controller

    row = queue(cast.shop, "gone@example.ro")
    port = free_port()
    controller = Controller(BounceHandler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                smtp.sendmail("", ["postmaster@bounces.alice.example"], dsn(row))
            smtp.sendmail("", [bounce_address(row.pk)], dsn(row))
    finally:
        controller.stop()

    row.refresh_from_db()
    assert row.status == OutboxStatus.BOUNCED
    assert list(SuppressedAddress.objects.values_list("address", "reason")) == [
        ("gone@example.ro", SuppressionReason.HARD_BOUNCE)
    ]
