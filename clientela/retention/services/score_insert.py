"""Insert one chunk of score rows, column by column: on PostgreSQL a binary COPY into a
staging table and one INSERT ... SELECT, elsewhere executemany.

The columns and what kind of value each holds are `models.SCORE_COLUMNS`; everything here
(the column list, the staging table, the COPY layout, the SELECT that turns staged values into
score columns, and the rows for executemany) is derived from that one list, per kind.

`bulk_create` prepares every value of every row through its field, and psycopg's COPY
`write_row` adapts each value in Python; at a million customers either costs more than the
statistics. The binary COPY data are laid out by numpy, and PostgreSQL turns NaN into NULL,
indexes into segment codes, cents into the numeric and day numbers into dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import numpy as np
from django.db import connection

from clientela.retention.models import (
    SCORE_COLUMNS,
    SCORE_RUN_COLUMNS,
    CustomerScore,
    ScoreColumn,
    ScoreKind,
    Segment,
)

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_STAGE = "retention_score_stage"


@dataclass(frozen=True)
class ScoreChunk:
    """One chunk of score rows. `run` holds the value of each of `SCORE_RUN_COLUMNS` (the same
    for every row), `columns` an array per name of `SCORE_COLUMNS`, all of one length; a FLOAT
    column is None when the run has no fitted model (NULL for every row), and NaN is NULL."""

    run: dict[str, Any]
    columns: dict[str, np.ndarray | None]

    def __post_init__(self) -> None:
        # Where the writer's names meet the list: a column it forgot, or one the list does not
        # have, stops the refresh here rather than writing a row short.
        if set(self.run) != set(SCORE_RUN_COLUMNS):
            raise ValueError(f"run columns {sorted(self.run)} are not {SCORE_RUN_COLUMNS}")
        if set(self.columns) != {c.name for c in SCORE_COLUMNS}:
            raise ValueError(f"score columns {sorted(self.columns)} are not SCORE_COLUMNS")

    @property
    def size(self) -> int:
        ids = self.columns["customer_id"]
        assert ids is not None
        return int(ids.size)

    def fixed(self) -> list[Any]:
        return [self.run[name] for name in SCORE_RUN_COLUMNS]

    def rows(self) -> list[tuple[Any, ...]]:
        """Python values, for drivers without COPY."""
        n = self.size
        columns = [_python(c, self.columns[c.name], n) for c in SCORE_COLUMNS]
        fixed = tuple(self.fixed())
        return [(*fixed, *row) for row in zip(*columns, strict=True)]

    def copy_binary(self) -> tuple[bytes, list[str]]:
        """The chunk as PostgreSQL binary COPY data for the staging table (every field
        fixed-width, NaN for NULL, segments as 1-based indexes into the returned labels), built
        by numpy without a Python loop over rows. Format: PostgreSQL docs, COPY, "Binary
        Format"."""
        n = self.size
        # Every segment is one of Segment's names: a binary search among those few per row.
        labels = np.array(sorted(Segment.values))
        layout = [("count", ">i2")]
        for column in SCORE_COLUMNS:
            layout += [(f"{column.name}_size", ">i4"), (column.name, _BINARY[column.kind].dtype)]
        rows = np.empty(n, dtype=np.dtype(layout))
        rows["count"] = len(SCORE_COLUMNS)
        for column in SCORE_COLUMNS:
            rows[f"{column.name}_size"] = np.dtype(_BINARY[column.kind].dtype).itemsize
            rows[column.name] = _binary(column, self.columns[column.name], n, labels)
        header = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8  # signature, flags, extension
        return header + rows.tobytes() + b"\xff\xff", [str(v) for v in labels.tolist()]


def _python(column: ScoreColumn, values: np.ndarray | None, n: int) -> list[Any]:
    if column.kind is ScoreKind.FLOAT:
        if values is None:
            return [None] * n
        return [None if v != v else v for v in values.tolist()]  # NaN → NULL
    if values is None:
        raise ValueError(f"{column.name} cannot be NULL")
    if column.kind is ScoreKind.MONEY:
        return [Decimal(f"{v:.2f}") for v in values.tolist()]
    if column.kind is ScoreKind.DAY:
        return [dt.date.fromordinal(d + _EPOCH_ORDINAL) for d in values.tolist()]
    return cast("list[Any]", values.tolist())


def _binary(column: ScoreColumn, values: np.ndarray | None, n: int, labels: np.ndarray) -> Any:
    if column.kind is ScoreKind.FLOAT:
        return np.full(n, np.nan) if values is None else values
    if values is None:
        raise ValueError(f"{column.name} cannot be NULL")
    if column.kind is ScoreKind.SEGMENT:
        return np.searchsorted(labels, values) + 1
    if column.kind is ScoreKind.MONEY:
        return np.rint(values * 100.0)  # cents
    return values


@dataclass(frozen=True)
class _Staged:
    """How a kind of column travels through the staging table."""

    dtype: str  # its binary COPY field, big-endian
    stage: str  # its type in the staging table
    select: str  # the expression of the score column over the staged one ({} is its name)


_BINARY = {
    ScoreKind.INTEGER: _Staged(">i8", "bigint", "{}"),
    ScoreKind.SMALL: _Staged(">i4", "integer", "{}"),
    ScoreKind.FLOAT: _Staged(">f8", "float8", "NULLIF({}, 'NaN')"),
    ScoreKind.SEGMENT: _Staged(">i4", "integer", "(%s::text[])[{}]"),  # the labels, bound
    ScoreKind.MONEY: _Staged(">i8", "bigint", "{} / 100.0"),  # cents
    ScoreKind.DAY: _Staged(">i4", "integer", "date '1970-01-01' + {}"),
}


def _stage_sql() -> tuple[str, str]:
    """The staging table of a chunk (one per connection, emptied at each commit) and the
    SELECT of score rows from it, the run's values as the first parameters."""
    quote = connection.ops.quote_name
    create = (
        f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} ("
        + ", ".join(f"{quote(c.name)} {_BINARY[c.kind].stage}" for c in SCORE_COLUMNS)
        + ") ON COMMIT DELETE ROWS"
    )
    run = ", ".join(["%s"] * len(SCORE_RUN_COLUMNS))
    scores = ", ".join(_BINARY[c.kind].select.format(quote(c.name)) for c in SCORE_COLUMNS)
    select = f"SELECT {run}, {scores} FROM {_STAGE}"  # noqa: S608 (names from SCORE_COLUMNS)
    return create, select


def insert_scores(chunk: ScoreChunk) -> None:
    """Insert the chunk's rows into CustomerScore, in the current transaction."""
    table = connection.ops.quote_name(CustomerScore._meta.db_table)
    names = ", ".join(
        connection.ops.quote_name(c) for c in (*SCORE_RUN_COLUMNS, *(c.name for c in SCORE_COLUMNS))
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            data, labels = chunk.copy_binary()
            create, select = _stage_sql()
            segments = sum(c.kind is ScoreKind.SEGMENT for c in SCORE_COLUMNS)
            # The chunk and the run's cursor commit together: a crash that loses the commit
            # loses both, and the run resumes after its last durable chunk. No need to wait
            # for the WAL flush of each chunk.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute(create)
            with cursor.cursor.copy(f"COPY {_STAGE} FROM STDIN WITH (FORMAT binary)") as copy:
                copy.write(data)
            cursor.execute(
                f"INSERT INTO {table} ({names}) {select}",
                [*chunk.fixed(), *[labels] * segments],
            )
            # Empty also within an outer transaction, where ON COMMIT does not come between chunks.
            cursor.execute(f"TRUNCATE {_STAGE}")
        else:
            marks = ", ".join(["%s"] * (len(SCORE_RUN_COLUMNS) + len(SCORE_COLUMNS)))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, chunk.rows())
