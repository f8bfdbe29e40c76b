"""Opting back in: someone who unsubscribed can subscribe again through the public form.

The confirmation they ask for passes an "unsubscribed" suppression (never a bounce or a
complaint), and confirming it lifts that suppression, so the next campaign reaches them.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from clientela.customers.models import Consent
from clientela.mail.models import (
    Outbox,
    OutboxKind,
    OutboxStatus,
    SuppressedAddress,
    SuppressionReason,
)
from clientela.mail.send import outbox_send_batch
from clientela.mail.services import suppression_add
from clientela.mail.smtp import Relay
from clientela.outreach.services.campaigns import campaign_save, campaign_send
from clientela.outreach.services.lists import (
    mailing_list_create,
    preferences_set,
    subscription_request,
    unsubscribe_one_click,
)
from clientela.timeline.models import Event
from tests.mail.helpers import queue
from tests.web.conftest import post

pytestmark = pytest.mark.django_db


def send():  # type: ignore[no-untyped-def]
    relay = Relay.from_settings()
    try:
        return outbox_send_batch(relay=relay, worker_id="test", limit=25)
    finally:
        relay.close()


def plain(received) -> str:  # type: ignore[no-untyped-def]
    return str(received.message.get_body(("plain",)).get_content())


def news_campaign(cast, mailing_list, title: str):  # type: ignore[no-untyped-def]
    campaign = campaign_save(
        workspace=cast.shop,
        actor=cast.owner,
        title=title,
        kind="newsletter",
        language="ro",
        subject=title,
        body_text="Dragă {{ customer.first_name }}\n{{ unsubscribe_url }}",
        body_html="",
        holdout_percent=0,
    )
    campaign = campaign_save(
        workspace=cast.shop, actor=cast.owner, campaign=campaign, list_ids=[mailing_list.pk]
    )
    return campaign_send(campaign=campaign, actor=cast.owner)


def subscribe_on_the_form(mailing_list, address: str) -> None:  # type: ignore[no-untyped-def]
    response = post(
        Client(enforce_csrf_checks=True),
        f"/s/{mailing_list.public_token}/",
        {"email": address},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 200


def test_unsubscribe_then_subscribe_again_confirm_and_the_next_campaign_arrives(
    cast, build, sink
) -> None:  # type: ignore[no-untyped-def]
    news = mailing_list_create(workspace=cast.shop, actor=cast.owner, name="Noutăți")
    ana = build.customer(cast.shop, "ana@example.com", consent=False)
    subscribe_on_the_form(news, "ana@example.com")
    send()
    confirm = re.search(r"/s/confirm/[^/\s]+/", plain(sink.received[0]))
    assert confirm is not None
    post(Client(enforce_csrf_checks=True), confirm.group(0))
    news_campaign(cast, news, "Prima")
    send()
    first = Outbox.objects.get(source_type="campaign")
    unsubscribe_one_click(outbox=first)
    assert SuppressedAddress.objects.get().reason == SuppressionReason.UNSUBSCRIBE
    before = len(sink.received)

    subscribe_on_the_form(news, "Ana@Example.com ")
    report = send()

    confirmation = Outbox.objects.filter(source_type="subscription").latest("pk")
    assert (confirmation.status, report.sent, report.suppressed) == (OutboxStatus.SENT, 1, 0)
    [got] = sink.received[before:]
    assert got.recipients == ("ana@example.com",)
    link = re.search(r"/s/confirm/[^/\s]+/", plain(got))
    assert link is not None
    assert post(Client(), link.group(0), REMOTE_ADDR="203.0.113.10").status_code == 200

    assert not SuppressedAddress.objects.exists()
    lifted = Event.objects.get(kind="outreach.unsuppressed")
    assert (lifted.customer, lifted.summary, lifted.old["reason"], lifted.new) == (
        ana,
        "ana@example.com",
        "unsubscribe",
        {"source": f"subscription:{confirmation.source_id}"},
    )
    standing = Consent.objects.filter(customer=ana, withdrawn_at__isnull=True)
    assert list(standing.values_list("purpose", "ip")) == [("marketing", "203.0.113.10")]
    before = len(sink.received)
    second = news_campaign(cast, news, "A doua")
    assert send().sent == 1
    [got] = sink.received[before:]
    assert (got.recipients, got.message["Subject"]) == (("ana@example.com",), "A doua")
    assert Outbox.objects.get(source_id=second.pk).status == OutboxStatus.SENT


@pytest.mark.parametrize("reason", [SuppressionReason.HARD_BOUNCE, SuppressionReason.COMPLAINT])
def test_no_confirmation_to_a_bounced_or_complaining_address(cast, build, sink, reason) -> None:  # type: ignore[no-untyped-def]
    news = mailing_list_create(workspace=cast.shop, actor=cast.owner, name="Noutăți")
    suppression_add(workspace=cast.shop, address="gone@example.com", reason=reason)

    subscribe_on_the_form(news, "gone@example.com")
    send()

    assert not Outbox.objects.exists()
    assert sink.received == []
    requested = Event.objects.get(kind="subscription.requested")
    assert requested.new["confirmation"] is False
    assert SuppressedAddress.objects.get().reason == reason


def test_only_the_confirmation_passes_an_unsubscribe_and_only_an_unsubscribe(cast, sink) -> None:  # type: ignore[no-untyped-def]
    suppression_add(
        workspace=cast.shop, address="left@example.com", reason=SuppressionReason.UNSUBSCRIBE
    )
    suppression_add(
        workspace=cast.shop, address="spam@example.com", reason=SuppressionReason.COMPLAINT
    )
    receipt = queue(cast.shop, "left@example.com", key="receipt")
    forged = queue(cast.shop, "spam@example.com", key="confirm", source_type="subscription")
    marketing = queue(
        cast.shop, "left@example.com", key="news", kind=OutboxKind.MARKETING, source_type="x"
    )
    allowed = queue(cast.shop, "left@example.com", key="ok", source_type="subscription")

    report = send()

    assert (report.sent, report.suppressed) == (1, 3)
    assert [got.recipients for got in sink.received] == [("left@example.com",)]
    statuses = dict(Outbox.objects.values_list("pk", "status"))
    assert statuses == {
        receipt.pk: OutboxStatus.SUPPRESSED,
        forged.pk: OutboxStatus.SUPPRESSED,
        marketing.pk: OutboxStatus.SUPPRESSED,
        allowed.pk: OutboxStatus.SENT,
    }


def test_choosing_a_list_in_the_preference_centre_lifts_an_unsubscribe_only(cast, build) -> None:  # type: ignore[no-untyped-def]
    news = mailing_list_create(workspace=cast.shop, actor=cast.owner, name="Noutăți")
    ana = build.customer(cast.shop, "ana@example.com")
    bob = build.customer(cast.shop, "bob@example.com")
    suppression_add(
        workspace=cast.shop, address="ana@example.com", reason=SuppressionReason.UNSUBSCRIBE
    )
    suppression_add(
        workspace=cast.shop, address="bob@example.com", reason=SuppressionReason.HARD_BOUNCE
    )

    preferences_set(customer=ana, list_ids={news.pk}, ip=None)
    preferences_set(customer=bob, list_ids={news.pk}, ip=None)

    assert list(SuppressedAddress.objects.values_list("address", "reason")) == [
        ("bob@example.com", SuppressionReason.HARD_BOUNCE)
    ]
    assert Event.objects.get(kind="outreach.unsuppressed").customer == ana


def test_a_repeated_request_does_not_reach_an_address_that_bounced_since(cast) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    news = mailing_list_create(workspace=cast.shop, actor=cast.owner, name="Noutăți")
    first = subscription_request(mailing_list=news, email="x@example.com", ip=None, source="form")
    suppression_add(
        workspace=cast.shop, address="x@example.com", reason=SuppressionReason.HARD_BOUNCE
    )
    type(first).objects.update(created_at=first.created_at - timedelta(minutes=11))

    subscription_request(mailing_list=news, email="x@example.com", ip=None, source="form")

    assert Outbox.objects.count() == 1  # only the first, sent before the bounce
