"""The demo's past brochure: sent weeks ago to a tag that exists, with the product's holdout,
its uplift report computed from the CDNOW orders after it, and nothing of it mailed now."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict
from datetime import datetime, time, timedelta
from decimal import Decimal
from email import message_from_bytes
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from scipy import stats

from clientela.accounts.models import Membership
from clientela.accounts.services import token_create
from clientela.commerce.models import Order
from clientela.customers.models import Consent, ConsentPurpose, Customer
from clientela.customers.normalize import normalize_email
from clientela.demo.history import DEMO_REPLY, LOYAL_ORDERS, LOYAL_TAG, SENT_DAYS_AGO
from clientela.demo.loader import DAYS_BEFORE_TODAY, demo_shop_load
from clientela.mail.models import Outbox, OutboxKind
from clientela.mail.services import outbox_enqueue
from clientela.mail.worker import WorkerOptions, worker_run
from clientela.outreach.models import (
    AutomationRecipient,
    Campaign,
    CampaignRecipient,
    HandwrittenLetter,
)
from clientela.outreach.rendering import Rendered
from clientela.outreach.services.drafts import outbox_draft
from clientela.timeline.models import Event
from tests.mail.conftest import sink  # noqa: F401  (the recording SMTP relay)

CUSTOMERS = 600  # CDNOW customers 1..600: about a hundred loyal ones with consent
BUCHAREST = ZoneInfo("Europe/Bucharest")
WINDOW = timedelta(days=30)  # the default uplift_days


@pytest.fixture
def loaded(cast, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    today = timezone.localdate()
    demo_shop_load(workspace=cast.shop, actor=None, today=today, seed=3, customers=CUSTOMERS)
    return Campaign.objects.for_workspace(cast.shop).get()


def _expected_audience(workspace, started: datetime) -> set[int]:  # type: ignore[no-untyped-def]
    """Customers with LOYAL_ORDERS orders before the send and a marketing consent, read
    straight from the rows the loader wrote."""
    before: dict[int, int] = defaultdict(int)
    for customer_id in (
        Order.objects.for_workspace(workspace)
        .filter(placed_at__lt=started)
        .values_list("customer_id", flat=True)
    ):
        before[customer_id] += 1
    consented = set(
        Consent.objects.for_workspace(workspace)
        .filter(purpose=ConsentPurpose.MARKETING, withdrawn_at__isnull=True)
        .values_list("customer_id", flat=True)
    )
    return {c for c, n in before.items() if n >= LOYAL_ORDERS} & consented


def _expected_uplift(workspace, campaign: Campaign) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Rates, revenue per recipient and both 95 % intervals, computed here from the orders:
    Wilson intervals from scipy combined by Newcombe's method 10, Welch's interval from
    scipy's unequal-variance t test."""
    start = campaign.started_at
    assert start is not None
    groups = dict(campaign.recipients.values_list("customer_id", "group"))
    revenue: dict[int, Decimal] = defaultdict(Decimal)
    for customer_id, total in (
        Order.objects.for_workspace(workspace)
        .filter(customer_id__in=list(groups), placed_at__gte=start, placed_at__lt=start + WINDOW)
        .values_list("customer_id", "total")
    ):
        revenue[customer_id] += total
    values = {
        group: [float(revenue.get(c, Decimal(0))) for c, g in groups.items() if g == group]
        for group in ("sent", "holdout")
    }
    buyers = {g: sum(1 for c, gg in groups.items() if gg == g and c in revenue) for g in values}
    n = {g: len(v) for g, v in values.items()}
    p = {g: buyers[g] / n[g] for g in values}
    ci = {g: stats.binomtest(buyers[g], n[g]).proportion_ci(method="wilson") for g in values}
    rate_low = (p["sent"] - p["holdout"]) - math.hypot(
        p["sent"] - ci["sent"].low, ci["holdout"].high - p["holdout"]
    )
    rate_high = (p["sent"] - p["holdout"]) + math.hypot(
        ci["sent"].high - p["sent"], p["holdout"] - ci["holdout"].low
    )
    welch = stats.ttest_ind(values["sent"], values["holdout"], equal_var=False)
    revenue_ci = welch.confidence_interval(0.95)
    return {
        "sent_count": n["sent"],
        "holdout_count": n["holdout"],
        "sent_rate": p["sent"],
        "holdout_rate": p["holdout"],
        "rate_difference": {
            "estimate": p["sent"] - p["holdout"],
            "low": rate_low,
            "high": rate_high,
        },
        "sent_revenue_per_recipient": sum(values["sent"]) / n["sent"],
        "holdout_revenue_per_recipient": sum(values["holdout"]) / n["holdout"],
        "revenue_difference": {
            "estimate": sum(values["sent"]) / n["sent"] - sum(values["holdout"]) / n["holdout"],
            "low": float(revenue_ci.low),
            "high": float(revenue_ci.high),
        },
    }


def _flat(figures: dict[str, Any]) -> dict[str, float]:
    """{"rate_difference": {"low": x}} -> {"rate_difference.low": x}, for pytest.approx."""
    flat: dict[str, float] = {}
    for key, value in figures.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{inner}": v for inner, v in value.items()})
        else:
            flat[key] = value
    return flat


def _same(shown: dict[str, Any], expected: dict[str, Any]) -> bool:
    return _flat(shown) == pytest.approx(_flat(expected), rel=1e-9, abs=1e-12)


@pytest.mark.django_db
def test_the_brochure_went_to_the_loyal_tag_weeks_ago_with_a_tenth_held_out(cast, loaded):  # type: ignore[no-untyped-def]
    campaign = loaded
    today = timezone.localdate()
    started = datetime.combine(today - timedelta(days=SENT_DAYS_AGO), time(10), BUCHAREST)

    assert (campaign.kind, campaign.status, campaign.language) == ("brochure", "finished", "ro")
    assert "(istoric demo)" in campaign.title
    assert campaign.promotions and campaign.sales
    assert campaign.started_at == started
    assert campaign.finished_at == started + timedelta(hours=1)
    assert list(campaign.audience_tags.values_list("name", flat=True)) == [LOYAL_TAG]
    # The send lies inside the loaded history, with purchases after its window too.
    orders = Order.objects.for_workspace(cast.shop)
    assert orders.filter(placed_at__lt=started).exists()
    assert orders.filter(placed_at__gte=started + WINDOW).exists()

    audience = _expected_audience(cast.shop, started)
    recipients = dict(campaign.recipients.values_list("customer_id", "group"))
    held = {c for c, g in recipients.items() if g == "holdout"}
    assert len(audience) > 50
    assert set(recipients) == audience
    assert len(held) == round(len(audience) * campaign.holdout_percent / 100)
    assert campaign.holdout_percent == 10
    tagged = Customer.objects.for_workspace(cast.shop).filter(tags__name=LOYAL_TAG)
    assert audience <= set(tagged.values_list("pk", flat=True))

    # One outbox row per sent recipient, recorded as sent at the send and never queued now.
    rows = Outbox.objects.for_workspace(cast.shop).filter(
        source_type="campaign", source_id=campaign.pk
    )
    sent = CampaignRecipient.objects.filter(campaign=campaign, group="sent")
    assert sorted(rows.values_list("pk", flat=True)) == sorted(
        sent.values_list("outbox_id", flat=True)
    )
    assert set(rows.values_list("customer_id", flat=True)) == audience - held
    assert set(rows.values_list("status", "sent_at", "not_before", "last_smtp_reply")) == {
        ("sent", started, started, DEMO_REPLY)
    }
    addresses = set(rows.values_list("to_address", flat=True))
    assert all(a.endswith(("@example.ro", "@example.com")) for a in addresses)
    assert all("/u/" in body for body in rows.values_list("body_text", flat=True))

    # Its history sits at the send, one "sent" row per message on the customers' timelines.
    events = Event.objects.for_workspace(cast.shop)
    assert dict(
        events.filter(subject_type="campaign", subject_id=campaign.pk).values_list("kind", "at")
    ) == {
        "campaign.created": started - timedelta(days=1),
        "campaign.send": started,
        "campaign.finish": started + timedelta(hours=1),
    }
    mail_sent = events.filter(kind="outreach.mail_sent")
    assert set(mail_sent.values_list("at", flat=True)) == {started}
    assert set(mail_sent.values_list("customer_id", flat=True)) == audience - held


@pytest.mark.django_db
def test_the_page_and_the_api_show_the_uplift_computed_from_the_orders_after_the_send(
    cast, loaded, client_for
) -> None:  # type: ignore[no-untyped-def]
    campaign = loaded
    expected = _expected_uplift(cast.shop, campaign)
    assert expected["sent_count"] + expected["holdout_count"] == campaign.recipients.count()

    page = client_for(cast.viewer).get(f"/w/alice/outreach/campaigns/{campaign.pk}/")
    report = page.context["uplift"]
    assert report.ready_at == campaign.started_at + WINDOW
    assert report.uplift is not None
    assert _same(asdict(report.uplift), expected)
    html = page.content.decode()
    # The plain verdict opens the report; the figures are folded under it (o-letters' wording),
    # money in the reader's forms with the shop's currency.
    assert '<p class="verdict">Of 100 customers who got the brochure, ' in html
    assert html.index('class="verdict"') < html.index('<details class="statistics">')
    assert "Bought again" in html and "Orders within 30 days of the message." in html

    def money(amount: float) -> str:
        return f"{amount:,.2f}\N{NO-BREAK SPACE}{cast.shop.currency}"

    for figure in (
        f'<td class="num">{expected["sent_count"]}</td>',
        f'<td class="num">{expected["holdout_count"]}</td>',
        f'<td class="num">{money(expected["sent_revenue_per_recipient"])}</td>',
        f'<td class="num">{money(expected["holdout_revenue_per_recipient"])}</td>',
        f"{money(expected['revenue_difference']['estimate'])} "
        f"({money(expected['revenue_difference']['low'])} to "
        f"{money(expected['revenue_difference']['high'])})",
    ):
        assert figure in html

    membership = Membership.objects.get(workspace=cast.shop, user=cast.viewer)
    token = token_create(membership=membership, name="t").plaintext
    body = (
        Client()
        .get(
            f"/api/v1/outreach/campaigns/{campaign.pk}",
            headers={"Authorization": f"Bearer {token}"},
        )
        .json()
    )
    assert body["status"] == "finished" and body["uplift_days"] == 30
    assert _same(body["uplift"], expected)
    assert body["report"]["counts"]["sent"] == expected["sent_count"]
    assert body["report"]["counts"]["queued"] == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_nothing_of_the_brochure(cast, loaded, sink) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    campaign = loaded
    rows = Outbox.objects.for_workspace(cast.shop).filter(
        source_type="campaign", source_id=campaign.pk
    )
    before = list(rows.order_by("pk").values())
    # A letter due now shows the worker did run and deliver.
    due = outbox_draft(
        customer=None,
        address="control@example.com",
        kind=OutboxKind.TRANSACTIONAL,
        source_type="test",
        source_id=None,
        dedup_key="control",
        message=Rendered("Control", "due now", ""),
        language="ro",
    )
    assert outbox_enqueue(workspace=cast.shop, draft=due) is not None

    worker_run(WorkerOptions(drain=True))

    delivered = [message_from_bytes(m.data) for m in sink.received]
    assert [m["Subject"] for m in delivered] == ["Control"]
    assert list(rows.order_by("pk").values()) == before


@pytest.mark.django_db
def test_thank_you_letters_of_the_last_days_purchases_fall_due_within_the_week(cast, loaded):  # type: ignore[no-untyped-def]
    now = timezone.now()
    week = timedelta(days=7)  # the default thank-you delay
    slack = timedelta(minutes=5)  # between the load and this line
    letters = Outbox.objects.for_workspace(cast.shop).filter(source_type="thank_you")
    orders = Order.objects.for_workspace(cast.shop)

    assert letters.exists()
    # The route is decided when the order is placed (o-letters): an e-mail stays queued; an
    # order routed to a handwritten letter, or drawn into the holdout, has its e-mail row
    # cancelled (it keeps the week's dedup key), the letter taking its place.
    decisions = {
        d.key: d
        for d in AutomationRecipient.objects.for_workspace(cast.shop).filter(automation="thank_you")
    }
    handwritten = set(
        HandwrittenLetter.objects.for_workspace(cast.shop).values_list("outbox_id", flat=True)
    )
    assert "queued" in set(letters.values_list("status", flat=True))
    for row in letters:
        decision = decisions[f"thank_you:{row.source_id}"]
        if row.status == "queued":
            assert (decision.group, decision.route, decision.outbox_id) == ("sent", "email", row.pk)
            assert row.pk not in handwritten
        else:
            assert row.status == "cancelled"
            assert decision.group == "holdout" or (
                decision.route == "letter" and row.pk in handwritten
            )
    for letter in letters.select_related("customer"):
        order = orders.select_related("customer").get(pk=letter.source_id)
        assert order.placed_at >= now - week - slack
        assert letter.not_before == order.placed_at + week
        assert letter.to_address == normalize_email(order.customer.email)
    # A letter for every customer who bought in the last week (one per ISO week of purchase).
    recent = orders.filter(placed_at__gte=now - week + slack)
    assert set(recent.values_list("customer_id", flat=True)) <= set(
        letters.values_list("customer_id", flat=True)
    )
    # The last purchases are DAYS_BEFORE_TODAY days old: their letters go out within days.
    assert now - slack < min(letters.values_list("not_before", flat=True))
    assert max(letters.values_list("not_before", flat=True)) < now + timedelta(
        days=8 - DAYS_BEFORE_TODAY
    )
