"""Background tasks of the imports app; each receives ids and calls one service."""

from __future__ import annotations

from django_tasks import task

from clientela.imports.services import import_execute


@task(queue_name="imports")
def import_execute_task(job_id: int) -> str:
    """Run one queued CSV import; safe to run twice (the job is claimed first)."""
    return import_execute(job_id).status
