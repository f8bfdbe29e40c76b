"""What commerce announces: orders placed, changed and cancelled, inside the writing transaction."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection

from clientela.commerce.models import Order
from clientela.commerce.services import order_create, order_update
from clientela.commerce.signals import order_cancelled, order_changed, orders_placed
from clientela.customers.services import customer_create
from tests.imports.helpers import run

pytestmark = pytest.mark.django_db

SIGNALS = {"placed": orders_placed, "changed": order_changed, "cancelled": order_cancelled}
ORDERS = "Nr comanda;Email;Data;Total;Stare\nA;ana@example.com;2024-05-01;10;\n"


@pytest.fixture
def sent() -> Iterator[list[tuple[str, int, list[int], bool]]]:
    """(signal, workspace id, order ids, inside a transaction) of every send."""
    calls: list[tuple[str, int, list[int], bool]] = []
    receivers = []
    for name, signal in SIGNALS.items():

        def receiver(sender, *, workspace, order_ids, name=name, **kwargs):
            assert sender is Order
            calls.append((name, workspace.pk, list(order_ids), connection.in_atomic_block))

        signal.connect(receiver)
        receivers.append((signal, receiver))
    yield calls
    for signal, receiver in receivers:
        signal.disconnect(receiver)


def test_a_change_by_hand_is_announced_and_a_cancellation_twice(cast, sent):
    customer = customer_create(workspace=cast.shop, actor=None)
    order = order_create(
        workspace=cast.shop,
        actor=cast.owner,
        customer=customer,
        placed_at=datetime(2026, 3, 1, tzinfo=UTC),
        total=Decimal("5"),
    )
    order_update(order=order, actor=cast.owner, total=Decimal("6"))
    order_update(order=order, actor=cast.owner, total=Decimal("6"))  # no change, no signal
    order_update(order=order, actor=cast.owner, status="cancelled")
    order_update(order=order, actor=cast.owner, total=Decimal("7"))  # still cancelled
    ws, ids = cast.shop.pk, [order.pk]
    assert sent == [
        ("placed", ws, ids, True),
        ("changed", ws, ids, True),
        ("changed", ws, ids, True),
        ("cancelled", ws, ids, True),
        ("changed", ws, ids, True),
    ]


def test_an_import_announces_its_changed_and_cancelled_orders_once_per_batch(cast, tmp_path, sent):
    run(tmp_path, cast.shop, "orders", ORDERS)
    order = Order.objects.get(external_id="A")
    run(tmp_path, cast.shop, "orders", ORDERS.replace(";10;", ";12;"))
    run(tmp_path, cast.shop, "orders", ORDERS.replace(";10;", ";12;cancelled"))
    ws, ids = cast.shop.pk, [order.pk]
    assert sent == [
        ("placed", ws, ids, True),
        ("changed", ws, ids, True),
        ("changed", ws, ids, True),
        ("cancelled", ws, ids, True),
    ]
