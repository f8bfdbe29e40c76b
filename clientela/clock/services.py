"""The clock's one write: record a due time slot and enqueue its task, atomically."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend

from clientela.clock.models import ClockSlot
from clientela.clock.registry import PeriodicJob, Registry, registry
from clientela.clock.schedule import due_slot

logger = logging.getLogger(__name__)


def _enqueue(task: Task[Any, Any]) -> str:
    """Enqueue inside the current transaction when the backend stores tasks in the database.

    A queue outside the database (RQ) cannot roll back with us: there the task goes after
    commit, so a crash in between loses that one slot's task but never duplicates it.
    """
    if isinstance(task.get_backend(), DatabaseBackend):
        return str(task.enqueue().id)
    transaction.on_commit(task.enqueue)
    return ""


def slot_claim(*, job: PeriodicJob, slot_start: datetime) -> ClockSlot | None:
    """Insert the slot row and enqueue the job's task; None if another clock got there first."""
    try:
        with transaction.atomic():
            slot = ClockSlot.objects.create(job=job.name, slot_start=slot_start)
            slot.task_id = _enqueue(job.task)
            slot.save(update_fields=["task_id"])
    except IntegrityError:
        return None
    return slot


def clock_tick(*, now: datetime | None = None, jobs: Registry = registry) -> list[ClockSlot]:
    """Enqueue every job whose latest slot at or before `now` has not been enqueued yet."""
    now = now or timezone.now()
    last_by_job = dict(
        ClockSlot.objects.filter(job__in=[job.name for job in jobs.jobs()])
        .values_list("job")
        .annotate(last=Max("slot_start"))
    )
    claimed = []
    for job in jobs.jobs():
        slot_start = due_slot(job.trigger, now, last_by_job.get(job.name))
        if slot_start is None:
            continue
        slot = slot_claim(job=job, slot_start=slot_start)
        if slot is not None:
            logger.info("clock: enqueued %s for %s", job.name, slot_start.isoformat())
            claimed.append(slot)
    return claimed
