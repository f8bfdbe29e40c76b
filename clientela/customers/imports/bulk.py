"""Multi-row INSERT … RETURNING id without building model instances.

Used for the one table that receives a million rows (orders): Django's bulk_create builds
an instance and prepares every value of every field through the field API, which costs more
than the database does. Values given here must already be adapted for the backend (see
`adapt_datetime` / `adapt_decimal`); the SQL is only column names of our own models.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models

# Parameters per statement: far below SQLite's limit of 32,766 (3.32+) and PostgreSQL's 65,535.
MAX_PARAMS = 20_000


def adapt_datetime(value: datetime) -> Any:
    """What Django itself stores: an aware datetime on PostgreSQL, naive UTC text on SQLite.

    Done by hand on SQLite because the backend's general adapter costs more per row than the
    insert does.
    """
    if connection.vendor == "sqlite":
        return str(value.astimezone(UTC).replace(tzinfo=None))
    return connection.ops.adapt_datetimefield_value(value)


def adapt_decimal(value: Decimal) -> Any:
    return connection.ops.adapt_decimalfield_value(value)


def insert_returning_ids(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """Insert `rows` (tuples in the order of `columns`); return the new ids in row order."""
    quote = connection.ops.quote_name
    # Only names of our own table and columns, quoted, go into the SQL text.
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    head = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_statement = max(1, MAX_PARAMS // len(columns))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            sql = head + ", ".join([one] * len(chunk)) + f" RETURNING {quote('id')}"
            cursor.execute(sql, [value for row in chunk for value in row])
            ids.extend(row[0] for row in cursor.fetchall())
    return ids
