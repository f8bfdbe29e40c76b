"""Background tasks of the imports app, and the one place that queues them.

Each task receives ids and calls one service. The services never queue a task: this
module imports them, not the reverse, and the adapters (web, API) start an import through
`import_start` here.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django_tasks import task

from clientela.accounts.models import User, Workspace
from clientela.imports.models import ImportJob
from clientela.imports.services import (
    import_create,
    import_execute,
    import_recover,
    import_retry,
)


@task(queue_name="imports")
def import_execute_task(job_id: int) -> str:
    """Run one queued CSV import; safe to run twice (the job is claimed first)."""
    return import_execute(job_id).status


def import_start(
    *,
    workspace: Workspace,
    kind: str,
    source_path: Path,
    file_name: str,
    actor: User | None,
    language: str | None = None,
    encoding: str = "",
) -> ImportJob:
    """Create the job of an upload (`services.import_create`) and queue its import.

    The task is queued once the job is committed, so that the worker finds its row.
    Raises ImportFileError for a refused file, before any job exists.
    """
    job = import_create(
        workspace=workspace,
        kind=kind,
        source_path=source_path,
        file_name=file_name,
        actor=actor,
        language=language,
        encoding=encoding,
    )
    transaction.on_commit(lambda: import_execute_task.enqueue(job.pk))
    return job


@task(queue_name="imports")
def import_recover_task() -> int:
    """Every minute (the clock): queue again the jobs whose worker died; fail those that
    cannot run again (`services.import_recover`). Returns how many were queued."""
    again = import_recover()
    for job_id in again:
        import_execute_task.enqueue(job_id)
    return len(again)


def import_retry_start(*, job: ImportJob, actor: User | None) -> ImportJob:
    """Queue a failed job again (`services.import_retry`) and its task once committed."""
    job = import_retry(job=job, actor=actor)
    transaction.on_commit(lambda: import_execute_task.enqueue(job.pk))
    return job
