"""Orders with lines through the API: the total summed from the lines, read back with them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clientela.commerce.models import Order
from clientela.commerce.services import product_create
from clientela.customers.services import customer_create
from clientela.timeline.models import Event

pytestmark = pytest.mark.django_db


def test_an_order_without_a_total_is_the_sum_of_its_lines_and_reads_back(cast, api_as):
    ana = customer_create(workspace=cast.shop, actor=cast.owner, email="ana@example.com")
    tea = product_create(workspace=cast.shop, actor=cast.owner, name="Tea", price=Decimal("12.5"))
    manager = api_as("manager")

    created = manager.post(
        "/orders",
        {
            "customer_id": ana.pk,
            "placed_at": "2026-03-01T11:00:00+02:00",
            "lines": [
                {"product_id": tea.pk, "quantity": "3", "unit_price": "12.50"},
                {"description": "Gift wrap", "quantity": "0.333", "unit_price": "1.00"},
            ],
        },
    )
    read = manager.get(f"/orders/{created.json()['id']}")

    assert created.status_code == 201
    order = Order.objects.get()
    assert order.total == Decimal("37.83")  # 37.50 + 0.333, to the cent
    assert read.status_code == 200
    body = read.json()
    assert (body["total"], body["customer_id"]) == ("37.83", ana.pk)
    assert body["lines"] == [
        {"product_id": tea.pk, "description": "", "quantity": "3.000", "unit_price": "12.50"},
        {"product_id": None, "description": "Gift wrap", "quantity": "0.333", "unit_price": "1.00"},
    ]
    assert list(Event.objects.filter(kind="order.created").values_list("actor", flat=True)) == [
        cast.manager.pk
    ]


@pytest.mark.parametrize(
    ("lines", "loc", "msg"),
    [
        ([], ["body", "payload", "total"], "Give the total, or the lines to sum."),
        (
            [{"description": "X", "quantity": "0", "unit_price": "1.00"}],
            ["body", "payload", "lines"],
            "A line's quantity must be more than zero",
        ),
    ],
)
def test_an_order_with_nothing_to_sum_or_an_empty_line_is_a_422(cast, owner_api, lines, loc, msg):
    ana = customer_create(workspace=cast.shop, actor=cast.owner, email="ana@example.com")

    response = owner_api.post(
        "/orders", {"customer_id": ana.pk, "placed_at": "2026-03-01T11:00:00Z", "lines": lines}
    )

    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": loc, "msg": msg, "type": "value_error"}]
    assert Order.objects.count() == 0
