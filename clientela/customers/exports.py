"""CSV export of customers and orders, in the columns the importer reads back.

Cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) get a leading single quote; the importer removes exactly that quote again.
"""

from __future__ import annotations

import csv
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from clientela.accounts.models import Workspace
from clientela.commerce.models import Order
from clientela.customers.models import Customer

CUSTOMER_COLUMNS = [
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
]
ORDER_COLUMNS = [
    "external_id",
    "customer_external_id",
    "customer_email",
    "placed_at",
    "status",
    "currency",
    "total",
]
CHUNK = 2000


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def customers_export_csv(workspace: Workspace, stream: TextIO) -> int:
    """Write every customer of `workspace` to `stream`; return the number of rows."""
    writer = csv.writer(stream)
    writer.writerow(CUSTOMER_COLUMNS)
    customers = Customer.objects.for_workspace(workspace).order_by("pk").prefetch_related("tags")
    count = 0
    for c in customers.iterator(chunk_size=CHUNK):
        tags = "|".join(sorted(tag.name for tag in c.tags.all()))
        row = [
            c.external_id,
            c.first_name,
            c.last_name,
            c.email,
            c.phone,
            c.address_line,
            c.city,
            c.postal_code,
            c.country,
            c.language,
            tags,
        ]
        writer.writerow([safe_cell(value) for value in row])
        count += 1
    return count


def orders_export_csv(workspace: Workspace, stream: TextIO) -> int:
    """Write every order of `workspace` (times in its time zone); return the number of rows."""
    zone = ZoneInfo(workspace.time_zone)
    writer = csv.writer(stream)
    writer.writerow(ORDER_COLUMNS)
    orders = (
        Order.objects.for_workspace(workspace)
        .order_by("pk")
        .values_list(
            "external_id",
            "customer__external_id",
            "customer__email",
            "placed_at",
            "status",
            "currency",
            "total",
        )
    )
    count = 0
    for ext_id, customer_id, email, placed_at, status, currency, total in orders.iterator(CHUNK):
        row = [
            ext_id,
            customer_id,
            email,
            placed_at.astimezone(zone).isoformat(),
            status,
            currency,
            f"{total:.2f}",
        ]
        writer.writerow([safe_cell(value) for value in row])
        count += 1
    return count
