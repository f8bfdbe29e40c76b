"""Background tasks of the retention engine; each receives ids and calls one service."""

from __future__ import annotations

from django_tasks import task

from clientela.accounts.models import Workspace
from clientela.commerce.models import Order
from clientela.retention.models import RetentionRun, ValidationRun
from clientela.retention.services import (
    retention_run_execute,
    retention_run_request,
    retention_validation_execute,
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
