"""Mail to our own addresses over real SMTP: the List-Unsubscribe mailto: and complaint reports."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from urllib.parse import urlparse

import pytest
from aiosmtpd.controller import Controller

from clientela.customers.models import Consent, ConsentChannel, ConsentPurpose
from clientela.customers.services import consent_grant, customer_create
from clientela.mail.inbound import BounceHandler
from clientela.mail.models import Outbox, OutboxKind, OutboxStatus, SuppressedAddress
from clientela.mail.send import outbox_send_batch
from clientela.mail.smtp import Relay
from clientela.mail.verp import bounce_address, unsubscribe_token
from clientela.timeline.models import Event
from tests.mail.helpers import queue
from tests.mail.sink import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def inbound(sink) -> Iterator[int]:  # type: ignore[no-untyped-def]
    """The bounce receiver on a free loopback port (after `sink` set the bounce domain)."""
    port = free_port()
    controller = Controller(BounceHandler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def send_all() -> None:
    relay = Relay.from_settings()
    try:
        outbox_send_batch(relay=relay, worker_id="test", limit=25)
    finally:
        relay.close()


def ana(cast):  # type: ignore[no-untyped-def]
    customer = customer_create(
        workspace=cast.shop, actor=None, email="ana@example.ro", first_name="Ana"
    )
    for purpose in (ConsentPurpose.MARKETING, ConsentPurpose.WIN_BACK):
        consent_grant(
            customer=customer,
            purpose=purpose,
            channel=ConsentChannel.EMAIL,
            source="test",
            ip=None,
            actor=None,
        )
    return customer


def marketing(cast, customer, key: str) -> Outbox:  # type: ignore[no-untyped-def]
    return queue(
        cast.shop,
        customer.email,
        key=key,
        kind=OutboxKind.MARKETING,
        customer=customer,
        source_type="campaign",
        source_id=7,
    )


def mail_to(port: int, recipient: str, sender: str = "ana@example.ro") -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, recipient, "unsubscribe"
    message.set_content("Please take me off your list.\n")
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.send_message(message, from_addr=sender, to_addrs=[recipient])


def test_mail_to_the_list_unsubscribe_address_unsubscribes_the_recipient(cast, sink, inbound):
    customer = ana(cast)
    first = marketing(cast, customer, "first")
    send_all()
    later = marketing(cast, customer, "later")
    header = sink.received[0].message["List-Unsubscribe"]
    mailto = next(p.strip(" <>") for p in header.split(",") if "mailto:" in p)
    address = urlparse(mailto).path

    mail_to(inbound, address)

    assert address == f"unsubscribe+{unsubscribe_token(first.pk)}@bounces.alice.example"
    assert list(SuppressedAddress.objects.values_list("address", "reason", "source")) == [
        ("ana@example.ro", "unsubscribe", "unsubscribe:campaign:7:mail")
    ]
    later.refresh_from_db()
    assert later.status == OutboxStatus.SUPPRESSED
    assert not Consent.objects.filter(withdrawn_at__isnull=True).exists()
    event = Event.objects.get(kind="customer.unsubscribed")
    assert (event.customer, event.summary) == (customer, "unsubscribe:campaign:7:mail")
    # The campaign's send report counts it with the one-click unsubscribes.
    from clientela.outreach.models import Campaign
    from clientela.outreach.reports import campaign_send_report

    assert campaign_send_report(Campaign(pk=7, workspace=cast.shop)).unsubscribed == 1


@pytest.mark.parametrize(
    "local",
    [
        "unsubscribe+{forged}",  # a token that was never signed
        "unsubscribe+{bounce}",  # a bounce token is not an unsubscribe token
        "unsubscribe",
        "postmaster",
    ],
)
def test_an_invalid_unsubscribe_address_is_refused_with_550(cast, sink, inbound, local):
    row = marketing(cast, ana(cast), "first")
    forged = unsubscribe_token(row.pk)[:-4] + "AAAA"
    bounce = bounce_address(row.pk).split("+", 1)[1].split("@")[0]
    recipient = local.format(forged=forged, bounce=bounce) + "@bounces.alice.example"

    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        mail_to(inbound, recipient)

    assert refused.value.recipients[recipient][0] == 550
    assert not SuppressedAddress.objects.exists()
    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 2


def test_a_valid_token_for_another_domain_is_refused(cast, sink, inbound):
    row = marketing(cast, ana(cast), "first")
    recipient = f"unsubscribe+{unsubscribe_token(row.pk)}@elsewhere.example"

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        mail_to(inbound, recipient)

    assert not SuppressedAddress.objects.exists()


ARF = """\
From: <feedback@fbl.mail.example>
To: <{to}>
Subject: Complaint about a message from bounces.alice.example
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
    boundary="ARF-B0UND"

--ARF-B0UND
Content-Type: text/plain; charset=us-ascii

This is an e-mail abuse report for a message received from IP 192.0.2.1.

--ARF-B0UND
Content-Type: message/feedback-report

Feedback-Type: {feedback}
User-Agent: FBL/1.0
Version: 1
Original-Mail-From: <{to}>
Original-Rcpt-To: <{rcpt}>
Arrival-Date: Mon, 23 Nov 2026 12:00:00 +0200

--ARF-B0UND
Content-Type: message/rfc822
Content-Disposition: inline

From: Alice's Shop <shop@alice.example>
To: {rcpt}
Subject: Noutati
Message-ID: {message_id}

Spam, apparently.

--ARF-B0UND--
"""


def arf(row: Outbox, *, to: str | None = None, feedback: str = "abuse") -> bytes:
    text = ARF.format(
        to=to or bounce_address(row.pk),
        rcpt=row.to_address,
        feedback=feedback,
        message_id=row.message_id,
    )
    return text.replace("\n", "\r\n").encode()


def test_a_complaint_report_over_smtp_suppresses_the_address_for_good(cast, sink, inbound):
    customer = ana(cast)
    complained = marketing(cast, customer, "first")
    other = marketing(cast, ana_colleague(cast), "other")
    send_all()
    later = marketing(cast, customer, "later")

    with smtplib.SMTP("127.0.0.1", inbound) as smtp:
        smtp.sendmail("", [bounce_address(complained.pk)], arf(complained))
        smtp.sendmail("", [bounce_address(complained.pk)], arf(complained))  # a repeat

    assert list(SuppressedAddress.objects.values_list("address", "reason", "source")) == [
        ("ana@example.ro", "complaint", f"complaint:outbox:{complained.pk}")
    ]
    event = Event.objects.get(kind="outreach.complaint")
    assert (event.customer, event.summary, event.old) == (customer, "ana@example.ro", None)
    assert event.new == {
        "reason": "complaint",
        "source": f"complaint:outbox:{complained.pk}",
        "feedback_type": "abuse",
    }
    complained.refresh_from_db()
    other.refresh_from_db()
    assert (complained.status, other.status) == (OutboxStatus.SENT, OutboxStatus.SENT)
    received = len(sink.received)
    send_all()
    later.refresh_from_db()
    assert later.status == OutboxStatus.SUPPRESSED
    assert len(sink.received) == received


def ana_colleague(cast):  # type: ignore[no-untyped-def]
    return customer_create(workspace=cast.shop, actor=None, email="ion@example.ro")


def test_a_complaint_found_by_the_original_message_id_upgrades_an_unsubscribe(cast, sink):
    from clientela.mail.bounce import bounce_process
    from clientela.mail.models import SuppressionReason
    from clientela.mail.services import suppression_add

    row = marketing(cast, ana(cast), "first")
    suppression_add(
        workspace=cast.shop, address="ana@example.ro", reason=SuppressionReason.UNSUBSCRIBE
    )

    # Forwarded by hand from the feedback loop's mailbox: no VERP address left, only the
    # embedded original's Message-ID.
    result = bounce_process(arf(row, to="fbl@alice.example", feedback="fraud"), recipients=[])

    assert (result.outbox_id, result.complaint, result.suppressed) == (row.pk, "fraud", True)
    assert list(SuppressedAddress.objects.values_list("reason", flat=True)) == ["complaint"]
    event = Event.objects.get(kind="outreach.complaint")
    assert event.old == {"reason": "unsubscribe", "source": ""}
    row.refresh_from_db()
    assert row.status == OutboxStatus.QUEUED  # a complaint is not a bounce


def test_a_complaint_about_a_message_we_never_sent_changes_nothing(cast, sink):
    from clientela.mail.bounce import bounce_process

    row = marketing(cast, ana(cast), "first")
    stranger = arf(row, to="fbl@alice.example").replace(
        row.message_id.encode(), b"<not-ours@elsewhere.example>"
    )

    result = bounce_process(stranger, recipients=[])

    assert (result.outbox_id, result.complaint, result.suppressed) == (None, "abuse", False)
    assert not SuppressedAddress.objects.exists()
    assert not Event.objects.filter(kind="outreach.complaint").exists()
