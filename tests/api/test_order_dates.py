"""The API refuses an order dated outside 2000 … a year from today with the reason."""

from __future__ import annotations

import pytest

from clientela.commerce.models import Order
from clientela.commerce.services import order_create
from clientela.customers.services import customer_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", ["0001", "1999", "2100", "9999"])
def test_an_order_of_a_year_out_of_bounds_is_a_422_with_the_reason(cast, owner_api, year):
    ana = customer_create(workspace=cast.shop, actor=cast.owner, first_name="Ana")

    response = owner_api.post(
        "/orders",
        {"customer_id": ana.pk, "placed_at": f"{year}-06-01T10:00:00Z", "total": "1.00"},
    )

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "placed_at"]
    assert error["msg"].startswith("The order date must be between 01/01/2000 and ")
    assert Order.objects.count() == 0


def test_a_patch_to_a_year_out_of_bounds_is_a_422(cast, owner_api):
    from datetime import UTC, datetime
    from decimal import Decimal

    ana = customer_create(workspace=cast.shop, actor=cast.owner, first_name="Ana")
    order = order_create(
        workspace=cast.shop,
        actor=cast.owner,
        customer=ana,
        placed_at=datetime(2026, 3, 1, tzinfo=UTC),
        total=Decimal("1"),
    )

    response = owner_api.patch(f"/orders/{order.pk}", {"placed_at": "9999-12-31T23:59:59Z"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "placed_at"]
    order.refresh_from_db()
    assert order.placed_at == datetime(2026, 3, 1, tzinfo=UTC)
