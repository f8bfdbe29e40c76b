"""The demo loader turns CDNOW rows into a believable, deterministic recent shop history."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from clientela.commerce.models import Order
from clientela.customers.models import Consent, Customer, CustomerEmail
from clientela.demo.loader import DAYS_BEFORE_TODAY, demo_shop_load, read_cdnow, to_ron
from clientela.demo.people import invent_people
from clientela.outreach.models import Campaign
from clientela.timeline.models import Event

TODAY = date(2026, 11, 23)
BUCHAREST = ZoneInfo("Europe/Bucharest")
ADDRESS = re.compile(r"^[a-z0-9]+\.[a-z0-9]+[0-9]*@example\.(ro|com)$")


def test_the_whole_file_has_the_documented_rows_and_customers():
    purchases = read_cdnow()
    assert len(purchases) == 69_659
    assert len({p.customer for p in purchases}) == 23_570
    assert purchases[0].row == 1 and purchases[0].customer == 1
    assert (purchases[0].day, purchases[0].cds, purchases[0].dollars) == (
        date(1997, 1, 1),
        1,
        Decimal("11.77"),
    )
    assert max(p.day for p in purchases) == date(1998, 6, 30)


def test_the_same_seed_gives_the_same_people_and_only_reserved_domains():
    first = invent_people(range(1, 2001), seed=5)
    again = invent_people(range(1, 2001), seed=5)
    other = invent_people(range(1, 2001), seed=6)

    assert first == again
    assert first != other
    emails = [person.email for person in first.values()]
    assert len(set(emails)) == 2000
    assert all(ADDRESS.match(email) for email in emails), [
        e for e in emails if not ADDRESS.match(e)
    ]
    romanian = [p for p in first.values() if p.language == "ro"]
    assert 0.65 < len(romanian) / 2000 < 0.75
    assert all(p.email.endswith("@example.ro") for p in romanian)
    assert all(p.email.endswith("@example.com") for p in first.values() if p.language == "en")
    with_address = [p for p in romanian if p.address_line]
    assert with_address and all(
        p.city and p.postal_code and p.country == "RO" for p in with_address
    )


def test_dollars_become_lei_at_the_fixed_rate():
    assert to_ron(Decimal("11.77")) == Decimal("54.14")
    assert to_ron(Decimal("0.00")) == Decimal("0.00")
    assert to_ron(Decimal("1286.01")) == Decimal("5915.65")


@pytest.mark.django_db
def test_a_slice_loads_with_shifted_dates_and_the_rows_an_import_leaves(cast):
    report = demo_shop_load(workspace=cast.shop, actor=None, today=TODAY, seed=3, customers=40)
    expected = [p for p in read_cdnow() if p.customer <= 40]

    assert (report.customers, report.orders) == (40, len(expected))
    customers = Customer.objects.for_workspace(cast.shop)
    orders = Order.objects.for_workspace(cast.shop).order_by("pk")
    assert customers.count() == 40 and orders.count() == len(expected)
    assert Customer.objects.for_workspace(cast.other_shop).count() == 0

    # The last purchase loaded falls three days before today; the others keep their distance.
    shift = TODAY - timedelta(days=DAYS_BEFORE_TODAY) - max(p.day for p in expected)
    for purchase, order in zip(expected, orders, strict=True):
        local = order.placed_at.astimezone(BUCHAREST)
        assert order.external_id == f"cdnow-{purchase.row}"
        assert order.customer.external_id == f"cdnow-{purchase.customer}"
        assert local.date() == purchase.day + shift
        assert time(9) <= local.time() < time(21)
        assert order.total == to_ron(purchase.dollars) and order.currency == "RON"
    assert max(o.placed_at for o in orders).astimezone(BUCHAREST).date() == TODAY - timedelta(
        days=DAYS_BEFORE_TODAY
    )

    emails = CustomerEmail.objects.for_workspace(cast.shop)
    assert sorted(emails.values_list("address", flat=True)) == sorted(
        customers.values_list("email", flat=True)
    )
    assert all(ADDRESS.match(e.address) and e.is_primary for e in emails)
    assert Consent.objects.for_workspace(cast.shop).filter(source="demo").count() < 40
    events = Event.objects.for_workspace(cast.shop).exclude(kind="workspace.created")
    # Besides the customers, only the past brochure's history (see test_history.py).
    campaign = Campaign.objects.for_workspace(cast.shop).get()
    sent = campaign.recipients.filter(group="sent").count()
    assert sent > 0
    # With the front desk (clientela/demo/desk.py): settings, aliases, the complainer's
    # earlier cases, messages and their waits; and the rewards ledger (clientela/demo/rewards.py):
    # the catalogue, a certificate partly spent, a reimbursement, one waiting for a manager.
    assert sorted(set(events.values_list("kind", flat=True))) == [
        "alias.granted",
        "campaign.created",
        "campaign.finish",
        "campaign.send",
        "care.case_opened",
        "catalogue.seeded",
        "certificate.issued",
        "certificate.redeemed",
        "compensation.approved",
        "compensation.proposed",
        "conversation.received",
        "customer.created",
        "demo.loaded",
        "forwarding.settings_changed",
        "inbox.settings_changed",
        "outreach.mail_sent",
        "wait.started",
    ]
    assert events.filter(kind="customer.created").count() == 40
    assert events.filter(kind="outreach.mail_sent").count() == sent
    assert events.filter(kind__startswith="campaign.").count() == 3
    assert events.get(kind="demo.loaded").new == {
        "customers": 40,
        "orders": len(expected),
        "seed": 3,
        "usd_to_ron": "4.60",
        "today": "2026-11-23",
        "campaign": campaign.pk,
    }


@pytest.mark.django_db
def test_the_same_seed_loads_the_same_shop_twice(cast):
    demo_shop_load(workspace=cast.shop, actor=None, today=TODAY, seed=3, customers=25)
    demo_shop_load(workspace=cast.other_shop, actor=None, today=TODAY, seed=3, customers=25)

    def shop(ws):  # type: ignore[no-untyped-def]
        people = Customer.objects.for_workspace(ws).order_by("external_id")
        orders = Order.objects.for_workspace(ws).order_by("external_id")
        return (
            list(people.values_list("external_id", "first_name", "last_name", "email", "city")),
            list(orders.values_list("external_id", "placed_at", "total")),
        )

    assert shop(cast.shop) == shop(cast.other_shop)
    last: datetime = Order.objects.for_workspace(cast.shop).latest("placed_at").placed_at
    assert last.astimezone(BUCHAREST).date() == TODAY - timedelta(days=DAYS_BEFORE_TODAY)
