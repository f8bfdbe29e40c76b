"""The write phase of a refresh: every customer's scores, in chunks ordered by customer id.

Each chunk is one transaction that also moves the run's cursor (`last_customer_id`) and
progress and renews its lease, so an interrupted run (killed worker, expired lease) continues
after its last chunk on the next call, with the parameters it already fitted; a worker whose
lease another has taken writes nothing more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.utils import timezone

from clientela.clock.leases import lease_atomic
from clientela.retention import engine
from clientela.retention.models import CustomerScore, RetentionRun
from clientela.retention.selectors import PurchaseSummary
from clientela.retention.services.lifecycle import retention_run_heartbeat, retention_run_pause
from clientela.retention.services.score_insert import ScoreChunk, insert_scores
from clientela.retention.services.scoring import ScoreTable, score_table

Progress = Callable[[int, int], None]


def write_phase(
    run: RetentionRun,
    summary: PurchaseSummary,
    chunk_size: int,
    max_chunks: int | None,
    progress: Progress | None,
) -> bool:
    """Write the chunks after the cursor; True when all are written."""
    table = score_table(
        summary,
        model=run.model,
        parameters=run.parameters if run.fitted else None,
        spend_parameters=run.spend_parameters,
        margin=float(run.clv_margin if run.clv_margin is not None else engine.CLV_MARGIN),
        annual_discount=float(
            engine.CLV_ANNUAL_DISCOUNT
            if run.clv_annual_discount is None
            else run.clv_annual_discount
        ),
    )
    previous = _previous_alive(run)
    start = int(np.searchsorted(summary.customer_id, run.last_customer_id, side="right"))
    for done, lo in enumerate(range(start, summary.size, chunk_size)):
        if max_chunks is not None and done >= max_chunks:
            retention_run_pause(run)
            return False
        _write_chunk(run, summary, table, lo, min(lo + chunk_size, summary.size), previous)
        if progress is not None:
            progress(run.progress_done, run.progress_total)
    return True


@dataclass(frozen=True)
class _Previous:
    """P(alive) of each customer in the current fitted run, by customer id."""

    customer_id: np.ndarray
    p_alive: np.ndarray

    def lookup(self, ids: np.ndarray) -> np.ndarray:
        """P(alive) for `ids` (NaN where the previous run has none)."""
        found = np.full(ids.size, np.nan)
        if self.customer_id.size:
            at = np.minimum(np.searchsorted(self.customer_id, ids), self.customer_id.size - 1)
            hit = self.customer_id[at] == ids
            found[hit] = self.p_alive[at[hit]]
        return found


def _previous_alive(run: RetentionRun) -> _Previous | None:
    """The current run's P(alive) per customer, read once for the whole write (one scan of
    the run's rows, not one range query per chunk)."""
    previous = RetentionRun.objects.current(run.workspace)
    if previous is None or not previous.fitted:
        return None
    table = connection.ops.quote_name(CustomerScore._meta.db_table)
    parts: list[np.ndarray] = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT customer_id, p_alive FROM {table} WHERE run_id = %s"  # noqa: S608
            " ORDER BY customer_id",
            [previous.pk],
        )
        while rows := cursor.fetchmany(50_000):
            parts.append(np.array(rows, dtype=float).reshape(-1, 2))  # NULL → NaN
    both = np.concatenate(parts) if parts else np.zeros((0, 2))
    return _Previous(both[:, 0].astype(np.int64), both[:, 1])


def _write_chunk(
    run: RetentionRun,
    summary: PurchaseSummary,
    table: ScoreTable,
    lo: int,
    hi: int,
    previous: _Previous | None,
) -> None:
    ids = summary.customer_id[lo:hi]
    now = timezone.now()
    with lease_atomic(run):
        # The lease first: a worker that lost the run stops here, before writing its rows.
        run.progress_done, run.last_customer_id = hi, int(ids[-1])
        retention_run_heartbeat(run, "progress_done", "last_customer_id", now=now)
        insert_scores(_chunk(run, summary, table, lo, hi, previous, now))


def _chunk(
    run: RetentionRun,
    summary: PurchaseSummary,
    table: ScoreTable,
    lo: int,
    hi: int,
    previous: _Previous | None,
    now: dt.datetime,
) -> ScoreChunk:
    """The rows of customers lo..hi, named as the columns of CustomerScore."""
    ids = summary.customer_id[lo:hi]

    def part(values: np.ndarray | None) -> np.ndarray | None:
        return None if values is None else values[lo:hi]

    return ScoreChunk(
        run={
            "workspace_id": run.workspace_id,
            "run_id": run.pk,
            "scored_at": connection.ops.adapt_datetimefield_value(now),
            "model_name": run.model if run.fitted else "",
            "data_version": run.data_fingerprint,
        },
        columns={
            "customer_id": ids,
            "p_alive": part(table.p_alive),
            "p_alive_previous": None if previous is None else previous.lookup(ids),
            "expected_purchases_90d": part(table.expected_90d),
            "expected_purchases_365d": part(table.expected_365d),
            "expected_spend": part(table.expected_spend),
            "clv": part(table.clv),
            "segment": part(table.segment),
            "recency_score": part(table.recency_score),
            "frequency_score": part(table.frequency_score),
            "monetary_score": part(table.monetary_score),
            "overdue_ratio": part(table.overdue_ratio),
            "purchases": part(summary.purchases),
            "total_spend": part(summary.total_spend),
            "first_purchase": part(summary.first_day),
            "last_purchase": part(summary.last_day),
        },
    )
