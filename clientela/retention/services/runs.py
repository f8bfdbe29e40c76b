"""A retention refresh: summary in SQL, fit, scores written in chunks, then published.

Life of a run: `queued` → `running` → `succeeded` | `refused` | `failed`.

1. Fit phase (`fit`). The database summarises the counted orders up to `as_of` (and up to the
   newest order id seen at the start, so a resumed run sees the same data). Too little data:
   the fit is *refused* and the reason stored; the run still writes RFM scores and segments,
   unless the current scores come from a fitted model, which then stay. A fit that does not
   converge *fails*: nothing is written.
2. Write phase (`writing`). Scores are inserted in chunks of customers ordered by id, one
   transaction per chunk that also moves the run's cursor (`last_customer_id`) and progress.
   An interrupted run (killed worker, expired lease) continues after its last chunk on the
   next call, with the parameters it already fitted.
3. Publish (`lifecycle.retention_run_publish`). In one transaction the run becomes the
   workspace's current run, the scores of earlier runs are deleted and the dashboard's figures
   over its scores are stored on it. Until then readers keep seeing the previous run's scores
   whole: nobody ever sees half a refresh, and a failure at any point leaves the previous
   scores.

A worker carries the run under a lease (`clientela.clock.leases`): each saved step renews it,
and a worker that stalled past its lease, which another then took over, stops there.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.clock.leases import LeaseLost
from clientela.retention.models import AUTOMATIC, RetentionModel, RetentionRun, RunStatus
from clientela.retention.policy import RETENTION_REFRESH
from clientela.retention.reasons import UNKNOWN_MODEL, error_text
from clientela.retention.selectors import PurchaseSummary, purchase_summary
from clientela.retention.services.choosing import REQUESTED
from clientela.retention.services.fit import fit_phase, local_today
from clientela.retention.services.lifecycle import (
    retention_run_claim,
    retention_run_fail,
    retention_run_publish,
)
from clientela.retention.services.writing import Progress, write_phase
from clientela.timeline.services import event_record

logger = logging.getLogger(__name__)

CHUNK_SIZE = 20_000
ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


class RetentionError(ValueError):
    """A request the engine cannot carry out; `code` and `values` say why (see `reasons`),
    str() words it in the active language."""

    def __init__(self, code: str, **values: Any) -> None:
        self.code, self.values = code, values
        super().__init__(code)

    def __str__(self) -> str:
        return error_text(self.code, self.values)


def retention_run_request(
    *, workspace: Workspace, actor: User | None, model: str | None = None
) -> RetentionRun:
    """A queued run for the workspace, or the one already queued or running (one at a time).
    A `model` named here is the one the run fits; without one the run takes the settings'
    (the model a manager pinned, or the best on the shop's holdout: `choosing`)."""
    permit(actor=actor, workspace=workspace, rule=RETENTION_REFRESH)
    if model is not None and model not in RetentionModel.values:
        raise RetentionError(UNKNOWN_MODEL, model=model)
    named = {"model": model, "model_choice": {"mode": REQUESTED}} if model else {}
    active = RetentionRun.objects.for_workspace(workspace).filter(status__in=ACTIVE).first()
    if active is not None:
        return active
    try:
        with transaction.atomic():
            run = RetentionRun.objects.create(workspace=workspace, requested_by=actor, **named)
            event_record(
                workspace=workspace,
                actor=actor,
                kind="retention.run_requested",
                subject=run,
                new={"model": model or AUTOMATIC, "status": run.status},
            )
    except IntegrityError:
        # Someone else queued one between our check and our insert: theirs is ours.
        return RetentionRun.objects.for_workspace(workspace).get(status__in=ACTIVE)
    return run


def retention_refresh(
    *,
    workspace: Workspace,
    actor: User | None,
    model: str | None = None,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> RetentionRun:
    """Run (or resume) a refresh now, in this process. The CLI and the tasks call this."""
    run = retention_run_request(workspace=workspace, actor=actor, model=model)
    return retention_run_execute(run=run, progress=progress, chunk_size=chunk_size)


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
    if not retention_run_claim(run):
        return run
    try:
        summary: PurchaseSummary | None = None
        if not (run.fitted or run.reason):
            summary = fit_phase(run, today or local_today(run.workspace))
            if summary is None:
                return run
        if summary is None:
            assert run.as_of is not None
            summary = purchase_summary(
                run.workspace, as_of=run.as_of, max_order_id=run.max_order_id
            )
        if write_phase(run, summary, chunk_size, max_chunks, progress):
            retention_run_publish(run)
    except LeaseLost:
        _left(run)
    except Exception as exc:
        logger.exception("Retention run %s failed", run.pk)
        try:
            retention_run_fail(run, reason=f"{type(exc).__name__}: {exc}")
        except LeaseLost:
            _left(run)
    return run


def _left(run: RetentionRun) -> None:
    # Our lease ran out and another worker took the run over: it carries on from the last
    # chunk saved, and this process shows the run as that worker has it.
    logger.warning("Retention run %s was taken over by another worker", run.pk)
    run.refresh_from_db()
