"""The report of compensation cost against return orders, on a data set built by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from clientela.care.models import Case
from clientela.commerce.models import Order
from clientela.customers.models import Customer
from clientela.rewards.models import Compensation, CompensationKind
from clientela.rewards.returns import Group, compensation_return
from tests.rewards.conftest import item

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NONE = Group(0, Decimal(0), 0, Decimal(0))
NOW = dt.datetime(2026, 7, 15, 12, tzinfo=UTC)


def _case(ws, n, category, severity, closed, agent=None):
    customer = Customer.objects.create(workspace=ws, email=f"c{n}@example.com")
    return Case.objects.create(
        workspace=ws,
        customer=customer,
        channel="email",
        category=category,
        severity=severity,
        subject=f"case {n}",
        complaint="…",
        assignee=agent,
        status="resolved",
        opened_at=closed - dt.timedelta(days=1),
        closed_at=closed,
    )


def _give(case, cost, status="given"):
    gift = item_of[case.workspace_id]
    Compensation.objects.create(
        workspace=case.workspace,
        customer=case.customer,
        item=gift,
        kind=gift.kind,
        cost=cost,
        currency="RON",
        budget=25,
        value_basis="spend",
        customer_value=0,
        status=status,
        case=case,
    )


def _order(case, day, total):
    Order.objects.create(
        workspace=case.workspace,
        customer=case.customer,
        total=Decimal(total),
        placed_at=dt.datetime(*day, 10, tzinfo=UTC),
    )


item_of: dict[int, object] = {}


def test_compensated_cases_against_comparable_ones_per_category_and_agent(cast):
    item_of[cast.shop.pk] = item(cast, CompensationKind.SMALL_GIFT)
    day = lambda m, d: dt.datetime(2026, m, d, 9, tzinfo=UTC)  # noqa: E731
    bob, mihai = cast.teammate, cast.manager
    c1 = _case(cast.shop, 1, "product", "high", day(2, 1), bob)
    _give(c1, "20.00")
    _order(c1, (2026, 3, 1), "100.00")  # within 90 days
    _order(c1, (2026, 7, 1), "50.00")  # after its 90 days
    c2 = _case(cast.shop, 2, "product", "high", day(2, 10), bob)
    _give(c2, "30.00")
    _give(c2, "99.00", status="rejected")  # costs nothing
    _order(c2, (2026, 1, 5), "70.00")  # before the case closed
    c3 = _case(cast.shop, 3, "product", "high", day(3, 1), mihai)
    _order(c3, (2026, 4, 1), "40.00")
    c4 = _case(cast.shop, 4, "product", "low", day(3, 5))  # nothing compensated to compare with
    _order(c4, (2026, 3, 10), "10.00")
    c5 = _case(cast.shop, 5, "delivery", "medium", day(4, 1), mihai)
    _give(c5, "15.00")
    _order(c5, (2026, 5, 1), "60.00")
    _order(c5, (2026, 5, 2), "25.00")
    _case(cast.shop, 6, "delivery", "medium", day(4, 2), bob)
    _give(_case(cast.shop, 7, "product", "high", dt.datetime(2025, 12, 31, 9, tzinfo=UTC)), "5")
    _case(cast.shop, 8, "service", "low", day(6, 1))  # closed 44 days before NOW: too recent
    Case.objects.create(  # still open: never counted
        workspace=cast.shop,
        customer=c1.customer,
        channel="email",
        category="product",
        subject="open",
        complaint="…",
    )
    item_of[cast.other_shop.pk] = item(
        type("C", (), {"shop": cast.other_shop})(), CompensationKind.SMALL_GIFT
    )
    _give(_case(cast.other_shop, 9, "product", "high", day(2, 1)), "500.00")

    report = compensation_return(
        cast.shop, start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30), days=90, now=NOW
    )

    money = Decimal
    assert report.too_recent == 1
    assert (report.total.compensated, report.total.uncompensated) == (
        Group(3, money("65.00"), 2, money("185.00")),
        Group(2, money("0.00"), 1, money("40.00")),
    )
    assert [(r.label, r.compensated, r.uncompensated) for r in report.by_category] == [
        ("Delivery", Group(1, money("15.00"), 1, money("85.00")), Group(1, money(0), 0, money(0))),
        (
            "Product fault",
            Group(2, money("50.00"), 1, money("100.00")),
            Group(1, money(0), 1, money("40.00")),
        ),
    ]
    # Bob's one uncompensated case (delivery, medium) has no compensated case of his beside it.
    assert [(r.label, r.compensated, r.uncompensated) for r in report.by_agent] == [
        (
            "Bob Agent",
            Group(2, money("50.00"), 1, money("100.00")),
            Group(0, money(0), 0, money(0)),
        ),
        (
            "Mihai Manager",
            Group(1, money("15.00"), 1, money("85.00")),
            Group(0, money(0), 0, money(0)),
        ),
        ("", Group(0, money(0), 0, money(0)), Group(0, money(0), 0, money(0))),
    ]
    assert report.total.compensated.share == pytest.approx(2 / 3)
    assert (report.total.enough, report.total.difference) == (False, None)


def test_a_difference_is_claimed_only_with_twenty_cases_in_each_group(cast):
    item_of[cast.shop.pk] = item(cast, CompensationKind.SMALL_GIFT)
    closed = dt.datetime(2026, 2, 1, 9, tzinfo=UTC)
    for n in range(40):
        case = _case(cast.shop, n, "delivery", "low", closed)
        if n < 20:
            _give(case, "10.00")
        if (n % 2 == 0 and n < 20) or (n % 4 == 1 and n >= 20):  # 10 of 20; 5 of 20
            _order(case, (2026, 2, 20), "30.00")
    report = compensation_return(
        cast.shop, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31), now=NOW
    )
    assert (report.total.compensated.returned, report.total.uncompensated.returned) == (10, 5)
    assert (report.total.enough, report.total.difference) == (True, 25.0)
    _case(cast.shop, 99, "billing", "low", closed)
    _give(Case.objects.get(subject="case 99"), "1.00")
    report = compensation_return(
        cast.shop, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31), now=NOW
    )
    billing = next(r for r in report.by_category if r.key == "billing")
    assert (billing.compensated.cases, billing.uncompensated.cases, billing.difference) == (
        1,
        0,
        None,
    )


def test_the_page_and_the_api_say_it_in_plain_words(cast, client):
    client.force_login(cast.teammate)
    page = client.get("/w/alice/rewards/return/?start=2026-01-01&end=2026-06-30&days=60")
    text = page.content.decode()
    assert page.status_code == 200
    assert "the same category and severity" in text and "fewer than 20" in text
    assert "within 60 days" in text
    assert "/w/alice/rewards/return/" in client.get("/w/alice/care/report/").content.decode()


def test_dates_a_shop_never_has_are_refused_not_an_error_page(cast, client):
    # Found by the schema fuzz: year 1 made the report's date arithmetic overflow (500).
    from django.test import Client

    from clientela.accounts.models import Membership
    from clientela.accounts.services import token_create
    from tests.api.conftest import Api

    membership = Membership.objects.get(workspace=cast.shop, user=cast.teammate)
    api = Api(Client(), token_create(membership=membership, name="t").plaintext)
    answer = api.get("/rewards/return", start="0001-01-01", end="0001-01-21")
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] == "start"
    client.force_login(cast.teammate)
    page = client.get("/w/alice/rewards/return/?start=0001-01-01&end=0001-01-21&days=90")
    assert page.status_code == 200
    assert page.context["form"].errors.keys() == {"start", "end"}
