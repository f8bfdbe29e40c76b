"""Background tasks of the retention engine; each receives ids and calls one service.

The `*_enqueue` functions are what a button or an API call starts: a service's request,
then this module's task once the request commits. They live here, above the services, so
that the services never import their tasks.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django_tasks import task

from clientela.accounts.models import User, Workspace
from clientela.commerce.models import Order
from clientela.retention.models import RetentionModel, RetentionRun, ValidationRun
from clientela.retention.services import (
    retention_run_execute,
    retention_run_request,
    retention_validation_execute,
    retention_validation_request,
)


@task(queue_name="retention")
def retention_run_task(run_id: int) -> str:
    """Run or resume one refresh; safe to run twice (the run is claimed under a lease)."""
    run = RetentionRun.objects.get(pk=run_id)
    return retention_run_execute(run=run).status


@task(queue_name="retention")
def retention_refresh_all() -> int:
    """The nightly refresh: one queued run per workspace that has orders, each its own task."""
    count = 0
    for workspace in Workspace.objects.filter(pk__in=Order.objects.values("workspace_id")):
        run = retention_run_request(workspace=workspace, actor=None)
        retention_run_task.enqueue(run.pk)
        count += 1
    return count


@task(queue_name="retention")
def retention_validation_task(validation_id: int) -> str:
    """Compute one holdout validation; safe to run twice (claimed under a lease)."""
    validation = ValidationRun.objects.get(pk=validation_id)
    return retention_validation_execute(validation=validation).status


def retention_refresh_enqueue(
    *, workspace: Workspace, actor: User | None, model: str | None = None
) -> RetentionRun:
    """Queue a refresh for a worker (the web button and the API); without a `model`, the run
    fits the one the settings say (pinned, or the best on the shop's holdout)."""
    run = retention_run_request(workspace=workspace, actor=actor, model=model)
    transaction.on_commit(lambda: retention_run_task.enqueue(run.pk))
    return run


def retention_validation_enqueue(
    *,
    workspace: Workspace,
    actor: User | None,
    calibration_end: dt.date,
    model: str = RetentionModel.BGNBD,
) -> ValidationRun:
    """Queue a validation for a worker, or return the one already queued or running (one at
    a time per workspace)."""
    return retention_validation_request(
        workspace=workspace,
        actor=actor,
        calibration_end=calibration_end,
        model=model,
        on_queued=retention_validation_task.enqueue,
    )
