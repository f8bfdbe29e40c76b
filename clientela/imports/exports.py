"""CSV export of customers and orders, in the columns the importer reads back.

Two dialects: plain CSV (commas, decimal points, ISO times with their offset), and "Excel
(Romania)": what Excel with Romanian settings opens in columns with its diacritics, that
is semicolons, decimal commas in the amounts, times without an offset (in the workspace's
zone), and a UTF-8 byte order mark (without one Excel reads the file as Windows-1250).
The importer reads both back.

Cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) get a leading single quote; the importer removes exactly that quote again. The web
and the API export through `customers_export` and `orders_export`, which check the actor.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple, TextIO
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, QuerySet, Subquery

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.commerce.selectors import OrderFilters, orders_filtered
from clientela.customers.models import Customer
from clientela.customers.selectors import CustomerFilters, customers_filtered
from clientela.imports.policy import CUSTOMER_EXPORT, ORDER_EXPORT

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
    # The retention engine's current view of the customer; empty before the first refresh.
    # The importer ignores these columns when the file is read back.
    "segment",
    "recency_score",
    "frequency_score",
    "monetary_score",
]
SCORE_COLUMNS = ("segment", "recency_score", "frequency_score", "monetary_score")
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


class Dialect(NamedTuple):
    delimiter: str
    bom: bool
    decimal_comma: bool
    naive_times: bool


CSV = Dialect(",", bom=False, decimal_comma=False, naive_times=False)
EXCEL_RO = Dialect(";", bom=True, decimal_comma=True, naive_times=True)
DIALECTS = {"csv": CSV, "excel_ro": EXCEL_RO}


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


class _Line:
    """A file-like object whose write returns the text: csv.writer then yields lines."""

    def write(self, text: str) -> str:
        return text


def csv_lines(
    header: list[str], rows: Iterable[list[Any]], dialect: Dialect = CSV
) -> Iterator[str]:
    """The CSV text of `header` and `rows`, one line at a time, cells neutralised.

    A generator, so a web response or a file receives the export as it is read from the
    database, in chunks of CHUNK rows: memory stays flat whatever the number of rows.
    """
    writer = csv.writer(_Line(), delimiter=dialect.delimiter)
    first = writer.writerow(header)
    yield "\ufeff" + first if dialect.bom else first
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def _with_scores(workspace: Workspace, customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """Each customer's current segment and RFM scores, from the scores retention (an app above
    this one) declares on Customer; its manager knows which run is current."""
    scores: Any = Customer._meta.get_field("retention_scores").related_model
    current = scores._default_manager.current(workspace).filter(customer_id=OuterRef("pk"))
    return customers.annotate(
        **{f"score_{name}": Subquery(current.values(name)[:1]) for name in SCORE_COLUMNS}
    )


def customer_rows(
    workspace: Workspace, filters: CustomerFilters | None = None
) -> Iterator[list[Any]]:
    """The customers of `workspace` passing `filters` (the list's), oldest first."""
    queryset = customers_filtered(workspace=workspace, filters=filters or CustomerFilters())
    customers = _with_scores(workspace, queryset).order_by("pk").prefetch_related("tags")
    for c in customers.iterator(chunk_size=CHUNK):
        tags = "|".join(sorted(tag.name for tag in c.tags.all()))
        yield [
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
            *(getattr(c, f"score_{name}") for name in SCORE_COLUMNS),
        ]


def order_rows(
    workspace: Workspace, filters: OrderFilters | None = None, dialect: Dialect = CSV
) -> Iterator[list[Any]]:
    """The orders of `workspace` passing `filters`, oldest first, times in its time zone."""
    zone = ZoneInfo(workspace.time_zone)
    orders = (
        orders_filtered(workspace=workspace, filters=filters or OrderFilters())
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
    for ext_id, customer_id, email, placed_at, status, currency, total in orders.iterator(CHUNK):
        local = placed_at.astimezone(zone)
        amount = f"{total:.2f}"
        yield [
            ext_id,
            customer_id,
            email,
            local.strftime("%Y-%m-%d %H:%M:%S") if dialect.naive_times else local.isoformat(),
            status,
            currency,
            amount.replace(".", ",") if dialect.decimal_comma else amount,
        ]


def customers_export(
    *,
    workspace: Workspace,
    actor: User | None,
    filters: CustomerFilters | None = None,
    dialect: Dialect = CSV,
) -> Iterator[str]:
    """The CSV lines of the customers passing `filters`; NotPermitted for an actor below
    CUSTOMER_EXPORT, raised by this call itself, before any line is read."""
    permit(actor=actor, workspace=workspace, rule=CUSTOMER_EXPORT)
    return csv_lines(CUSTOMER_COLUMNS, customer_rows(workspace, filters), dialect)


def orders_export(
    *,
    workspace: Workspace,
    actor: User | None,
    filters: OrderFilters | None = None,
    dialect: Dialect = CSV,
) -> Iterator[str]:
    """The CSV lines of the orders passing `filters`; NotPermitted for an actor below
    ORDER_EXPORT, raised by this call itself, before any line is read."""
    permit(actor=actor, workspace=workspace, rule=ORDER_EXPORT)
    return csv_lines(ORDER_COLUMNS, order_rows(workspace, filters, dialect), dialect)


def _write(lines: Iterator[str], stream: TextIO) -> int:
    count = -1  # the header is not a row
    for line in lines:
        stream.write(line)
        count += 1
    return count


def customers_export_csv(
    workspace: Workspace, stream: TextIO, filters: CustomerFilters | None = None
) -> int:
    """Write the customers of `workspace` to `stream`; return the number of rows."""
    return _write(customers_export(workspace=workspace, actor=None, filters=filters), stream)


def orders_export_csv(
    workspace: Workspace, stream: TextIO, filters: OrderFilters | None = None
) -> int:
    """Write the orders of `workspace` (times in its time zone); return the number of rows."""
    return _write(orders_export(workspace=workspace, actor=None, filters=filters), stream)
