"""Run a CSV import of customers or orders: all of it is written, or nothing.

Algorithm:
1. Validation: the file is streamed once (constant memory, apart from the sets of keys
   used to refuse repeated external ids and e-mails); every bad row is recorded with its
   line, column and reason. The job's progress (bytes and rows) is committed at most once
   a second, so other processes can show it.
2. Writing: the valid rows, in batches of BATCH_SIZE, are written inside ONE transaction:
   batched lookups of existing keys, then bulk inserts and updates. Problems only the
   database can reveal (an e-mail belonging to another customer) are collected too. If
   there is any error, from either step, the transaction is rolled back: the database is
   exactly as before and the job is FAILED with the errors.
   - On PostgreSQL the two steps overlap (`_run_pipelined`): validation runs on a thread
     of its own and feeds its batches to the writer as they come (`feed.Feed`), so the
     validating Python and the writing database work at the same time. A late bad row
     costs a rollback of what was written. The validator commits the job's progress
     through its own connection.
   - On SQLite they take turns (`_run_in_turn`): the whole file is validated first, its
     batches pickled to an anonymous temporary file, then read back and written. SQLite's
     single write lock would otherwise be held from the first batch on, and the job's
     progress, written by another connection, would wait for it. The job row is not
     updated while writing, for that same reason; the in-process `progress` callback
     (the CLI's bar) keeps being called, and the job gets its final figures at the end.
3. Timeline: one `import.finished` row with the counts, plus one row per customer created or
   changed and per order changed; not one per order created (see `order_writer`). An import
   that changed nothing writes no timeline row at all.
4. `clientela.commerce.signals.orders_placed` is sent, inside the transaction, with the ids
   of each batch of orders created; `order_changed` (and `order_cancelled`) with those changed.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.customers.imports.customer_writer import CustomerWriter
from clientela.customers.imports.feed import Feed
from clientela.customers.imports.order_writer import OrderWriter
from clientela.customers.imports.passes import (
    ErrorLog,
    Progress,
    ProgressCallback,
    Ticker,
    spool_dump,
    spooled,
    validate,
)
from clientela.customers.imports.reader import RowError
from clientela.customers.models import ImportJob, ImportKind, ImportStatus
from clientela.timeline.services import event_record

BATCH_SIZE = 5000
PROGRESS_INTERVAL = 0.25  # seconds between two calls of the in-process progress callback


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
    errors = ErrorLog()
    if job.total_bytes > settings.CLIENTELA_IMPORT_MAX_BYTES:
        errors.add(RowError(0, "", _("The file is larger than the import limit.")))
        return _finish(job, errors)
    with path.open("rb") as handle:
        if connection.vendor == "postgresql":
            errors = _run_pipelined(job, handle, progress)
        else:
            _run_in_turn(job, handle, errors, progress)
    return _finish(job, errors)


def _run_in_turn(
    job: ImportJob, handle: BinaryIO, errors: ErrorLog, progress: ProgressCallback | None
) -> None:
    """Validate the whole file, then write it (SQLite: see the module's docstring)."""

    def validating(rows_read: int, processed: int) -> None:
        job.rows_read, job.processed_bytes = rows_read, processed
        job.save(update_fields=["rows_read", "processed_bytes"])
        if progress:
            progress(Progress("validating", processed, job.total_bytes, rows_read))

    zone = ZoneInfo(job.workspace.time_zone)
    ticker = Ticker(validating)
    with tempfile.TemporaryFile() as spool:
        validate(handle, job.kind, zone, errors, ticker, partial(spool_dump, spool), BATCH_SIZE)
        job.rows_read, job.processed_bytes = ticker.rows, job.total_bytes
        if errors.count:
            return
        try:
            with transaction.atomic(), _page_cache():
                writer = _writer(job, errors)
                spool_size = max(spool.tell(), 1)
                batches = ((batch, spool.tell() / spool_size) for batch in spooled(spool, job.kind))
                _write(job, writer, batches, lambda: errors.count, progress, "writing")
        except _Rejected:
            return
    _counts_keep(job, writer)


def _run_pipelined(job: ImportJob, handle: BinaryIO, progress: ProgressCallback | None) -> ErrorLog:
    """Write each batch while the next ones are validated (PostgreSQL; see the docstring).

    Returns the errors to report: the validation's if any, else the writer's.
    """
    zone = ZoneInfo(job.workspace.time_zone)
    language = translation.get_language()
    errors, refused = ErrorLog(), ErrorLog()  # the validator's; the writer's

    def validating(rows_read: int, processed: int) -> None:
        # On the validator's thread, so through a connection of its own, outside the
        # import's transaction: committed at once, seen by the pages that show progress.
        job.rows_read, job.processed_bytes = rows_read, processed
        # A job row not committed yet (an import inside a caller's transaction) is not
        # found from here: its progress is then only the caller's to see.
        ImportJob.objects.filter(pk=job.pk).update(rows_read=rows_read, processed_bytes=processed)

    ticker = Ticker(validating, yield_every=50)
    size = max(job.total_bytes, 1)

    def produce(emit: Callable[[tuple[list[Any], float]], None]) -> None:
        try:
            with translation.override(language):
                validate(
                    handle,
                    job.kind,
                    zone,
                    errors,
                    ticker,
                    lambda batch: emit((batch, _read_share(handle, size))),
                    BATCH_SIZE,
                )
        finally:
            connections.close_all()  # this thread's own

    writer = _writer(job, refused)
    outermost = not connection.in_atomic_block
    try:
        with Feed(produce, name=f"import-{job.pk}-validate") as feed, transaction.atomic():
            if outermost:
                _commit_without_waiting()
            _write(job, writer, feed, lambda: errors.count + refused.count, progress, "importing")
    except _Rejected:
        pass
    job.rows_read, job.processed_bytes = ticker.rows, job.total_bytes
    if errors.count or refused.count:
        return errors if errors.count else refused
    _counts_keep(job, writer)
    return errors


def _read_share(handle: BinaryIO, size: int) -> float:
    # The reader's text layer closes the file once it has read it all.
    return 1.0 if handle.closed else handle.tell() / size


# SQLite's page cache for the write pass, in KiB (its default is 2,000): a million orders
# make indexes of ~100 MB whose pages, inserted in random order, would otherwise be read
# back from the OS again and again. The cache only grows as far as it is used. Measured on
# 1,000,000 orders: 200 MB, 100 MB and 50 MB of cache took 47.6 s, 44.0 s and 45.1 s, with
# peaks of 460, 418 and 389 MB; 64 MB keeps most of the speed and a margin under 500 MB.
SQLITE_CACHE_KIB = 64_000


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
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _writer(job: ImportJob, errors: ErrorLog) -> CustomerWriter | OrderWriter:
    if job.kind == ImportKind.CUSTOMERS:
        return CustomerWriter(workspace=job.workspace, actor=job.created_by, errors=errors)
    return OrderWriter(
        workspace=job.workspace,
        actor=job.created_by,
        errors=errors,
        use_copy=getattr(settings, "CLIENTELA_IMPORT_USE_COPY", True),
    )


def _write(
    job: ImportJob,
    writer: CustomerWriter | OrderWriter,
    batches: Iterable[tuple[list[Any], float]],
    error_count: Callable[[], int],
    progress: ProgressCallback | None,
    phase: str,
) -> None:
    """Write `batches` (rows, share of the file read) inside the caller's transaction.

    After the first error (`error_count()`, the writer's own or the validator's) nothing
    more is written, but the batches are still taken to the end: the validator goes on
    to report every bad row. Any error at the end raises _Rejected, which rolls back.
    """
    done = 0
    last = time.monotonic()
    for batch, share in batches:
        if error_count():
            continue
        writer.write(batch)
        done += len(batch)
        if progress and time.monotonic() - last >= PROGRESS_INTERVAL:
            last = time.monotonic()
            progress(Progress(phase, int(job.total_bytes * share), job.total_bytes, done))
    if error_count():
        raise _Rejected
    if writer.created or writer.updated:
        _record_finished(job, writer)
    if progress:  # the commit to come checks every new row's references: it takes a while
        progress(Progress("committing", job.total_bytes, job.total_bytes, done))


def _counts_keep(job: ImportJob, writer: CustomerWriter | OrderWriter) -> None:
    job.created_count, job.updated_count = writer.created, writer.updated
    job.unchanged_count = writer.unchanged


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
