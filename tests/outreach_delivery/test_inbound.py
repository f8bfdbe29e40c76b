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
from clientela.outreach.delivery.inbound import BounceHandler
from clientela.outreach.delivery.send import outbox_send_batch
from clientela.outreach.delivery.smtp import Relay
from clientela.outreach.delivery.verp import bounce_address, unsubscribe_token
from clientela.outreach.models import Outbox, OutboxKind, OutboxStatus, SuppressedAddress
from clientela.timeline.models import Event
from tests.outreach_delivery.helpers import queue
from tests.outreach_delivery.sink import free_port

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
