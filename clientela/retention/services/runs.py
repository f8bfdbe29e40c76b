"""A retention refresh: summary in SQL, fit, scores written in chunks, then published.

Life of a run: `queued` → `running` → `succeeded` | `refused` | `failed`.

1. Fit phase. The database summarises the counted orders up to `as_of` (and up to the newest
   order id seen at the start, so a resumed run sees the same data). Too little data: the fit
   is *refused* and the reason stored; the run still writes RFM scores and segments, unless the
   current scores come from a fitted model, which then stay. A fit that does not converge
   *fails*: nothing is written.
2. Write phase. Scores are inserted in chunks of customers ordered by id, one transaction per
   chunk that also moves the run's cursor (`last_customer_id`) and progress. An interrupted run
   (killed worker, expired lease) continues after its last chunk on the next call, with the
   parameters it already fitted.
3. Publish. In one transaction the run becomes the workspace's current run, the scores of
   earlier runs are deleted and the dashboard's figures over its scores are stored on it.
   Until then readers keep seeing the previous run's scores whole: nobody ever sees half a
   refresh, and a failure at any point leaves the previous scores.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.retention import engine, reports
from clientela.retention.models import (
    CustomerScore,
    RetentionModel,
    RetentionRun,
    RunStatus,
    Segment,
)
from clientela.retention.policy import RETENTION_REFRESH
from clientela.retention.reasons import NUMERICAL_ERROR, UNKNOWN_MODEL, error_text, reason_text
from clientela.retention.selectors import (
    PurchaseSummary,
    data_fingerprint,
    purchase_summary,
)
from clientela.retention.services.scoring import ScoreTable, model_inputs, score_table
from clientela.retention.services.settings import retention_settings_for
from clientela.retention.stats import rfm
from clientela.timeline.services import event_record

logger = logging.getLogger(__name__)

CHUNK_SIZE = 20_000
LEASE = dt.timedelta(minutes=15)
ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()

Progress = Callable[[int, int], None]


class RetentionError(ValueError):
    """A request the engine cannot carry out; `code` and `values` say why (see `reasons`),
    str() words it in the active language."""

    def __init__(self, code: str, **values: Any) -> None:
        self.code, self.values = code, values
        super().__init__(code)

    def __str__(self) -> str:
        return error_text(self.code, self.values)


def retention_run_request(
    *, workspace: Workspace, actor: User | None, model: str = RetentionModel.BGNBD
) -> RetentionRun:
    """A queued run for the workspace, or the one already queued or running (one at a time)."""
    permit(actor=actor, workspace=workspace, rule=RETENTION_REFRESH)
    if model not in RetentionModel.values:
        raise RetentionError(UNKNOWN_MODEL, model=model)
    active = RetentionRun.objects.for_workspace(workspace).filter(status__in=ACTIVE).first()
    if active is not None:
        return active
    try:
        with transaction.atomic():
            run = RetentionRun.objects.create(workspace=workspace, model=model, requested_by=actor)
            event_record(
                workspace=workspace,
                actor=actor,
                kind="retention.run_requested",
                subject=run,
                new={"model": model, "status": run.status},
            )
    except IntegrityError:
        # Someone else queued one between our check and our insert: theirs is ours.
        return RetentionRun.objects.for_workspace(workspace).get(status__in=ACTIVE)
    return run


def retention_refresh(
    *,
    workspace: Workspace,
    actor: User | None,
    model: str = RetentionModel.BGNBD,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> RetentionRun:
    """Run (or resume) a refresh now, in this process. The CLI and the tasks call this."""
    run = retention_run_request(workspace=workspace, actor=actor, model=model)
    return retention_run_execute(run=run, progress=progress, chunk_size=chunk_size)


def _claim(run: RetentionRun) -> bool:
    """Take the run for this process: queued, or running under an expired (or no) lease."""
    now = timezone.now()
    claimed = (
        RetentionRun.objects.filter(pk=run.pk, status__in=ACTIVE)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(status=RunStatus.RUNNING, lease_until=now + LEASE)
    )
    run.refresh_from_db()
    if claimed and run.started_at is None:
        run.started_at = now
        run.save(update_fields=["started_at"])
    return bool(claimed)


def retention_run_execute(
    *,
    run: RetentionRun,
    chunk_size: int = CHUNK_SIZE,
    max_chunks: int | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> RetentionRun:
    """Carry the run as far as it goes. `max_chunks` stops after that many chunks of this
    call and leaves the run resumable (as a killed worker would). Returns the run as saved."""
    if not _claim(run):
        return run
    try:
        summary: PurchaseSummary | None = None
        if not (run.fitted or run.reason):
            summary = _fit_phase(run, today or _local_today(run.workspace))
            if summary is None:
                return run
        if summary is None:
            assert run.as_of is not None
            summary = purchase_summary(
                run.workspace, as_of=run.as_of, max_order_id=run.max_order_id
            )
        if _write_phase(run, summary, chunk_size, max_chunks, progress):
            _publish(run)
    except Exception as exc:
        logger.exception("Retention run %s failed", run.pk)
        _finish(run, RunStatus.FAILED, reason=f"{type(exc).__name__}: {exc}")
    return run


def _local_today(workspace: Workspace) -> dt.date:
    from zoneinfo import ZoneInfo

    return timezone.now().astimezone(ZoneInfo(workspace.time_zone)).date()


def _fit_phase(run: RetentionRun, today: dt.date) -> PurchaseSummary | None:
    """Summarise and fit. Returns the summary to write, or None when the run is over."""
    fingerprint, max_order_id = data_fingerprint(run.workspace)
    summary = purchase_summary(run.workspace, as_of=today, max_order_id=max_order_id)
    run.as_of, run.max_order_id, run.data_fingerprint = today, max_order_id, fingerprint
    run.progress_total = summary.size
    inputs = model_inputs(summary)
    readiness = rfm.fit_readiness(inputs.x, inputs.t_x, inputs.T, unit="weeks")
    if not readiness.ok:
        assert readiness.code is not None
        _set_reason(run, readiness.code, readiness.values)
        current = RetentionRun.objects.current(run.workspace)
        if current is not None and current.fitted:
            _finish(run, RunStatus.REFUSED)  # the fitted model's scores stay current
            return None
        _save(
            run,
            "as_of",
            "max_order_id",
            "data_fingerprint",
            "progress_total",
            "reason",
            "reason_code",
            "reason_values",
        )
        return summary
    try:
        fit = engine.fit(run.model, inputs.x, inputs.t_x, inputs.T)
    except engine.FitFailed as exc:
        _set_reason(run, exc.code, exc.values)
        _finish(run, RunStatus.FAILED)
        return None
    except (ArithmeticError, ValueError) as exc:
        _set_reason(run, NUMERICAL_ERROR, {})
        _finish(run, RunStatus.FAILED, reason=f"{type(exc).__name__}: {exc}")
        return None
    run.fitted, run.parameters, run.log_likelihood = True, fit.parameters, fit.log_likelihood
    run.warnings = [{"code": w.code, "values": w.values} for w in fit.warnings]
    run.spend_parameters = _spend_parameters(inputs.x, inputs.zbar)
    settings = retention_settings_for(run.workspace)
    run.clv_margin, run.clv_annual_discount = settings.clv_margin, settings.clv_annual_discount
    _save(
        run,
        "clv_margin",
        "clv_annual_discount",
        "as_of",
        "max_order_id",
        "data_fingerprint",
        "progress_total",
        "fitted",
        "parameters",
        "log_likelihood",
        "warnings",
        "spend_parameters",
    )
    return summary


def _set_reason(run: RetentionRun, code: str, values: dict[str, Any]) -> None:
    # The code and numbers are worded for each reader; the English text is for the timeline
    # and the logs, which are read by whoever runs the install.
    # JSON has no NaN (PostgreSQL refuses it): a non-finite number is stored as null.
    run.reason_code = code
    run.reason_values = {
        k: None if isinstance(v, float) and not np.isfinite(v) else v for k, v in values.items()
    }
    with translation.override("en"):
        run.reason = reason_text(code, values)


def _spend_parameters(x: np.ndarray, zbar: np.ndarray) -> dict[str, float]:
    # Without a spend model, CLV uses each customer's own mean spend (see scoring._spend).
    if int(((x > 0) & (zbar > 0)).sum()) < rfm.MIN_REPEAT_CUSTOMERS:
        return {}
    try:
        spend = engine.spend_fit(x, zbar)
    except (engine.FitFailed, ArithmeticError, ValueError):
        return {}
    return {**spend.parameters, "log_likelihood": spend.log_likelihood}


def _save(run: RetentionRun, *fields: str) -> None:
    run.save(update_fields=list(fields))


def _write_phase(
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
            RetentionRun.objects.filter(pk=run.pk).update(lease_until=None)
            run.lease_until = None
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


def _floats(values: np.ndarray | None, lo: int, hi: int) -> list[float | None]:
    if values is None:
        return [None] * (hi - lo)
    return [None if v != v else v for v in values[lo:hi].tolist()]  # NaN → NULL


@transaction.atomic
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
    model = (table.p_alive, table.expected_90d, table.expected_365d, table.expected_spend)
    columns = _ScoreColumns(
        fixed=(
            run.workspace_id,
            run.pk,
            connection.ops.adapt_datetimefield_value(now),
            run.model if run.fitted else "",
            run.data_fingerprint,
        ),
        customer_id=ids,
        p_alive=None if table.p_alive is None else table.p_alive[lo:hi],
        p_alive_previous=None if previous is None else previous.lookup(ids),
        expected_90d=None if model[1] is None else model[1][lo:hi],
        expected_365d=None if model[2] is None else model[2][lo:hi],
        expected_spend=None if model[3] is None else model[3][lo:hi],
        clv=None if table.clv is None else table.clv[lo:hi],
        segment=table.segment[lo:hi],
        recency_score=table.recency_score[lo:hi],
        frequency_score=table.frequency_score[lo:hi],
        monetary_score=table.monetary_score[lo:hi],
        overdue_ratio=table.overdue_ratio[lo:hi],
        purchases=summary.purchases[lo:hi],
        total_spend=summary.total_spend[lo:hi],
        first_day=summary.first_day[lo:hi],
        last_day=summary.last_day[lo:hi],
    )
    _insert_scores(columns)
    run.progress_done, run.last_customer_id = hi, int(ids[-1])
    run.lease_until = now + LEASE
    _save(run, "progress_done", "last_customer_id", "lease_until")


@dataclass(frozen=True)
class _ScoreColumns:
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


def _insert_scores(columns: _ScoreColumns) -> None:
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


@transaction.atomic
def _publish(run: RetentionRun) -> None:
    # Through the runs (and the (run, customer) index): the scores have no workspace index.
    earlier = RetentionRun.objects.for_workspace(run.workspace).exclude(pk=run.pk)
    CustomerScore.objects.for_workspace(run.workspace).filter(run__in=earlier).delete()
    # The scores are final now: the dashboard's figures are computed once here, not per view.
    run.dashboard = reports.dashboard_snapshot(run)
    _finish(run, RunStatus.REFUSED if run.reason else RunStatus.SUCCEEDED, published=True)


def _finish(
    run: RetentionRun, status: RunStatus, *, reason: str | None = None, published: bool = False
) -> None:
    old = run.status
    run.status, run.published = status, published
    if reason is not None:
        run.reason = reason[:2000]
    run.finished_at, run.lease_until = timezone.now(), None
    run.save()
    event_record(
        workspace=run.workspace,
        kind=f"retention.run_{status}",
        subject=run,
        old={"status": old},
        new={
            "status": status,
            "scored": run.progress_done if published else 0,
            "reason": run.reason,
            "warnings": [w["code"] for w in run.warnings],
        },
    )
