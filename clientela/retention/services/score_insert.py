"""Insert one chunk of score rows, column by column: on PostgreSQL a binary COPY into a
staging table and one INSERT ... SELECT, elsewhere executemany."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import connection

from clientela.retention.models import CustomerScore, Segment

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _floats(values: np.ndarray | None, lo: int, hi: int) -> list[float | None]:
    if values is None:
        return [None] * (hi - lo)
    return [None if v != v else v for v in values[lo:hi].tolist()]  # NaN → NULL


@dataclass(frozen=True)
class ScoreChunk:
    """One chunk of score rows, column by column, in the order of `_SCORE_COLUMNS`; a model
    column is None when the run has no fitted model (NULL for every row), NaN is NULL."""

    fixed: tuple[Any, ...]  # workspace, run, scored_at, model name, data version
    customer_id: np.ndarray
    p_alive: np.ndarray | None
    p_alive_previous: np.ndarray | None
    expected_90d: np.ndarray | None
    expected_365d: np.ndarray | None
    expected_spend: np.ndarray | None
    clv: np.ndarray | None
    segment: np.ndarray
    recency_score: np.ndarray
    frequency_score: np.ndarray
    monetary_score: np.ndarray
    overdue_ratio: np.ndarray
    purchases: np.ndarray
    total_spend: np.ndarray
    first_day: np.ndarray
    last_day: np.ndarray

    @property
    def size(self) -> int:
        return int(self.customer_id.size)

    def floats(self) -> list[np.ndarray | None]:
        return [
            self.p_alive,
            self.p_alive_previous,
            self.expected_90d,
            self.expected_365d,
            self.expected_spend,
            self.clv,
        ]

    def rows(self) -> list[tuple[Any, ...]]:
        """Python values, for drivers without COPY."""
        n = self.size
        floats = [_floats(v, 0, n) for v in self.floats()]
        first = [dt.date.fromordinal(d + _EPOCH_ORDINAL) for d in self.first_day.tolist()]
        last = [dt.date.fromordinal(d + _EPOCH_ORDINAL) for d in self.last_day.tolist()]
        columns = zip(
            self.customer_id.tolist(),
            *floats,
            self.segment.tolist(),
            self.recency_score.tolist(),
            self.frequency_score.tolist(),
            self.monetary_score.tolist(),
            _floats(self.overdue_ratio, 0, n),
            self.purchases.tolist(),
            [Decimal(f"{total:.2f}") for total in self.total_spend.tolist()],
            first,
            last,
            strict=True,
        )
        return [(*self.fixed, *row) for row in columns]

    def copy_binary(self) -> tuple[bytes, list[str]]:
        """The chunk as PostgreSQL binary COPY data for `_STAGE` (every field fixed-width,
        NaN for NULL, segments as 1-based indexes into the returned labels), built by numpy
        without a Python loop over rows. Format: PostgreSQL docs, COPY, "Binary Format"."""
        n = self.size
        # Every segment is one of Segment's names: a binary search among those few per row.
        labels = np.array(sorted(Segment.values))
        segment = np.searchsorted(labels, self.segment)

        def floats(values: np.ndarray | None) -> np.ndarray:
            return np.full(n, np.nan) if values is None else values

        fields: list[tuple[str, str, np.ndarray]] = [
            ("customer_id", ">i8", self.customer_id),
            *((f"f{i}", ">f8", floats(v)) for i, v in enumerate(self.floats())),
            ("segment", ">i4", segment + 1),
            ("recency_score", ">i4", self.recency_score),
            ("frequency_score", ">i4", self.frequency_score),
            ("monetary_score", ">i4", self.monetary_score),
            ("overdue_ratio", ">f8", self.overdue_ratio),
            ("purchases", ">i8", self.purchases),
            ("total_cents", ">i8", np.rint(self.total_spend * 100.0)),
            ("first_day", ">i4", self.first_day),
            ("last_day", ">i4", self.last_day),
        ]
        layout = [("count", ">i2")]
        for name, kind, _ in fields:
            layout += [(f"{name}_size", ">i4"), (name, kind)]
        rows = np.empty(n, dtype=np.dtype(layout))
        rows["count"] = len(fields)
        for name, kind, values in fields:
            rows[f"{name}_size"] = np.dtype(kind).itemsize
            rows[name] = values
        header = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8  # signature, flags, extension
        return header + rows.tobytes() + b"\xff\xff", [str(v) for v in labels.tolist()]


# The fixed-width staging table of a chunk (one per connection, emptied at each commit).
_STAGE = (
    "CREATE TEMP TABLE IF NOT EXISTS retention_score_stage (customer_id bigint,"
    " p_alive float8, p_alive_previous float8, expected_90d float8, expected_365d float8,"
    " expected_spend float8, clv float8, segment integer, recency_score integer,"
    " frequency_score integer, monetary_score integer, overdue_ratio float8, purchases bigint,"
    " total_cents bigint, first_day integer, last_day integer) ON COMMIT DELETE ROWS"
)
_FROM_STAGE = (
    " SELECT %s, %s, %s, %s, %s, customer_id, NULLIF(p_alive, 'NaN'),"
    " NULLIF(p_alive_previous, 'NaN'), NULLIF(expected_90d, 'NaN'),"
    " NULLIF(expected_365d, 'NaN'), NULLIF(expected_spend, 'NaN'), NULLIF(clv, 'NaN'),"
    " (%s::text[])[segment], recency_score, frequency_score, monetary_score,"
    " NULLIF(overdue_ratio, 'NaN'), purchases, total_cents / 100.0,"
    " date '1970-01-01' + first_day, date '1970-01-01' + last_day"
    " FROM retention_score_stage"
)


_SCORE_COLUMNS = (
    "workspace_id",
    "run_id",
    "scored_at",
    "model_name",
    "data_version",
    "customer_id",
    "p_alive",
    "p_alive_previous",
    "expected_purchases_90d",
    "expected_purchases_365d",
    "expected_spend",
    "clv",
    "segment",
    "recency_score",
    "frequency_score",
    "monetary_score",
    "overdue_ratio",
    "purchases",
    "total_spend",
    "first_purchase",
    "last_purchase",
)


def insert_scores(columns: ScoreChunk) -> None:
    """Insert a chunk of score rows: on PostgreSQL a binary COPY into a staging table and one
    INSERT ... SELECT, elsewhere executemany.

    `bulk_create` prepares every value of every row through its field, and psycopg's COPY
    `write_row` adapts each value in Python; at a million customers either costs more than
    the statistics. The binary COPY data are laid out by numpy, and PostgreSQL turns NaN into
    NULL, indexes into segment codes and cents into the numeric.
    """
    table = connection.ops.quote_name(CustomerScore._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in _SCORE_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            data, labels = columns.copy_binary()
            # The chunk and the run's cursor commit together: a crash that loses the commit
            # loses both, and the run resumes after its last durable chunk. No need to wait
            # for the WAL flush of each chunk.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute(_STAGE)
            with cursor.cursor.copy(
                "COPY retention_score_stage FROM STDIN WITH (FORMAT binary)"
            ) as copy:
                copy.write(data)
            cursor.execute(
                f"INSERT INTO {table} ({names})" + _FROM_STAGE,
                [*columns.fixed, labels],
            )
            # Empty also within an outer transaction, where ON COMMIT does not come between chunks.
            cursor.execute("TRUNCATE retention_score_stage")
        else:
            marks = ", ".join(["%s"] * len(_SCORE_COLUMNS))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, columns.rows())
