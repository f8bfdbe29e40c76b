"""Orders with lines through the API: created with a picked and a typed line, read back."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clientela.commerce.models import Order
from clientela.commerce.services import product_create
from clientela.customers.services import customer_create
from clientela.timeline.models import Event

pytestmark = pytest.mark.django_db


def test_an_order_with_a_product_line_and_a_typed_line_reads_back_with_them(cast, api_as):
    ana = customer_create(workspace=cast.shop, actor=cast.owner, email="ana@example.com")
    tea = product_create(workspace=cast.shop, actor=cast.owner, name="Tea", price=Decimal("12.5"))
    manager = api_as("manager")

    created = manager.post(
        "/orders",
        {
            "customer_id": ana.pk,
            "placed_at": "2026-03-01T11:00:00+02:00",
            "total": "37.83",
            "lines": [
                {"product_id": tea.pk, "quantity": "3", "unit_price": "12.50"},
                {"description": "Gift wrap", "quantity": "0.333", "unit_price": "1.00"},
            ],
        },
    )
    read = manager.get(f"/orders/{created.json()['id']}")
    listed = manager.get("/orders", customer_id=ana.pk)

    assert created.status_code == 201
    order = Order.objects.get()
    assert order.total == Decimal("37.83")
    assert read.status_code == 200
    body = read.json()
    assert (body["total"], body["customer_id"]) == ("37.83", ana.pk)
    assert body["lines"] == [
        {"product_id": tea.pk, "description": "", "quantity": "3.000", "unit_price": "12.50"},
        {"product_id": None, "description": "Gift wrap", "quantity": "0.333", "unit_price": "1.00"},
    ]
    assert listed.json()["items"][0]["lines"] == body["lines"]
    assert list(Event.objects.filter(kind="order.created").values_list("actor", flat=True)) == [
        cast.manager.pk
    ]
