"""The import on SQLite: validation then writing, multi-row INSERTs, lookups through the ORM.

SQLite has a single write lock: the write pass would hold it from its first batch on, and
the job's progress, written by another connection while validating, would wait for it.
So the whole file is validated first and written afterwards (`OVERLAP`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models

from clientela.accounts.models import Workspace
from clientela.commerce.models import Order
from clientela.customers.models import Customer, CustomerEmail
from clientela.imports.db.base import CopyOrders, CustomerIdsFound, CustomersFound, Statistics

OVERLAP = False
UTC_SUFFIX = ""  # SQLite stores the text as it is: naive UTC, as Django does
copy_orders: CopyOrders | None = None  # no COPY: orders go through `insert_returning_ids`

# Parameters per statement: far below SQLite's limit of 32,766 (3.32+).
MAX_PARAMS = 20_000

# SQLite's page cache for the write pass, in KiB (its default is 2,000): a million orders
# make indexes of ~100 MB whose pages, inserted in random order, would otherwise be read
# back from the OS again and again. The cache only grows as far as it is used. Measured on
# 1,000,000 orders: 200 MB, 100 MB and 50 MB of cache took 47.6 s, 44.0 s and 45.1 s, with
# peaks of 460, 418 and 389 MB; 64 MB keeps most of the speed and a margin under 500 MB.
SQLITE_CACHE_KIB = 64_000


@contextmanager
def write_pass(outermost: bool) -> Iterator[None]:
    """A page cache of SQLITE_CACHE_KIB for the duration of the write pass."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{int(SQLITE_CACHE_KIB)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def adapt_datetime(value: datetime) -> Any:
    """What Django itself stores on SQLite: naive UTC text.

    Done by hand because the backend's general adapter costs more per row than the insert
    does.
    """
    return str(value.astimezone(UTC).replace(tzinfo=None))


def _statements(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]], tail: str
) -> Any:
    quote = connection.ops.quote_name
    # Only names of our own table and columns, quoted, go into the SQL text.
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    head = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["?"] * len(columns)) + ")"  # see `_execute`
    per_statement = max(1, MAX_PARAMS // len(columns))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        yield head + ", ".join([one] * len(chunk)) + tail, [v for row in chunk for v in row]


def _execute(cursor: Any, sql: str, params: list[Any]) -> None:
    """Run one statement of `_statements`.

    Straight through the driver's cursor, with the `?` marks `_statements` wrote: Django's
    cursor would rewrite `%s` into `?` with a regular expression over the whole text, which
    for statements of 20,000 marks cost about as much as a tenth of the insert.
    """
    sqlite3.Cursor.execute(cursor.cursor, sql, params)


def insert_returning_ids(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """Insert `rows` (tuples in the order of `columns`); return the new ids in row order."""
    ids: list[int] = []
    tail = f" RETURNING {connection.ops.quote_name('id')}"
    with connection.cursor() as cursor:
        for sql, params in _statements(model, columns, rows, tail):
            _execute(cursor, sql, params)
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert `rows` (tuples in the order of `columns`) when their ids are not needed."""
    with connection.cursor() as cursor:
        for sql, params in _statements(model, columns, rows, ""):
            _execute(cursor, sql, params)


class _NoStatistics:
    """Nothing to keep up: SQLite has no statistics unless told to ANALYZE, which the
    import never does (see `postgres.PlannerStatistics` for why PostgreSQL needs them)."""

    def added(self, model: type[models.Model], count: int) -> None:
        pass


def statistics() -> Statistics:
    return _NoStatistics()


def customers_matching(
    workspace: Workspace, ext_ids: list[str], emails: list[str]
) -> CustomersFound:
    """The customers with these external ids, the owners of these addresses, by pk."""
    scoped = Customer.objects.for_workspace(workspace)
    by_ext = {c.external_id: c for c in scoped.filter(external_id__in=ext_ids)}
    owner_of = dict(
        CustomerEmail.objects.for_workspace(workspace)
        .filter(address__in=emails)
        .values_list("address", "customer_id")
    )
    by_pk = {c.pk: c for c in by_ext.values()}
    missing = set(owner_of.values()) - set(by_pk)
    by_pk.update({c.pk: c for c in scoped.filter(pk__in=missing)})
    return by_ext, owner_of, by_pk


def customer_ids_matching(
    workspace: Workspace, ext_ids: set[str], emails: set[str]
) -> CustomerIdsFound:
    """Two queries, read as the caller iterates over them."""
    scoped = Customer.objects.for_workspace(workspace)
    by_ext = scoped.filter(external_id__in=ext_ids).values_list("external_id", "pk")
    owners = (
        CustomerEmail.objects.for_workspace(workspace)
        .filter(address__in=emails)
        .values_list("address", "customer_id", "customer__external_id")
    )
    return by_ext, owners


def orders_matching(
    workspace: Workspace, ids: list[str], fields: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Asked first with a bare query, whose cost is the database's: building the ORM's IN
    lookup of thousands of values costs more, and a first import finds none."""
    table, quote = Order._meta.db_table, connection.ops.quote_name
    found: list[str] = []
    with connection.cursor() as cursor:
        for start in range(0, len(ids), MAX_PARAMS):
            chunk = ids[start : start + MAX_PARAMS]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {quote('external_id')} FROM {quote(table)}"  # noqa: S608
                f" WHERE {quote('workspace_id')} = %s AND {quote('external_id')} IN ({marks})",
                [workspace.pk, *chunk],
            )
            found.extend(row[0] for row in cursor.fetchall())
    if not found:
        return {}
    values = (
        Order.objects.for_workspace(workspace)
        .filter(external_id__in=found)
        .values("pk", "external_id", *fields)
    )
    return {row["external_id"]: row for row in values}
