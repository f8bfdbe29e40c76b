"""Helpers for the web tests: sample data in both shops and CSRF-carrying posts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from clientela.commerce.models import Order, Product
from clientela.commerce.services import order_create, product_create
from clientela.customers.models import Customer
from clientela.customers.services import customer_create

CSRF_SECRET = "a" * 32  # an unmasked secret: Django accepts it as cookie and header alike
BUCHAREST = ZoneInfo("Europe/Bucharest")


def post(client: Client, url: str, data: dict[str, Any] | None = None, **extra: Any) -> Any:
    """POST as a browser would: with the CSRF cookie and the matching token."""
    client.cookies["csrftoken"] = CSRF_SECRET
    return client.post(url, data or {}, HTTP_X_CSRFTOKEN=CSRF_SECRET, **extra)


@dataclass(frozen=True)
class Shop:
    customer: Customer
    order: Order
    product: Product
    foreign_customer: Customer  # belongs to the outsider's shop
    foreign_order: Order
    foreign_product: Product


@pytest.fixture
def shop(cast: Any) -> Shop:
    customer = customer_create(
        workspace=cast.shop,
        actor=cast.owner,
        email="ioana@example.com",
        first_name="Ioana",
        last_name="Popescu",
    )
    order = order_create(
        workspace=cast.shop,
        actor=cast.owner,
        customer=customer,
        placed_at=datetime(2026, 3, 2, 10, tzinfo=BUCHAREST),
        total=Decimal("120.00"),
        external_id="A-1",
    )
    product = product_create(
        workspace=cast.shop, actor=cast.owner, name="Ceai verde", price=Decimal("15")
    )
    foreign = customer_create(
        workspace=cast.other_shop, actor=cast.outsider, email="dan@example.com", first_name="Dan"
    )
    foreign_order = order_create(
        workspace=cast.other_shop,
        actor=cast.outsider,
        customer=foreign,
        placed_at=datetime(2026, 3, 2, 10, tzinfo=BUCHAREST),
        total=Decimal("5"),
    )
    foreign_product = product_create(workspace=cast.other_shop, actor=cast.outsider, name="Cafea")
    return Shop(customer, order, product, foreign, foreign_order, foreign_product)
