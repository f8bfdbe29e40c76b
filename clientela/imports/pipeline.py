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

import tempfile
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from clientela.imports.consents import consent_source
from clientela.imports.customer_writer import CustomerWriter
from clientela.imports.db import backend
from clientela.imports.db.base import Backend
from clientela.imports.feed import Feed
from clientela.imports.models import ImportJob, ImportKind
from clientela.imports.order_writer import OrderWriter
from clientela.imports.passes import (
    ErrorLog,
    Progress,
    ProgressCallback,
    Reading,
    Ticker,
    spool_dump,
    spooled,
    validate,
)
from clientela.imports.reader import RowError
from clientela.timeline.services import event_record

BATCH_SIZE = 5000
PROGRESS_INTERVAL = 0.25  # seconds between two calls of the in-process progress callback


class _Rejected(Exception):
    pass


def import_run(job: ImportJob, path: Path, progress: ProgressCallback | None) -> ImportJob:
    """Import the file at `path` for `job`, which is RUNNING; return it finished."""
    job.total_bytes = path.stat().st_size
    errors = ErrorLog()
    if job.total_bytes > settings.CLIENTELA_IMPORT_MAX_BYTES:
        errors.add(RowError(0, "", _("The file is larger than the import limit.")))
        return _finish(job, errors)
    reading = Reading(job.encoding, job)
    with path.open("rb") as handle:
        db = backend()
        if db.OVERLAP:
            errors = _run_pipelined(job, handle, progress, db, reading)
        else:
            _run_in_turn(job, handle, errors, progress, db, reading)
    return _finish(job, errors)


def _run_in_turn(
    job: ImportJob,
    handle: BinaryIO,
    errors: ErrorLog,
    progress: ProgressCallback | None,
    db: Backend,
    reading: Reading,
) -> None:
    """Validate the whole file, then write it (SQLite: see the module's docstring)."""

    def validating(rows_read: int, processed: int) -> None:
        job.rows_read, job.processed_bytes = rows_read, processed
        job.progress_save()  # and the lease renewed: LeaseLost if a worker took the job
        if progress:
            progress(Progress("validating", processed, job.total_bytes, rows_read))

    zone = ZoneInfo(job.workspace.time_zone)
    ticker = Ticker(validating)
    with tempfile.TemporaryFile() as spool:
        validate(
            handle, job.kind, zone, errors, ticker, partial(spool_dump, spool), BATCH_SIZE, reading
        )
        job.rows_read, job.processed_bytes = ticker.rows, job.total_bytes
        if errors.count:
            return
        # The write pass renews nothing (see `import_lease`): it starts with a whole lease.
        job.progress_save()
        outermost = not connection.in_atomic_block
        try:
            with transaction.atomic(), db.write_pass(outermost):
                writer = _writer(job, errors, db)
                spool_size = max(spool.tell(), 1)
                batches = ((batch, spool.tell() / spool_size) for batch in spooled(spool, job.kind))
                _write(job, writer, batches, lambda: errors.count, progress, "writing")
                _succeed(job, writer)
        except _Rejected:
            return


def _run_pipelined(
    job: ImportJob,
    handle: BinaryIO,
    progress: ProgressCallback | None,
    db: Backend,
    reading: Reading,
) -> ErrorLog:
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
        # found from here: its progress is then only the caller's to see, and a renewal
        # that finds nothing is no proof of a lost lease (the end of the run checks it).
        job.progress_save(strict=False)

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
                    reading,
                )
        finally:
            connections.close_all()  # this thread's own

    writer = _writer(job, refused, db)
    outermost = not connection.in_atomic_block
    try:
        with (
            Feed(produce, name=f"import-{job.pk}-validate") as feed,
            transaction.atomic(),
            db.write_pass(outermost),
        ):
            _write(job, writer, feed, lambda: errors.count + refused.count, progress, "importing")
            job.rows_read, job.processed_bytes = ticker.rows, job.total_bytes
            _succeed(job, writer)
    except _Rejected:
        pass
    job.rows_read, job.processed_bytes = ticker.rows, job.total_bytes
    if errors.count or refused.count:
        return errors if errors.count else refused
    return errors


def _read_share(handle: BinaryIO, size: int) -> float:
    # The reader's text layer closes the file once it has read it all.
    return 1.0 if handle.closed else handle.tell() / size


def _writer(job: ImportJob, errors: ErrorLog, db: Backend) -> CustomerWriter | OrderWriter:
    source = consent_source(job.file_name)
    if job.kind == ImportKind.CUSTOMERS:
        return CustomerWriter(
            workspace=job.workspace, actor=job.created_by, errors=errors, db=db, source=source
        )
    return OrderWriter(
        workspace=job.workspace,
        actor=job.created_by,
        errors=errors,
        db=db,
        use_copy=getattr(settings, "CLIENTELA_IMPORT_USE_COPY", True),
        source=source,
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


def _succeed(job: ImportJob, writer: CustomerWriter | OrderWriter) -> None:
    """Mark the job imported inside the transaction of its rows: they are committed
    together, so a worker that dies leaves either both or neither (and a job run again
    never finds its rows half written). LeaseLost, which rolls back, when another worker
    has taken the job over meanwhile."""
    job.created_count, job.updated_count = writer.created, writer.updated
    job.unchanged_count = writer.unchanged
    job.succeed()


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
    if errors.count:
        job.fail(errors=errors.as_json(), error_count=errors.count)
    return job
