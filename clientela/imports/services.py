"""Import jobs: create one for an upload, run a queued one, run a file at once (the CLI).

The run itself (validation, writing, all or nothing) is in `pipeline`; the job's status changes
are methods of `ImportJob`. Nothing here queues a task: `tasks.import_start` creates the
job through `import_create` and queues its task, so that the task module imports this
one and never the reverse.
"""

from __future__ import annotations

import secrets
import shutil
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.clock.leases import LeaseLost
from clientela.imports.encodings import ENCODINGS
from clientela.imports.models import (
    ImportFailure,
    ImportJob,
    ImportJobStateError,
    ImportKind,
    ImportStatus,
    import_lease,
)
from clientela.imports.passes import ProgressCallback
from clientela.imports.pipeline import import_run
from clientela.imports.policy import IMPORT_START
from clientela.timeline.services import event_record


class ImportFileError(ValueError):
    """The upload itself is refused (too large, unknown kind) before any job runs."""


def _check_file(kind: str, size: int) -> None:
    if kind not in ImportKind.values:
        raise ImportFileError(_("Unknown import kind: %(kind)s") % {"kind": kind})
    limit = settings.CLIENTELA_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportFileError(
            _("The file is %(size)s bytes; the largest accepted is %(limit)s bytes.")
            % {"size": size, "limit": limit}
        )


def _encoding(encoding: str) -> str:
    if encoding and encoding not in ENCODINGS:
        raise ImportFileError(_("Unknown encoding: %(encoding)s") % {"encoding": encoding})
    return encoding


def import_create(
    *,
    workspace: Workspace,
    kind: str,
    source_path: Path,
    file_name: str,
    actor: User | None,
    language: str | None = None,
    encoding: str = "",
) -> ImportJob:
    """Keep the uploaded file under an unguessable name; return its job, QUEUED.

    The reasons of rejected rows are written in `language`, by default the language active
    for the upload's request, since the worker that writes them has no request of its own.
    NotPermitted for an actor below IMPORT_START, before the file is read.
    """
    permit(actor=actor, workspace=workspace, rule=IMPORT_START)
    source_path = Path(source_path)
    size = source_path.stat().st_size
    _check_file(kind, size)
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{secrets.token_urlsafe(24)}.csv"
    shutil.copyfile(source_path, target)
    return ImportJob.objects.create(
        workspace=workspace,
        kind=kind,
        file_name=file_name[:255],
        file_path=str(target),
        created_by=actor,
        total_bytes=size,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
        encoding=_encoding(encoding),
    )


def import_execute(job_id: int) -> ImportJob:
    """Run a queued job, or one whose worker died (from its stored file, from the start:
    the dead worker's transaction took its writes with it). A second call (or a second
    worker) finds it claimed and does nothing. The file is deleted once the job is over,
    and kept when it may be retried."""
    try:
        job = ImportJob.claim(job_id)
    except ImportJobStateError as taken:
        return taken.job
    path = Path(job.file_path)
    if not path.is_file():
        return _fail_without_rows(job, ImportFailure.FILE_MISSING)
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            import_run(job, path, None)
    except LeaseLost:
        job.refresh_from_db()  # another worker has it now, and needs the file
        return job
    if not job.retryable:
        path.unlink(missing_ok=True)
    return job


def _fail_without_rows(job: ImportJob, failure: ImportFailure) -> ImportJob:
    job.failure = failure
    job.fail(errors=[], error_count=0)
    _failed_record(job, failure)
    return job


def _failed_record(job: ImportJob, failure: str) -> None:
    event_record(
        workspace=job.workspace,
        actor=None,
        actor_label="system",
        kind="import.failed",
        subject=job,
        summary=job.file_name,
        old={"status": ImportStatus.RUNNING},
        new={"status": ImportStatus.FAILED, "failure": failure},
    )


def import_run_file(
    *,
    workspace: Workspace,
    kind: str,
    path: Path,
    actor: User | None,
    progress: ProgressCallback | None = None,
    encoding: str = "",
) -> ImportJob:
    """Import a file synchronously (the CLI). Raises ImportFileError for a refused file.

    No rule is checked: the command line is the operator's, who may do anything, and
    `actor` only names whom the changes are recorded as (`clientela import --actor`).
    The command holds its job under a lease as a worker does: if it is killed, the job is
    marked failed once the lease has run out (`import_recover`), not left running.
    """
    path = Path(path)
    size = path.stat().st_size
    _check_file(kind, size)
    job = ImportJob.objects.create(
        workspace=workspace,
        kind=kind,
        file_name=path.name[:255],
        created_by=actor,
        total_bytes=size,
        encoding=_encoding(encoding),
    )
    job = ImportJob.claim(job.pk)
    return import_run(job, path, progress)


# Claims of a job whose worker dies each time before it is marked failed: a file that kills
# its worker (memory) is not retried forever; the page offers a retry by hand.
MAX_ATTEMPTS = 3


def import_recover(*, now: datetime | None = None) -> list[int]:
    """The jobs whose worker died (running, lease run out): the ids of those to run again
    from their stored file; those that cannot be (tried MAX_ATTEMPTS times, file gone, or
    run by a command that stopped) are marked failed with the reason, each with a timeline
    row. The periodic `tasks.import_recover_task` queues the ids returned.

    Every workspace's jobs: this is the install's own housekeeping, run by the clock.
    A job left running without a lease (by a version before leases) counts as expired once
    it has run for a lease's time.
    """
    now = now or timezone.now()
    stale = ImportJob.objects.filter(status=ImportStatus.RUNNING).filter(
        Q(lease_until__lt=now) | Q(lease_until__isnull=True, started_at__lt=now - import_lease())
    )
    again: list[int] = []
    for job in stale.select_related("workspace").order_by("pk"):
        kept = job.file_kept
        if kept and job.attempts < MAX_ATTEMPTS:
            again.append(job.pk)
            continue
        failure = (
            ImportFailure.WORKER_STOPPED
            if kept
            else ImportFailure.FILE_MISSING
            if job.file_path
            else ImportFailure.COMMAND_STOPPED
        )
        ended = ImportJob.objects.filter(
            pk=job.pk, status=ImportStatus.RUNNING, lease_until=job.lease_until
        ).update(status=ImportStatus.FAILED, failure=failure, finished_at=now, lease_until=None)
        if ended:
            _failed_record(job, failure)
    return again


class ImportRetryError(ValueError):
    """The job cannot be retried: it did not fail for its worker, or its file is gone."""


def import_retry(*, job: ImportJob, actor: User | None) -> ImportJob:
    """Queue again a job that failed because its worker kept dying, from its stored file.

    NotPermitted below IMPORT_START; ImportRetryError for a job that is not retryable.
    The caller queues its task (`tasks.import_retry_start`).
    """
    permit(actor=actor, workspace=job.workspace, rule=IMPORT_START)
    if not job.retryable or not job.file_kept:
        raise ImportRetryError(_("This import cannot be retried: upload the file again."))
    requeued = ImportJob.objects.filter(
        pk=job.pk, status=ImportStatus.FAILED, failure=ImportFailure.WORKER_STOPPED
    ).update(
        status=ImportStatus.QUEUED,
        failure="",
        attempts=0,
        errors=[],
        error_count=0,
        processed_bytes=0,
        rows_read=0,
        started_at=None,
        finished_at=None,
        lease_until=None,
    )
    if not requeued:
        raise ImportRetryError(_("This import cannot be retried: upload the file again."))
    event_record(
        workspace=job.workspace,
        actor=actor,
        kind="import.retried",
        subject=job,
        summary=job.file_name,
        old={"status": ImportStatus.FAILED, "failure": job.failure},
        new={"status": ImportStatus.QUEUED},
    )
    job.refresh_from_db()
    return job
