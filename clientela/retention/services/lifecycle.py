"""The status transitions of retention runs and validation runs, one function each.

RetentionRun: `queued` → `running` → `succeeded` | `refused` | `failed`; a `running` run whose
lease ran out is claimed again (`running` → `running`) and resumes. ValidationRun: `queued` →
`running` → `succeeded` | `failed`, claimed again the same way.

Each transition out of `running` checks that the run is running (`RunStateError` otherwise)
and that this process still holds its lease (`LeaseLost` otherwise: another worker took it
over), and leaves one timeline row with the old and new status. The claim is a conditional
UPDATE (`clientela.clock.leases`), so two workers never carry the same run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.utils import timezone

from clientela.clock.leases import (
    LeaseLost,
    lease_atomic,
    lease_claim,
    lease_release,
    lease_renew,
)
from clientela.commerce.selectors import sales_figures
from clientela.customers.selectors import customers_count
from clientela.retention import reports
from clientela.retention.models import CustomerScore, RetentionRun, RunStatus, ValidationRun
from clientela.timeline.services import event_record

# A worker renews it with each chunk (or step) it saves; one that stops for this long is dead.
LEASE = dt.timedelta(minutes=15)

__all__ = [
    "LEASE",
    "LeaseLost",
    "RunStateError",
    "retention_run_claim",
    "retention_run_fail",
    "retention_run_heartbeat",
    "retention_run_pause",
    "retention_run_publish",
    "retention_run_refuse",
    "retention_validation_claim",
    "retention_validation_fail",
    "retention_validation_step",
    "retention_validation_succeed",
]


class RunStateError(RuntimeError):
    """A transition asked of a run that is not in the state it leaves from."""

    def __init__(self, run: RetentionRun | ValidationRun, to: str) -> None:
        self.run, self.to = run, to
        super().__init__(f"{type(run).__name__} #{run.pk} is {run.status}; it cannot become {to}")


def finite_values(values: dict[str, Any]) -> dict[str, Any]:
    """The numbers of a reason as JSON can keep them: JSON has no NaN (PostgreSQL refuses
    it), so a non-finite number is stored as null."""
    return {
        k: None if isinstance(v, float) and not np.isfinite(v) else v for k, v in values.items()
    }


def _require_running(run: RetentionRun | ValidationRun, to: str) -> None:
    if run.status != RunStatus.RUNNING:
        raise RunStateError(run, to)


def _lost(run: RetentionRun | ValidationRun) -> LeaseLost:
    return LeaseLost(f"{type(run).__name__} #{run.pk} is no longer held by this process")


# Retention runs.


def retention_run_claim(run: RetentionRun) -> bool:
    """Take the run for this process: queued, or running under an expired (or no) lease."""
    now = timezone.now()
    claimed = lease_claim(run, lease=LEASE, now=now)
    if claimed and run.started_at is None:
        run.started_at = now
        run.save(update_fields=["started_at"])
    return claimed


def retention_run_heartbeat(
    run: RetentionRun, *fields: str, now: dt.datetime | None = None
) -> None:
    """Save `fields` of the running run and extend its lease, in one UPDATE."""
    _require_running(run, RunStatus.RUNNING)
    values = {name: getattr(run, name) for name in fields}
    if not lease_renew(run, lease=LEASE, now=now, **values):
        raise _lost(run)


def retention_run_pause(run: RetentionRun) -> None:
    """Let the running run go, for the next claim to resume at once (as a killed worker's
    would be once its lease ran out). A run already taken over is left to its new holder."""
    _require_running(run, RunStatus.RUNNING)
    lease_release(run)


def retention_run_publish(run: RetentionRun) -> None:
    """Make the written run the workspace's current one: `succeeded`, or `refused` when it
    holds RFM scores only (its fit was refused). Deletes the scores of the runs before it
    and stores the dashboard's figures over its own, in the same transaction."""
    to = RunStatus.REFUSED if run.reason else RunStatus.SUCCEEDED
    _require_running(run, to)
    with lease_atomic(run):
        # Through the runs (and the (run, customer) index): the scores have no workspace index.
        earlier = RetentionRun.objects.for_workspace(run.workspace).exclude(pk=run.pk)
        CustomerScore.objects.for_workspace(run.workspace).filter(run__in=earlier).delete()
        # The scores are final now: the dashboard's figures are computed once here, not per view.
        run.dashboard = reports.dashboard_snapshot(run)
        # So are the orders it was fitted on: the sales figures of the main dashboard too.
        run.dashboard["sales"] = sales_figures(workspace=run.workspace).as_json()
        run.dashboard["customers"] = customers_count(workspace=run.workspace)
        _run_finish(run, to, published=True)


def retention_run_refuse(run: RetentionRun) -> None:
    """End the run without publishing: its fit was refused while the current scores come
    from a fitted model, which then stay. The reason is set on the run before."""
    _require_running(run, RunStatus.REFUSED)
    with lease_atomic(run):
        _run_finish(run, RunStatus.REFUSED)


def retention_run_fail(run: RetentionRun, *, reason: str | None = None) -> None:
    """End the run as failed, publishing nothing: readers keep the previous scores.
    `reason` (for the logs) replaces the English reason when given."""
    _require_running(run, RunStatus.FAILED)
    with lease_atomic(run):
        _run_finish(run, RunStatus.FAILED, reason=reason)


def _run_finish(
    run: RetentionRun, status: RunStatus, *, reason: str | None = None, published: bool = False
) -> None:
    old = run.status
    if not lease_release(run, status=status, finished_at=timezone.now()):
        raise _lost(run)
    run.published = published
    if reason is not None:
        run.reason = reason[:2000]
    # Every field: those the run set in memory on its way here are saved with its end.
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


# Validation runs.


def retention_validation_claim(validation: ValidationRun) -> bool:
    """Take the validation for this process (queued, or left by a worker whose lease ran
    out); it starts again from its first step."""
    now = timezone.now()
    return lease_claim(validation, lease=LEASE, now=now, started_at=now, steps_done=0)


def retention_validation_step(validation: ValidationRun) -> None:
    """Count one more step done, and extend the lease with it."""
    _require_running(validation, RunStatus.RUNNING)
    if not lease_renew(validation, lease=LEASE, steps_done=validation.steps_done + 1):
        raise _lost(validation)


def retention_validation_succeed(validation: ValidationRun, *, result: dict[str, Any]) -> None:
    """End the validation with its report (`ValidationReport` as JSON)."""
    _require_running(validation, RunStatus.SUCCEEDED)
    with lease_atomic(validation):
        validation.result = result
        _validation_finish(validation, RunStatus.SUCCEEDED)


def retention_validation_fail(
    validation: ValidationRun, *, code: str, values: dict[str, Any]
) -> None:
    """End the validation as failed, with the code of `reasons` that says why."""
    _require_running(validation, RunStatus.FAILED)
    with lease_atomic(validation):
        _validation_finish(validation, RunStatus.FAILED, code=code, values=values)


def _validation_finish(
    validation: ValidationRun,
    status: RunStatus,
    *,
    code: str = "",
    values: dict[str, Any] | None = None,
) -> None:
    old = validation.status
    if not lease_release(validation, status=status, finished_at=timezone.now()):
        raise _lost(validation)
    validation.reason_code = code
    validation.reason_values = finite_values(values or {})
    validation.save()
    event_record(
        workspace=validation.workspace,
        kind=f"retention.validation_{status}",
        subject=validation,
        old={"status": old},
        new={"status": status, "reason_code": code},
    )
