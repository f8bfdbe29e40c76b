"""The validation pass and the row stream shared by both passes (no writes)."""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from functools import partial
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from clientela.imports import encodings
from clientela.imports.formats import Format, recognise
from clientela.imports.reader import (
    CsvSource,
    HeaderError,
    RowError,
    canonical_columns,
    header_key,
)
from clientela.imports.schema import (
    CustomerRow,
    OrderParser,
    OrderRow,
    check_customer_header,
    check_order_header,
    customer_row,
)

MAX_STORED_ERRORS = 1000


@dataclass(frozen=True)
class Progress:
    phase: str  # "validating" or "writing"
    processed_bytes: int
    total_bytes: int
    rows_read: int


ProgressCallback = Callable[[Progress], None]


class ErrorLog:
    """Every error is counted; the first MAX_STORED_ERRORS are kept, in file order."""

    def __init__(self) -> None:
        self.kept: list[RowError] = []
        self.count = 0

    def add(self, error: RowError) -> None:
        self.count += 1
        if len(self.kept) < MAX_STORED_ERRORS:
            self.kept.append(error)

    def as_json(self) -> list[dict[str, int | str]]:
        return [error.as_dict() for error in self.kept]


class Ticker:
    """Calls `report` at most once per `interval` seconds (checked every 500 rows).

    With `yield_every`, the reading thread also gives up the interpreter's lock every that
    many rows (`time.sleep(0)`), for the writer's thread (see `pipeline._run_pipelined`):
    Python lets a thread that has just got its answer from the database wait up to its
    switch interval (5 ms) for a busy thread to let go, and the writer makes some thirty
    round trips a batch. Without these pauses, a 1,000,000-order import wrote at a third of
    its speed while the file was being read.
    """

    def __init__(
        self, report: Callable[[int, int], None], interval: float = 1.0, yield_every: int = 0
    ) -> None:
        self._report = report
        self._interval = interval
        self._next = time.monotonic() + interval
        self._yield_every = yield_every
        self.rows = 0
        self.processed = 0

    def tick(self, rows: int, processed: Callable[[], int]) -> None:
        """`processed` is asked only when a report may be due: it is a file's tell()."""
        self.rows = rows
        if self._yield_every and rows % self._yield_every == 0:
            time.sleep(0)
        if rows % 500 == 0 and time.monotonic() >= self._next:
            self.processed = done = processed()
            self._next = time.monotonic() + self._interval
            self._report(rows, done)


class Reading:
    """What the reading of a file found out about it: its encoding and its layout, also
    set on `job` (an ImportJob, saved with it) when given."""

    def __init__(self, encoding: str = "", job: Any = None) -> None:
        self.encoding = encoding  # "" (detect) or one of encodings.ENCODINGS
        self.format: Format | None = None
        self._job = job

    def found(self, encoding: str, fmt: Format | None) -> None:
        self.encoding, self.format = encoding, fmt
        if self._job is not None:
            self._job.encoding = encoding
            self._job.file_format = fmt.slug if fmt else ""


def rows(
    handle: BinaryIO,
    kind: str,
    zone: tzinfo,
    errors: ErrorLog,
    ticker: Ticker,
    reading: Reading | None = None,
) -> Iterator[CustomerRow | OrderRow]:
    """The valid rows of the file, in order; every problem goes to `errors`, also a key
    repeated from an earlier line (checked on the rows with other errors too).

    A header that cannot be used stops the reading (one error on line 1).
    """
    reading = reading or Reading()
    encoding = reading.encoding
    if encoding not in encodings.ENCODINGS:
        encoding = encodings.detect(handle)
    reading.found(encoding, None)
    source = CsvSource(handle, encoding)
    try:
        names = source.read_names()
        fmt = recognise(kind, [header_key(name) for name in names])
        reading.found(encoding, fmt)
        source.use_columns(canonical_columns(names, fmt.aliases))
    except HeaderError as exc:
        errors.add(exc.error)
        return
    columns = [name for name in source.columns if name]
    check = check_customer_header if kind == "customers" else check_order_header
    header_error = check(columns)
    if header_error:
        errors.add(header_error)
        return
    parse = OrderParser(zone, fmt) if kind == "orders" else partial(customer_row, fmt=fmt)
    seen = _Seen()
    ids = seen.ids  # the common case of a valid row with a new id, checked here inline
    previous = None  # the order of the row before, for the layouts that span rows
    grouped = fmt.grouped
    count = 0
    for raw in source:
        count += 1
        ticker.tick(count, source.tell)
        if isinstance(raw, RowError):
            errors.add(raw)
            continue
        if grouped:
            key = raw.cells.get("external_id", "").strip()
            if key and key == previous:
                continue  # another line item of the order before
            previous = key
        parsed = parse(raw)
        if isinstance(parsed, list):
            for error in parsed:
                errors.add(error)
            for error in seen.check_raw(raw):
                errors.add(error)
        elif type(parsed) is OrderRow and parsed.external_id not in ids:
            ids.add(parsed.external_id)
            yield parsed
        else:
            for error in seen.check(parsed):
                errors.add(error)
            yield parsed


class _Seen:
    """The keys of the rows read so far: a key repeated within the file is an error.

    The sets grow with the file (about 100 bytes per row), the rows do not.
    """

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.emails: set[str] = set()

    def check(self, row: CustomerRow | OrderRow) -> list[RowError]:
        errors = []
        if row.external_id:
            if row.external_id in self.ids:
                errors.append(RowError(row.line, "external_id", _repeated(row.external_id)))
            self.ids.add(row.external_id)
        if isinstance(row, CustomerRow) and row.email:
            if row.email in self.emails:
                errors.append(RowError(row.line, "email", _repeated(row.email)))
            self.emails.add(row.email)
        return errors

    def check_raw(self, raw: Any) -> list[RowError]:
        """The same for a row with errors, by its external id as written."""
        external_id = raw.cells.get("external_id", "").strip()
        if not external_id:
            return []
        if external_id in self.ids:
            return [RowError(raw.line, "external_id", _repeated(external_id))]
        self.ids.add(external_id)
        return []


def validate(
    handle: BinaryIO,
    kind: str,
    zone: tzinfo,
    errors: ErrorLog,
    ticker: Ticker,
    emit: Callable[[list[Any]], None],
    batch_size: int,
    reading: Reading | None = None,
) -> None:
    """Read the whole file once, refusing keys repeated within it (`rows`).

    The valid rows are handed to `emit` in batches of `batch_size`, until the first error:
    after it nothing more is emitted, but the reading goes on to report every bad row.
    The writer works from these batches (spooled, or fed to it as they come) instead of
    parsing the CSV a second time, so it cannot see a file changed since.
    """
    batch: list[CustomerRow | OrderRow] = []
    for row in rows(handle, kind, zone, errors, ticker, reading):
        if not errors.count:
            batch.append(row)
            if len(batch) >= batch_size:
                emit(batch)
                batch = []
    if batch and not errors.count:
        emit(batch)


def spool_dump(spool: BinaryIO, batch: list[Any]) -> None:
    """Append a batch to `spool` as plain tuples (a named tuple costs a call per row to pickle)."""
    pickle.dump(list(map(tuple, batch)), spool, protocol=pickle.HIGHEST_PROTOCOL)


def spooled(spool: BinaryIO, kind: str) -> Iterator[list[Any]]:
    """The batches `spool_dump` wrote, in order, as rows of `kind`. The spool is our own file."""
    make = CustomerRow._make if kind == "customers" else OrderRow._make
    spool.seek(0)
    while True:
        try:
            plain = pickle.load(spool)  # noqa: S301 - written by this process a moment ago
        except EOFError:
            return
        yield list(map(make, plain))


def _repeated(value: str) -> str:
    return _("%(value)s already appears on an earlier line of the file") % {"value": repr(value)}
