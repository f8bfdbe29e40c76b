"""Import jobs: create one for an upload, run a queued one, run a file at once (the CLI).

The run itself (validation, writing, all or nothing) is in `pipeline`; the job's status changes
are methods of `ImportJob`. Nothing here queues a task: `tasks.import_start` creates the
job through `import_create` and queues its task, so that the task module imports this
one and never the reverse.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.imports.models import ImportJob, ImportJobStateError, ImportKind, ImportStatus
from clientela.imports.passes import ProgressCallback
from clientela.imports.pipeline import import_run
from clientela.imports.policy import IMPORT_START


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


def import_create(
    *,
    workspace: Workspace,
    kind: str,
    source_path: Path,
    file_name: str,
    actor: User | None,
    language: str | None = None,
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
    )


def import_execute(job_id: int) -> ImportJob:
    """Run a queued job. A second call (or a second worker) finds it claimed and does nothing."""
    try:
        job = ImportJob.claim(job_id)
    except ImportJobStateError as taken:
        return taken.job
    path = Path(job.file_path)
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            return import_run(job, path, None)
    finally:
        path.unlink(missing_ok=True)


def import_run_file(
    *,
    workspace: Workspace,
    kind: str,
    path: Path,
    actor: User | None,
    progress: ProgressCallback | None = None,
) -> ImportJob:
    """Import a file synchronously (the CLI). Raises ImportFileError for a refused file.

    No rule is checked: the command line is the operator's, who may do anything, and
    `actor` only names whom the changes are recorded as (`clientela import --actor`).
    """
    path = Path(path)
    size = path.stat().st_size
    _check_file(kind, size)
    # Born RUNNING: nothing queues it, so there is nothing to claim.
    job = ImportJob.objects.create(
        workspace=workspace,
        kind=kind,
        status=ImportStatus.RUNNING,
        file_name=path.name[:255],
        created_by=actor,
        started_at=timezone.now(),
        total_bytes=size,
    )
    return import_run(job, path, progress)
