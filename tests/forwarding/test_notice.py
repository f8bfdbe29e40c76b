"""The grant notice over real SMTP: the customer learns their alias in their language, and its
link (signed, no login) turns the alias off once; a second use says so plainly."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from clientela.customers.services import customer_create
from clientela.forwarding.models import AliasStatus
from clientela.forwarding.services import alias_grant
from clientela.mail.models import Outbox, SuppressionReason
from clientela.mail.services import suppression_add
from clientela.timeline.models import Event
from tests.forwarding.conftest import send_all
from tests.forwarding.objects import DOMAIN, forwarding_domain

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"https://alice\.example(/f/notice/[A-Za-z0-9_.-]+/)")


def _customer(cast, email: str, language: str = "ro"):  # type: ignore[no-untyped-def]
    return customer_create(
        workspace=cast.shop,
        actor=None,
        email=email,
        first_name="Ana",
        last_name="Pop",
        language=language,
    )


def test_the_notice_arrives_and_its_link_turns_the_alias_off_once(cast, sink):
    forwarding_domain(cast.shop)
    ana = _customer(cast, "ana@inbox.example")
    alias = alias_grant(workspace=cast.shop, actor=cast.manager, customer=ana, local_part="ana")

    assert send_all() == 1
    [received] = sink.received
    mail = received.message
    assert received.recipients == ("ana@inbox.example",)
    assert mail["Subject"] == "Adresa dumneavoastră la Alice's Shop"
    text = mail.get_body(("plain",)).get_content()
    assert f"ana@{DOMAIN}" in text and "ana@inbox.example" in text
    path = LINK.search(text).group(1)  # type: ignore[union-attr]
    notice = Event.objects.get(kind="alias.notice_sent")
    assert (notice.customer_id, notice.subject_id) == (ana.pk, alias.pk)

    client = Client()
    asked = client.get(path).content.decode()
    assert "Stop forwarding" in asked
    alias.refresh_from_db()
    assert alias.status == AliasStatus.ACTIVE  # a GET (a link scanner) changes nothing

    done = client.post(path).content.decode()
    assert "Forwarding is off" in done
    alias.refresh_from_db()
    assert alias.status == AliasStatus.OPTED_OUT
    opted = Event.objects.get(kind="alias.opted_out")
    assert (opted.customer_id, opted.actor_id, opted.actor_label) == (ana.pk, None, "customer")

    # Granted again by hand: the old link stays spent, whatever is done with it.
    alias_grant(workspace=cast.shop, actor=cast.manager, customer=ana)
    for second in (client.get(path), client.post(path)):
        assert second.status_code == 200
        html = second.content.decode()
        assert "This link has already been used" in html
        assert "is still forwarded to you" in html
    alias.refresh_from_db()
    assert alias.status == AliasStatus.ACTIVE
    assert Event.objects.filter(kind="alias.opted_out").count() == 1
    assert client.get(path.replace("/f/notice/", "/f/notice/x")).status_code == 404


def test_an_english_customer_gets_it_in_english_and_an_unreachable_one_none(cast, sink):
    forwarding_domain(cast.shop)
    john = _customer(cast, "john@inbox.example", language="en")
    gone = _customer(cast, "gone@inbox.example")
    suppression_add(
        workspace=cast.shop, address="gone@inbox.example", reason=SuppressionReason.HARD_BOUNCE
    )
    alias_grant(workspace=cast.shop, actor=cast.manager, customer=john)
    unreachable = alias_grant(workspace=cast.shop, actor=cast.manager, customer=gone)

    assert send_all() == 1
    [received] = sink.received
    assert received.recipients == ("john@inbox.example",)
    mail = received.message
    assert mail["Subject"] == "Your address at Alice's Shop"
    assert "turn it off with this link" in mail.get_body(("plain",)).get_content()
    # The alias works all the same; nobody was written to, and the timeline says nothing sent.
    assert unreachable.status == AliasStatus.ACTIVE
    assert list(Outbox.objects.values_list("to_address", flat=True)) == ["john@inbox.example"]
    assert not Event.objects.filter(kind="alias.notice_sent", customer=gone).exists()
