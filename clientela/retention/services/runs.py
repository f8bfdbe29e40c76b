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
3. Publish. In one transaction the run becomes the workspace's current run and the scores of
   earlier runs are deleted. Until then readers keep seeing the previous run's scores whole:
   nobody ever sees half a refresh, and a failure at any point leaves the previous scores.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation

from clientela.accounts.models import User, Workspace
from clientela.retention import engine
from clientela.retention.models import CustomerScore, RetentionModel, RetentionRun, RunStatus
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

CHUNK_SIZE = 5000
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


def retention_refresh_enqueue(
    *, workspace: Workspace, actor: User | None, model: str = RetentionModel.BGNBD
) -> RetentionRun:
    """Queue a refresh for a worker (the web button and the API)."""
    from clientela.retention.tasks import retention_run_task

    run = retention_run_request(workspace=workspace, actor=actor, model=model)
    transaction.on_commit(lambda: retention_run_task.enqueue(run.pk))
    return run


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
    previous = RetentionRun.objects.current(run.workspace)
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


def _column(values: np.ndarray | None, lo: int, hi: int) -> list[float | None]:
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
    previous: RetentionRun | None,
) -> None:
    ids = summary.customer_id[lo:hi].tolist()
    before: dict[int, float | None] = {}
    if previous is not None and previous.fitted:
        before = dict(
            CustomerScore.objects.filter(
                run=previous, customer_id__gte=ids[0], customer_id__lte=ids[-1]
            ).values_list("customer_id", "p_alive")
        )
    now = timezone.now()
    model_name = run.model if run.fitted else ""
    columns = zip(
        ids,
        _column(table.p_alive, lo, hi),
        _column(table.expected_90d, lo, hi),
        _column(table.expected_365d, lo, hi),
        _column(table.expected_spend, lo, hi),
        _column(table.clv, lo, hi),
        table.segment[lo:hi].tolist(),
        table.recency_score[lo:hi].tolist(),
        table.frequency_score[lo:hi].tolist(),
        table.monetary_score[lo:hi].tolist(),
        _column(table.overdue_ratio, lo, hi),
        summary.purchases[lo:hi].tolist(),
        summary.total_spend[lo:hi].tolist(),
        summary.first_day[lo:hi].tolist(),
        summary.last_day[lo:hi].tolist(),
        strict=True,
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    fixed = (run.workspace_id, run.pk, stamp, model_name, run.data_fingerprint)
    rows = [
        (
            *fixed,
            cid,
            alive,
            before.get(cid),
            e90,
            e365,
            spend,
            value,
            segment,
            r,
            f,
            m,
            overdue,
            n,
            Decimal(f"{total:.2f}"),
            dt.date.fromordinal(first + _EPOCH_ORDINAL),
            dt.date.fromordinal(last + _EPOCH_ORDINAL),
        )
        for (
            cid,
            alive,
            e90,
            e365,
            spend,
            value,
            segment,
            r,
            f,
            m,
            overdue,
            n,
            total,
            first,
            last,
        ) in columns
    ]
    _insert_scores(rows)
    run.progress_done, run.last_customer_id = hi, ids[-1]
    run.lease_until = now + LEASE
    _save(run, "progress_done", "last_customer_id", "lease_until")


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


def _insert_scores(rows: list[tuple[Any, ...]]) -> None:
    """Insert score rows as they are: COPY on PostgreSQL, executemany elsewhere.

    `bulk_create` prepares every value of every row through its field (20 per row), which
    costs more than the statistics at a million customers; the values here are already
    what the columns hold (numbers, text, dates, a Decimal).
    """
    table = connection.ops.quote_name(CustomerScore._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in _SCORE_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(_SCORE_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


@transaction.atomic
def _publish(run: RetentionRun) -> None:
    CustomerScore.objects.for_workspace(run.workspace).exclude(run=run).delete()
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
