"""The validation pass and the row stream shared by both passes (no writes)."""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from clientela.imports.reader import CsvSource, HeaderError, RowError
from clientela.imports.schema import (
    CUSTOMER_ALIASES,
    ORDER_ALIASES,
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


def rows(
    handle: BinaryIO,
    kind: str,
    zone: tzinfo,
    errors: ErrorLog,
    ticker: Ticker,
) -> Iterator[CustomerRow | OrderRow]:
    """The valid rows of the file, in order; every problem goes to `errors`.

    A header that cannot be used stops the reading (one error on line 1).
    """
    source = CsvSource(handle, CUSTOMER_ALIASES if kind == "customers" else ORDER_ALIASES)
    try:
        columns = source.read_header()
    except HeaderError as exc:
        errors.add(exc.error)
        return
    check = check_customer_header if kind == "customers" else check_order_header
    header_error = check(columns)
    if header_error:
        errors.add(header_error)
        return
    parse_order = OrderParser(zone)
    count = 0
    for raw in source:
        count += 1
        ticker.tick(count, source.tell)
        if isinstance(raw, RowError):
            errors.add(raw)
            continue
        parsed = customer_row(raw) if kind == "customers" else parse_order(raw)
        if isinstance(parsed, list):
            for error in parsed:
                errors.add(error)
        else:
            yield parsed


def validate(
    handle: BinaryIO,
    kind: str,
    zone: tzinfo,
    errors: ErrorLog,
    ticker: Ticker,
    emit: Callable[[list[Any]], None],
    batch_size: int,
) -> None:
    """Read the whole file once, also refusing keys repeated within it.

    The valid rows are handed to `emit` in batches of `batch_size`, until the first error:
    after it nothing more is emitted, but the reading goes on to report every bad row.
    The writer works from these batches (spooled, or fed to it as they come) instead of
    parsing the CSV a second time, so it cannot see a file changed since.
    The sets of keys seen grow with the file (about 100 bytes per row), the rows do not.
    """
    seen_ids: set[str] = set()
    seen_emails: set[str] = set()
    batch: list[CustomerRow | OrderRow] = []
    for row in rows(handle, kind, zone, errors, ticker):
        if row.external_id:
            if row.external_id in seen_ids:
                errors.add(RowError(row.line, "external_id", _repeated(row.external_id)))
            seen_ids.add(row.external_id)
        if isinstance(row, CustomerRow) and row.email:
            if row.email in seen_emails:
                errors.add(RowError(row.line, "email", _repeated(row.email)))
            seen_emails.add(row.email)
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
