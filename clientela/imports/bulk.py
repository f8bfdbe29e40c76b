"""Multi-row INSERT (… RETURNING id) without building model instances.

Used for the tables that receive many rows in one import (orders, and the customers, their
addresses and timeline rows an orders import creates): Django's bulk_create builds an
instance and prepares every value of every field through the field API, which costs more
than the database does. Values given here must already be adapted for the backend (see
`datetime_adapter` / `adapt_decimal` / `defaults`); the SQL is only column names of our
own models.

On PostgreSQL the rows go through COPY instead: a multi-row INSERT of thousands of
placeholders costs psycopg more to split and bind on the client than the server spends
on it (about 0.3 ms per row, the largest share of a big orders import). The ids COPY does
not return are taken from the table's sequence first, in one query, and written out.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import OperationalError, connection, models, transaction

# A value of COPY's text format: backslash, tab and line ends escaped (no NUL reaches here:
# the reader refuses it).
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# Parameters per statement: far below SQLite's limit of 32,766 (3.32+) and PostgreSQL's 65,535.
MAX_PARAMS = 20_000


def _sqlite_datetime(value: datetime) -> str:
    return str(value.astimezone(UTC).replace(tzinfo=None))


def _as_is(value: datetime) -> datetime:
    return value


def datetime_adapter() -> Callable[[datetime], Any]:
    """What Django itself stores: an aware datetime on PostgreSQL, naive UTC text on SQLite.

    Done by hand on SQLite because the backend's general adapter costs more per row than the
    insert does. Look it up once per batch: the connection proxy costs a little per access.
    """
    return _sqlite_datetime if connection.vendor == "sqlite" else _as_is


def adapt_datetime(value: datetime) -> Any:
    return datetime_adapter()(value)


def adapt_decimal(value: Decimal) -> Any:
    return connection.ops.adapt_decimalfield_value(value)


def defaults(model: type[models.Model], given: Collection[str]) -> tuple[list[str], list[Any]]:
    """The columns of `model` not in `given` (nor the id), with their defaults ready to insert.

    The same values `bulk_create` would write for fields left unset, prepared once per call:
    a default that is a callable (`timezone.now`) is called once, so a batch shares it.
    """
    columns: list[str] = []
    values: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.primary_key or not field.column or field.column in given:
            continue
        columns.append(field.column)
        values.append(field.get_db_prep_save(field.get_default(), connection))
    return columns, values


def instance_rows(
    model: type[models.Model], objs: Sequence[models.Model]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The columns (all concrete ones but the id) and rows bulk_create would insert for `objs`.

    Each value is prepared by its field (`get_db_prep_save`), as bulk_create does, but
    without building and compiling an INSERT expression per value.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.column]
    prepare = [(f.attname, f.get_db_prep_save) for f in fields]
    rows = [tuple(save(getattr(obj, name), connection) for name, save in prepare) for obj in objs]
    return [f.column or "" for f in fields], rows


def _statements(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]], tail: str
) -> Any:
    quote = connection.ops.quote_name
    # Only names of our own table and columns, quoted, go into the SQL text.
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    head = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608
    mark = "?" if connection.vendor == "sqlite" else "%s"  # see `_execute`
    one = "(" + ", ".join([mark] * len(columns)) + ")"
    per_statement = max(1, MAX_PARAMS // len(columns))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        yield head + ", ".join([one] * len(chunk)) + tail, [v for row in chunk for v in row]


def _execute(cursor: Any, sql: str, params: list[Any]) -> None:
    """Run one statement of `_statements`.

    On SQLite straight through the driver's cursor, with the `?` marks `_statements` wrote:
    Django's cursor would rewrite `%s` into `?` with a regular expression over the whole
    text, which for statements of 20,000 marks cost about as much as a tenth of the insert.
    """
    if connection.vendor == "sqlite":
        sqlite3.Cursor.execute(cursor.cursor, sql, params)
    else:
        cursor.execute(sql, params)


def _pg_copy(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {table} ({names}) FROM STDIN"  # our own table and column names
        ) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def pg_next_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new ids from the sequence of `model`'s id column (PostgreSQL).

    The sequence is found first, and named by its oid: `nextval(pg_get_serial_sequence(…))`,
    or a name cast to regclass, looks it up in the catalogue again for every row (14.4 ms
    and 3.6 ms for 5,000 ids, against 1.7 ms by oid).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, 'id')::regclass::oid::bigint",
            [model._meta.db_table],
        )
        (sequence,) = cursor.fetchone()
        cursor.execute(
            "SELECT nextval(%s::oid::regclass) FROM generate_series(1, %s)", [sequence, count]
        )
        return [pk for (pk,) in cursor.fetchall()]


class PlannerStatistics:
    """Keep PostgreSQL's statistics of the tables an import fills about as large as they are.

    The import's lookups (`pg_rows_by_key`) need the planner to know that the workspace's
    rows are many. Autovacuum only sees committed rows, so during a first big import the
    statistics say the tables are empty, and the planner probes an index on the workspace
    alone and filters all its rows for each key: a cost that grows with the table (a
    1,000,000-order import spent 40 s so). ANALYZE inside the transaction samples the
    rows the transaction itself wrote; it is run on a table once the import has added to
    it, then again whenever the import has tripled its size since (a few times in all).
    It never waits: if another transaction holds the table's ANALYZE lock (a concurrent
    import, autovacuum), this one goes on with the statistics it has.
    """

    GROWTH = 3

    def __init__(self) -> None:
        self._size: dict[type[models.Model], float] = {}
        self._added: dict[type[models.Model], int] = {}

    def added(self, model: type[models.Model], count: int) -> None:
        if connection.vendor != "postgresql" or not count:
            return
        self._added[model] = self._added.get(model, 0) + count
        size = self._size.get(model)
        if size is None or self._added[model] > (self.GROWTH - 1) * size:
            self._size[model] = self._analyze(model)
            self._added[model] = 0

    def _analyze(self, model: type[models.Model]) -> float:
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('lock_timeout')")
            (before,) = cursor.fetchone()
            try:
                with transaction.atomic():  # a savepoint: a timeout undoes only this
                    cursor.execute("SELECT set_config('lock_timeout', '50ms', true)")
                    cursor.execute(f"ANALYZE {table}")  # our own table's name
                    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])
            except OperationalError:  # the lock is taken: keep the statistics we have
                pass
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
            )
            (size,) = cursor.fetchone()
        return max(float(size), 1.0)


def pg_rows_by_key(
    model: type[models.Model],
    workspace_id: int,
    column: str,
    keys: Sequence[str] | Sequence[int],
    columns: Sequence[str],
) -> list[tuple[Any, ...]]:
    """`columns` of the rows of `model` in the workspace whose `column` is one of `keys`.

    PostgreSQL. Written to be answered by one probe per key of the table's (workspace,
    `column`) unique index (the primary key when `column` is the id). The plain
    `column = ANY(keys)` let the planner pick an index on the workspace alone and filter all
    of the workspace's rows against the keys whenever its statistics were older than the
    rows being imported: a cost that grows with the table (a 1,000,000-order import spent
    40 s on it). A LIMIT 1 subquery per key cannot be flattened into such a join. Whether
    each subquery probes the unique index still rests on the planner's statistics, which
    `PlannerStatistics` keeps up to date during the import; the tests read the plans.
    """
    if not keys:
        return []
    quote = connection.ops.quote_name
    # Only names of our own table and columns, quoted, go into the SQL text.
    table, key = quote(model._meta.db_table), quote(column)
    names = ", ".join(f"t.{quote(c)}" for c in columns)
    kind = "bigint[]" if isinstance(keys[0], int) else "text[]"
    sql = (
        f"SELECT {names} FROM unnest(%s::{kind}) AS k(key) CROSS JOIN LATERAL"  # noqa: S608
        f" (SELECT * FROM {table} WHERE {quote('workspace_id')} = %s AND {key} = k.key"
        " LIMIT 1) AS t"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(keys), workspace_id])
        return cursor.fetchall()


def insert_returning_ids(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """Insert `rows` (tuples in the order of `columns`); return the new ids in row order."""
    if connection.vendor == "postgresql":
        new_ids = pg_next_ids(model, len(rows))
        _pg_copy(
            model, ("id", *columns), ((pk, *row) for pk, row in zip(new_ids, rows, strict=True))
        )
        return new_ids
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
    if connection.vendor == "postgresql":
        _pg_copy(model, columns, rows)
        return
    with connection.cursor() as cursor:
        for sql, params in _statements(model, columns, rows, ""):
            _execute(cursor, sql, params)


def update_by_id(
    model: type[models.Model], workspace_id: int, fields: Sequence[str], objs: Sequence[Any]
) -> None:
    """Write `fields` of each of `objs` (instances of `model` in the workspace) by id.

    One statement, run for every object (executemany: pipelined on PostgreSQL). Django's
    bulk_update writes one CASE expression per field naming every object, which the
    database evaluates for each row, and builds thousands of ORM expressions to do it:
    updating 20,000 customers so took 70 s.
    """
    if not objs:
        return
    quote = connection.ops.quote_name
    by_name = {key: f for f in model._meta.concrete_fields for key in (f.name, f.attname)}
    concrete = [by_name[name] for name in fields]
    # Only names of our own table and columns go into the SQL text.
    sets = ", ".join(f"{quote(field.column or '')} = %s" for field in concrete)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {sets}"  # noqa: S608
        f" WHERE {quote('id')} = %s AND {quote('workspace_id')} = %s"
    )
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in concrete]
        + [obj.pk, workspace_id]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
