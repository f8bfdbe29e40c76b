"""The import on PostgreSQL: validation and writing at once, COPY, lookups by index probes.

The write pass takes no lock that the validator's progress updates wait for, so each
batch is written while the next ones are validated (`OVERLAP`; see `pipeline`).

Rows go in through COPY rather than multi-row INSERTs: an INSERT of thousands of
placeholders costs psycopg more to split and bind on the client than the server spends on
it (about 0.3 ms per row, the largest share of a big orders import). The ids COPY does not
return are taken from the table's sequence first, in one query, and written out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, cast

from django.db import OperationalError, connection, models, transaction

from clientela.accounts.models import Workspace
from clientela.commerce.models import Order
from clientela.customers.models import Customer, CustomerEmail
from clientela.imports.db.base import CustomerIdsFound, CustomersFound, Statistics
from clientela.imports.schema import OrderRow

OVERLAP = True
UTC_SUFFIX = "+00:00"  # PostgreSQL reads a moment in text with its offset

# A value of COPY's text format: backslash, tab and line ends escaped (no NUL reaches here:
# the reader refuses it).
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@contextmanager
def write_pass(outermost: bool) -> Iterator[None]:
    """Let the import's commit return before its WAL reaches the disk.

    Safe here: the job row is saved in a later, ordinary transaction, whose commit waits
    for the WAL up to and including the import's. A crash before that loses the import
    and leaves the job RUNNING, as a crash during the import would. SET LOCAL ends with
    the transaction; it is only set when the import's transaction is the outermost one.
    """
    if outermost:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    yield


def adapt_datetime(value: datetime) -> Any:
    """What Django itself stores on PostgreSQL: the aware datetime, adapted by psycopg."""
    return value


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


def insert_returning_ids(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """Insert `rows` (tuples in the order of `columns`); return the new ids in row order.

    By COPY, with ids taken from the table's sequence first (see the module's docstring).
    """
    new_ids = pg_next_ids(model, len(rows))
    _pg_copy(model, ("id", *columns), ((pk, *row) for pk, row in zip(new_ids, rows, strict=True)))
    return new_ids


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert `rows` (tuples in the order of `columns`) when their ids are not needed."""
    _pg_copy(model, columns, rows)


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
        if not count:
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


def statistics() -> Statistics:
    return PlannerStatistics()


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
        return cast("list[tuple[Any, ...]]", cursor.fetchall())


def customers_matching(
    workspace: Workspace, ext_ids: list[str], emails: list[str]
) -> CustomersFound:
    """By one index probe per key (see `pg_rows_by_key`).

    The `IN` lookups of the ORM let the planner, whose statistics predate the rows this
    import has written, read every customer of the workspace for each batch.
    """
    ws = workspace.pk
    fields = Customer._meta.concrete_fields
    names = [f.attname for f in fields]
    columns = [f.column for f in fields if f.column]

    def customers(column: str, keys: list[str] | list[int]) -> list[Customer]:
        rows = pg_rows_by_key(Customer, ws, column, keys, columns)
        return [Customer.from_db(connection.alias, names, row) for row in rows]

    by_ext: dict[str | None, Customer] = {
        c.external_id: c for c in customers("external_id", ext_ids)
    }
    owner_of: dict[str, int] = dict(
        pg_rows_by_key(CustomerEmail, ws, "address", emails, ("address", "customer_id"))
    )
    by_pk = {c.pk: c for c in by_ext.values()}
    missing = sorted(set(owner_of.values()) - set(by_pk))
    by_pk.update({c.pk: c for c in customers("id", missing)})
    return by_ext, owner_of, by_pk


def customer_ids_matching(
    workspace: Workspace, ext_ids: set[str], emails: set[str]
) -> CustomerIdsFound:
    """By one index probe per key (see `pg_rows_by_key`)."""
    ws = workspace.pk
    by_ext = pg_rows_by_key(Customer, ws, "external_id", sorted(ext_ids), ("external_id", "id"))
    owners = pg_rows_by_key(
        CustomerEmail, ws, "address", sorted(emails), ("address", "customer_id")
    )
    owner_pks = sorted({pk for _address, pk in owners})
    ext_of = dict(pg_rows_by_key(Customer, ws, "id", owner_pks, ("id", "external_id")))
    return by_ext, [(address, pk, ext_of[pk]) for address, pk in owners]


def orders_matching(
    workspace: Workspace, ids: list[str], fields: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """By one index probe per key (see `pg_rows_by_key`)."""
    names = ("pk", "external_id", *fields)
    rows = pg_rows_by_key(Order, workspace.pk, "external_id", ids, ("id", *names[1:]))
    return {row[1]: dict(zip(names, row, strict=True)) for row in rows}


# The columns of `copy_orders`, in the order its lines hold them.
ORDER_COPY_COLUMNS = (
    "id",
    "workspace_id",
    "external_id",
    "created_at",
    "customer_id",
    "placed_at",
    "status",
    "currency",
    "total",
)


def copy_orders(
    workspace: Workspace, rows: list[OrderRow], customer_of: dict[str, int], now: datetime
) -> list[int]:
    """PostgreSQL's COPY into the orders table: same rows as bulk_create, fewer round trips.

    COPY returns no ids, so they are taken from the table's sequence first and written out.
    `customer_of` gives the customer's pk of each row's `customer_key`.
    """
    ws, currency = workspace.pk, workspace.currency
    ids = pg_next_ids(Order, len(rows))
    created = now.isoformat()
    # COPY's text format, written here: psycopg's write_row costs ~6 µs a row to adapt
    # each value, more than all the rest of the row's writing. Only the external id is
    # free text (escaped); the other values are numbers, moments and codes we produced.
    data = "".join(
        [
            f"{pk}\t{ws}\t{row.external_id.translate(COPY_ESCAPES)}\t{created}\t"
            f"{customer_of[row.customer_key]}\t{row.placed_at}+00:00\t{row.status}\t"
            f"{row.currency or currency}\t{row.total}\n"
            for pk, row in zip(ids, rows, strict=True)
        ]
    )
    table = Order._meta.db_table
    with connection.cursor() as cursor:
        copy_sql = f"COPY {table} ({', '.join(ORDER_COPY_COLUMNS)}) FROM STDIN"
        with cursor.cursor.copy(copy_sql) as copy:
            copy.write(data)
    return ids
