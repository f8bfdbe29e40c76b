"""Erasure on request: the person is gone, their orders stay counted, their address is
never written to again."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from clientela.accounts.policy import NotPermitted
from clientela.commerce.models import Order
from clientela.commerce.selectors import orders_count, repeat_purchase_rate, revenue_by_month
from clientela.commerce.services import order_create
from clientela.customers.models import Consent, Customer, CustomerEmail, Tag
from clientela.customers.services import consent_grant, customer_create, customer_email_add
from clientela.mail.contact import ContactPurpose, NotAllowedReason, contact_allowed, contactable
from clientela.mail.digest import address_digest
from clientela.mail.models import (
    Outbox,
    OutboxKind,
    OutboxStatus,
    SuppressedAddress,
    SuppressedDigest,
    SuppressionReason,
)
from clientela.mail.selectors import outbox_blocked
from clientela.mail.services import OutboxDraft, outbox_enqueue, suppression_add
from clientela.outreach.services.campaigns import campaign_save
from clientela.outreach.services.recipients import campaign_audience
from clientela.privacy.services import PrivacyError, customer_erase
from clientela.timeline.models import Event

pytestmark = pytest.mark.django_db


def _order(cast, customer, days_ago: int, total: str = "100") -> Order:
    return order_create(
        workspace=cast.shop,
        actor=cast.owner,
        customer=customer,
        placed_at=timezone.now() - timedelta(days=days_ago),
        total=Decimal(total),
    )


@pytest.fixture
def ana(cast):
    ana = customer_create(
        workspace=cast.shop,
        actor=cast.owner,
        email="ana@example.com",
        first_name="Ana",
        last_name="Pop",
        phone="0722000000",
        city="Cluj",
        notes="Prefers green tea",
        external_id="C-7",
    )
    customer_email_add(customer=ana, address="ana.pop@work.example", actor=cast.owner)
    consent_grant(
        customer=ana,
        purpose="marketing",
        channel="email",
        source="form",
        ip="10.0.0.1",
        actor=None,
    )
    _order(cast, ana, 40)
    _order(cast, ana, 10, "50")
    return ana


def test_the_personal_data_go_and_the_orders_stay(cast, ana):
    revenue, rate, count = (
        revenue_by_month(workspace=cast.shop),
        repeat_purchase_rate(workspace=cast.shop),
        orders_count(workspace=cast.shop),
    )

    kept = customer_erase(customer=ana, actor=cast.manager)

    ana.refresh_from_db()
    assert kept == 2
    assert (ana.first_name, ana.last_name, ana.email, ana.phone, ana.city, ana.notes) == (
        "",
        "",
        "",
        "",
        "",
        "",
    )
    assert ana.external_id is None
    assert ana.erased_at is not None
    with translation.override("en"):
        assert ana.display_name == f"Erased customer #{ana.pk}"
    assert CustomerEmail.objects.filter(customer=ana).count() == 0
    assert Consent.objects.filter(customer=ana).count() == 0
    assert Order.objects.filter(customer=ana).count() == 2
    # The statistics count the orders as before.
    assert revenue_by_month(workspace=cast.shop) == revenue
    assert repeat_purchase_rate(workspace=cast.shop) == rate
    assert orders_count(workspace=cast.shop) == count


def test_the_timeline_keeps_one_erasure_row_and_no_personal_data(cast, ana):
    customer_erase(customer=ana, actor=cast.manager)

    rows = Event.objects.filter(customer=ana).order_by("pk")
    text = json.dumps([[e.summary, e.old, e.new] for e in rows])
    for personal in (
        "Ana",
        "Pop",
        "ana@example.com",
        "ana.pop@work.example",
        "0722",
        "Cluj",
        "10.0.0.1",
        "C-7",
        "green tea",
    ):
        assert personal not in text
    erased = rows.get(kind="customer.erased")
    assert (erased.actor, erased.new) == (
        cast.manager,
        {"orders_kept": 2, "addresses_suppressed": 2},
    )
    assert [e.kind for e in rows].count("order.created") == 2


def test_addresses_are_kept_only_as_digests_and_queued_mail_is_cancelled(cast, ana):
    suppression_add(workspace=cast.shop, address="ana@example.com", reason=SuppressionReason.MANUAL)
    queued = outbox_enqueue(
        workspace=cast.shop,
        draft=OutboxDraft(
            to_address="ana@example.com",
            subject="Hello Ana",
            body_text="Dear Ana",
            kind=OutboxKind.MARKETING,
            source_type="campaign",
            source_id=1,
            dedup_key="k1",
            customer=ana,
            to_name="Ana Pop",
        ),
    )

    customer_erase(customer=ana, actor=cast.owner)

    assert SuppressedAddress.objects.filter(workspace=cast.shop).count() == 0
    assert Event.objects.get(kind="outreach.suppressed").summary == ""
    assert set(SuppressedDigest.objects.values_list("digest", flat=True)) == {
        address_digest("ana@example.com"),
        address_digest("ana.pop@work.example"),
    }
    queued.refresh_from_db()
    assert (queued.status, queued.to_address, queued.to_name, queued.subject, queued.body_text) == (
        OutboxStatus.CANCELLED,
        "",
        "",
        "",
        "",
    )


def test_an_erased_address_is_never_written_to_again(cast, ana):
    customer_erase(customer=ana, actor=cast.owner)
    # The shop imports its old history again, or she is typed in anew: same address.
    back = customer_create(workspace=cast.shop, actor=cast.owner, email="Ana@Example.com")
    consent_grant(
        customer=back, purpose="marketing", channel="email", source="form", ip=None, actor=None
    )
    other = customer_create(workspace=cast.shop, actor=cast.owner, email="ion@example.com")
    consent_grant(
        customer=other, purpose="marketing", channel="email", source="form", ip=None, actor=None
    )

    for purpose in (
        ContactPurpose.THANK_YOU,
        ContactPurpose.MARKETING,
        ContactPurpose.CONFIRMATION,
    ):
        assert contact_allowed(back, purpose).reason == NotAllowedReason.ERASED
    assert contact_allowed(back, ContactPurpose.TEST).allowed
    customers = Customer.objects.for_workspace(cast.shop)
    assert list(contactable(customers, ContactPurpose.MARKETING)) == [other]
    # A purchase of hers gets no thank-you letter; his does.
    _order(cast, back, 0)
    _order(cast, other, 0)
    letters = Outbox.objects.filter(source_type="thank_you")
    assert [row.to_address for row in letters] == ["ion@example.com"]
    # And a message written some other way is stopped by the sender.
    row = outbox_enqueue(
        workspace=cast.shop,
        draft=OutboxDraft(
            to_address="ana@example.com",
            subject="S",
            body_text="B",
            kind=OutboxKind.TRANSACTIONAL,
            source_type="manual",
            source_id=None,
            dedup_key="x",
        ),
    )
    assert outbox_blocked([row]) == {row.pk}


def test_an_erased_address_stays_mailable_in_another_workspace(cast, ana):
    customer_erase(customer=ana, actor=cast.owner)
    theirs = customer_create(
        workspace=cast.other_shop, actor=cast.outsider, email="ana@example.com"
    )

    assert contact_allowed(theirs, ContactPurpose.THANK_YOU).allowed


def test_erasing_twice_is_refused_and_an_agent_may_not_erase(cast, ana):
    with pytest.raises(NotPermitted):
        customer_erase(customer=ana, actor=cast.teammate)
    ana.refresh_from_db()
    assert ana.erased_at is None

    customer_erase(customer=ana, actor=cast.owner)
    with pytest.raises(PrivacyError):
        customer_erase(customer=ana, actor=cast.owner)
    assert Event.objects.filter(kind="customer.erased").count() == 1


def test_a_campaign_to_a_tag_leaves_out_the_erased_address(cast, ana):
    customer_erase(customer=ana, actor=cast.owner)
    back = customer_create(workspace=cast.shop, actor=cast.owner, email="ana@example.com")
    ion = customer_create(workspace=cast.shop, actor=cast.owner, email="ion@example.com")
    tag = Tag.objects.create(workspace=cast.shop, name="all")
    for customer in (back, ion):
        customer.tags.add(tag)
        consent_grant(
            customer=customer,
            purpose="marketing",
            channel="email",
            source="form",
            ip=None,
            actor=None,
        )
    campaign = campaign_save(
        workspace=cast.shop,
        actor=cast.owner,
        title="Primăvara",
        kind="newsletter",
        language="ro",
        subject="Noutăți",
        intro="",
        promotions=[],
        body_text="Salut",
        body_html="",
        holdout_percent=0,
        audience_segments=[],
    )
    campaign.audience_tags.add(tag)

    assert campaign_audience(campaign) == [ion]
