"""Run a CSV import of customers or orders: validate everything, then write everything.

Algorithm:
1. Validation pass: the file is streamed once (constant memory, apart from the set of keys
   used to refuse repeated external ids and e-mails); every bad row is recorded with its
   line, column and reason. The job's progress (bytes and rows) is committed at most once
   a second, so other processes can show it.
2. If there was any error the job is FAILED and nothing else is written.
3. Write pass: the valid rows, pickled in batches of BATCH_SIZE to an anonymous temporary
   file by the first pass (so the CSV is parsed once), are read back one batch at a time
   inside ONE transaction: batched lookups of existing keys, then bulk inserts and updates. Problems
   only the database can reveal (an e-mail belonging to another customer) are collected the
   same way; if any, the transaction is rolled back and the database is exactly as before.
   The job row is not updated during this pass: on SQLite a second connection writing it
   would wait for our own write lock, and on PostgreSQL the row written inside our
   transaction would be invisible until commit anyway. The in-process `progress` callback
   (the CLI's bar) keeps being called; the job gets its final figures at the end.
4. Timeline: one `import.finished` row with the counts, plus one row per customer created or
   changed and per order changed; not one per order created (see `order_writer`). An import
   that changed nothing writes no timeline row at all.
5. `clientela.commerce.hooks.orders_created` is called, inside the transaction, with the ids
   of each batch of orders created.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.customers.imports.customer_writer import CustomerWriter
from clientela.customers.imports.order_writer import OrderWriter
from clientela.customers.imports.passes import (
    ErrorLog,
    Progress,
    ProgressCallback,
    Ticker,
    spooled,
    validate,
)
from clientela.customers.imports.reader import RowError
from clientela.customers.models import ImportJob, ImportKind, ImportStatus
from clientela.timeline.services import event_record

BATCH_SIZE = 5000


class ImportFileError(ValueError):
    """The upload itself is refused (too large, unknown kind) before any job runs."""


class _Rejected(Exception):
    pass


def _check_file(kind: str, size: int) -> None:
    if kind not in ImportKind.values:
        raise ImportFileError(_("Unknown import kind: %(kind)s") % {"kind": kind})
    limit = settings.CLIENTELA_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportFileError(
            _("The file is %(size)s bytes; the largest accepted is %(limit)s bytes.")
            % {"size": size, "limit": limit}
        )


def import_start(
    *,
    workspace: Workspace,
    kind: str,
    source_path: Path,
    file_name: str,
    actor: User | None,
    language: str | None = None,
) -> ImportJob:
    """Keep the uploaded file under an unguessable name and queue its import.

    The reasons of rejected rows are written in `language`, by default the language active
    for the upload's request, since the worker that writes them has no request of its own.
    """
    source_path = Path(source_path)
    size = source_path.stat().st_size
    _check_file(kind, size)
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{secrets.token_urlsafe(24)}.csv"
    shutil.copyfile(source_path, target)
    job = ImportJob.objects.create(
        workspace=workspace,
        kind=kind,
        file_name=file_name[:255],
        file_path=str(target),
        created_by=actor,
        total_bytes=size,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
    )
    from clientela.customers.tasks import import_execute_task

    transaction.on_commit(lambda: import_execute_task.enqueue(job.pk))
    return job


def import_execute(job_id: int) -> ImportJob:
    """Run a queued job. A second call (or a second worker) finds it claimed and does nothing."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("workspace", "created_by").get(pk=job_id)
    if not claimed:
        return job
    path = Path(job.file_path)
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            return _run(job, path, None)
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
    """Import a file synchronously (the CLI). Raises ImportFileError for a refused file."""
    path = Path(path)
    size = path.stat().st_size
    _check_file(kind, size)
    job = ImportJob.objects.create(
        workspace=workspace,
        kind=kind,
        status=ImportStatus.RUNNING,
        file_name=path.name[:255],
        created_by=actor,
        started_at=timezone.now(),
        total_bytes=size,
    )
    return _run(job, path, progress)


def _run(job: ImportJob, path: Path, progress: ProgressCallback | None) -> ImportJob:
    job.total_bytes = path.stat().st_size
    zone = ZoneInfo(job.workspace.time_zone)
    errors = ErrorLog()
    if job.total_bytes > settings.CLIENTELA_IMPORT_MAX_BYTES:
        errors.add(RowError(0, "", _("The file is larger than the import limit.")))
        return _finish(job, errors)

    def validating(rows_read: int, processed: int) -> None:
        job.rows_read, job.processed_bytes = rows_read, processed
        job.save(update_fields=["rows_read", "processed_bytes"])
        if progress:
            progress(Progress("validating", processed, job.total_bytes, rows_read))

    ticker = Ticker(validating)
    with path.open("rb") as handle, tempfile.TemporaryFile() as spool:
        validate(handle, job.kind, zone, errors, ticker, spool, BATCH_SIZE)
        job.rows_read, job.processed_bytes = ticker.rows, job.total_bytes
        if errors.count:
            return _finish(job, errors)
        try:
            outermost = not connection.in_atomic_block
            with transaction.atomic(), _page_cache():
                if outermost:
                    _commit_without_waiting()
                counts = _write(job, spool, errors, progress)
        except _Rejected:
            return _finish(job, errors)
    job.created_count, job.updated_count, job.unchanged_count = counts
    return _finish(job, errors)


# SQLite's page cache for the write pass, in KiB (its default is 2,000): a million orders
# make indexes of ~100 MB whose pages, inserted in random order, would otherwise be read
# back from the OS again and again. The cache only grows as far as it is used.
SQLITE_CACHE_KIB = 200_000


@contextmanager
def _page_cache() -> Iterator[None]:
    """On SQLite, a page cache of SQLITE_CACHE_KIB for the duration of the write pass."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{int(SQLITE_CACHE_KIB)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _commit_without_waiting() -> None:
    """On PostgreSQL, let the import's commit return before its WAL reaches the disk.

    Safe here: the job row is saved in a later, ordinary transaction, whose commit waits
    for the WAL up to and including the import's. A crash before that loses the import
    and leaves the job RUNNING, as a crash during the import would. SET LOCAL ends with
    the transaction; it is only set when the import's transaction is the outermost one.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _write(
    job: ImportJob, spool: BinaryIO, errors: ErrorLog, progress: ProgressCallback | None
) -> tuple[int, int, int]:
    writer: CustomerWriter | OrderWriter
    if job.kind == ImportKind.CUSTOMERS:
        writer = CustomerWriter(workspace=job.workspace, actor=job.created_by, errors=errors)
    else:
        writer = OrderWriter(
            workspace=job.workspace,
            actor=job.created_by,
            errors=errors,
            use_copy=getattr(settings, "CLIENTELA_IMPORT_USE_COPY", True),
        )
    spool_size = max(spool.tell(), 1)
    done = 0
    last = time.monotonic()
    for batch in spooled(spool, job.kind):
        writer.write(batch)
        if errors.count:
            raise _Rejected
        done += len(batch)
        if progress and time.monotonic() - last >= 0.25:
            last = time.monotonic()
            share = spool.tell() / spool_size
            progress(Progress("writing", int(job.total_bytes * share), job.total_bytes, done))
    counts = (writer.created, writer.updated, writer.unchanged)
    if writer.created or writer.updated:
        _record_finished(job, writer)
    return counts


def _record_finished(job: ImportJob, writer: CustomerWriter | OrderWriter) -> None:
    new = {
        "kind": job.kind,
        "file_name": job.file_name,
        "created": writer.created,
        "updated": writer.updated,
        "unchanged": writer.unchanged,
    }
    if isinstance(writer, OrderWriter):
        new["customers_created"] = writer.customers_created
    event_record(
        workspace=job.workspace,
        actor=job.created_by,
        actor_label="import",
        kind="import.finished",
        subject=job,
        summary=job.file_name,
        new=new,
    )


def _finish(job: ImportJob, errors: ErrorLog) -> ImportJob:
    job.status = ImportStatus.FAILED if errors.count else ImportStatus.SUCCEEDED
    job.errors = errors.as_json()
    job.error_count = errors.count
    job.finished_at = timezone.now()
    job.save()
    return job
