"""Exports the importer reads back, with spreadsheet formulas neutralised."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

from clientela.commerce.models import Order
from clientela.commerce.services import order_create
from clientela.customers.models import Customer
from clientela.customers.services import customer_create, customer_tags_set
from clientela.imports.exports import customers_export_csv, orders_export_csv
from clientela.imports.models import ImportStatus
from tests.imports.helpers import counts, run

FIELDS = (
    "external_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "address_line",
    "city",
    "postal_code",
    "country",
    "language",
)


def shop_with_customers_and_orders(cast):
    ana = customer_create(
        workspace=cast.shop,
        actor=None,
        external_id="C1",
        first_name="Ana-Maria",
        last_name="Ţurcanu",
        email="ana@example.com",
        phone="+40722000001",
        address_line="Str. Mărășești 1, ap. 2",
        city="Brașov",
        postal_code="500001",
        country="RO",
        language="ro",
    )
    customer_tags_set(customer=ana, names=["vip", "fidel"], actor=None)
    evil = customer_create(
        workspace=cast.shop,
        actor=None,
        external_id="=cmd|' /C calc'!A0",
        first_name="@SUM(1+1)",
        last_name="-2+3",
        email="evil@example.com",
        city="\tTab",
        language="en",
    )
    for ext, customer, total, when in (
        ("O1", ana, "1234.56", datetime(2024, 12, 31, 8, 0, tzinfo=UTC)),
        ("O2", evil, "0.50", datetime(2024, 6, 14, 21, 0, tzinfo=UTC)),
    ):
        order_create(
            workspace=cast.shop,
            actor=None,
            customer=customer,
            external_id=ext,
            placed_at=when,
            total=Decimal(total),
            status="placed",
        )
    return ana, evil


def export(function, workspace):
    stream = io.StringIO()
    count = function(workspace, stream)
    return count, stream.getvalue()


def test_cells_that_a_spreadsheet_would_run_get_a_leading_quote(cast):
    shop_with_customers_and_orders(cast)
    count, text = export(customers_export_csv, cast.shop)
    rows = list(csv.reader(io.StringIO(text)))
    assert count == 2
    assert rows[0] == [
        "external_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "address",
        "city",
        "postal_code",
        "country",
        "language",
        "tags",
        "segment",
        "recency_score",
        "frequency_score",
        "monetary_score",
    ]
    assert rows[1] == [
        "C1",
        "Ana-Maria",
        "Ţurcanu",
        "ana@example.com",
        "'+40722000001",
        "Str. Mărășești 1, ap. 2",
        "Brașov",
        "500001",
        "RO",
        "ro",
        "fidel|vip",
        *[""] * 4,  # not scored yet
    ]
    assert rows[2] == [
        "'=cmd|' /C calc'!A0",
        "'@SUM(1+1)",
        "'-2+3",
        "evil@example.com",
        "",
        "",
        "'\tTab",
        "",
        "RO",
        "en",
        "",
        *[""] * 4,
    ]


def test_orders_export_in_the_workspace_time_zone(cast):
    shop_with_customers_and_orders(cast)
    count, text = export(orders_export_csv, cast.shop)
    assert count == 2
    assert list(csv.reader(io.StringIO(text))) == [
        [
            "external_id",
            "customer_external_id",
            "customer_email",
            "placed_at",
            "status",
            "currency",
            "total",
        ],
        ["O1", "C1", "ana@example.com", "2024-12-31T10:00:00+02:00", "placed", "RON", "1234.56"],
        [
            "O2",
            "'=cmd|' /C calc'!A0",
            "evil@example.com",
            "2024-06-15T00:00:00+03:00",
            "placed",
            "RON",
            "0.50",
        ],
    ]


def test_an_export_imports_back_unchanged_and_into_another_shop_identically(cast, tmp_path):
    shop_with_customers_and_orders(cast)
    _, customers_csv = export(customers_export_csv, cast.shop)
    _, orders_csv = export(orders_export_csv, cast.shop)
    before = counts()
    again = run(tmp_path, cast.shop, "customers", customers_csv)
    assert (again.status, again.unchanged_count, again.created_count, again.updated_count) == (
        ImportStatus.SUCCEEDED,
        2,
        0,
        0,
    )
    again = run(tmp_path, cast.shop, "orders", orders_csv)
    assert (again.status, again.unchanged_count, again.created_count) == (
        ImportStatus.SUCCEEDED,
        2,
        0,
    )
    assert counts() == before

    assert run(tmp_path, cast.other_shop, "customers", customers_csv).created_count == 2
    assert run(tmp_path, cast.other_shop, "orders", orders_csv).created_count == 2

    def customers_of(workspace):
        return [
            (*(getattr(c, f) for f in FIELDS), sorted(c.tags.values_list("name", flat=True)))
            for c in Customer.objects.for_workspace(workspace).order_by("external_id")
        ]

    def orders_of(workspace):
        return list(
            Order.objects.for_workspace(workspace)
            .order_by("external_id")
            .values_list(
                "external_id", "customer__external_id", "placed_at", "status", "currency", "total"
            )
        )

    assert customers_of(cast.other_shop) == customers_of(cast.shop)
    assert orders_of(cast.other_shop) == orders_of(cast.shop)
    assert customers_of(cast.shop)[1][:3] == ("C1", "Ana-Maria", "Ţurcanu")
