"""A small shop for the export entry points: a formula-looking customer, and a foreign one."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from clientela.commerce.services import order_create
from clientela.customers.services import customer_create


def export_shop(cast: Any) -> None:
    ana = customer_create(
        workspace=cast.shop, actor=None, external_id="C1", first_name="Ștefan", email="s@x.ro"
    )
    evil = customer_create(
        workspace=cast.shop, actor=None, external_id="C2", first_name="=HYPERLINK(1)"
    )
    theirs = customer_create(
        workspace=cast.other_shop, actor=None, external_id="C3", first_name="Ștefan"
    )
    for ext, customer, workspace, status in (
        ("O1", ana, cast.shop, "placed"),
        ("O2", evil, cast.shop, "cancelled"),
        ("O3", theirs, cast.other_shop, "placed"),
    ):
        order_create(
            workspace=workspace,
            actor=None,
            customer=customer,
            external_id=ext,
            placed_at=datetime(2026, 3, 1, 10, tzinfo=UTC),
            total=Decimal("9.50"),
            status=status,
        )


def first_cells(text: str) -> list[list[str]]:
    """(external id, first name or customer id) of each row, header included."""
    return [row[:2] for row in csv.reader(io.StringIO(text))]


CUSTOMERS_ALL = [
    ["external_id", "first_name"],
    ["C1", "Ștefan"],
    ["C2", "'=HYPERLINK(1)"],
]
ORDERS_ALL = [["external_id", "customer_external_id"], ["O1", "C1"], ["O2", "C2"]]
