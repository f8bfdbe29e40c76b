"""Reading a customer summary CSV for the `retention fit` and `retention score` commands.

Two spellings of the columns are accepted: Lifetimes' (`frequency`, `recency`, `T`,
`monetary_value`) and Fader & Hardie's (`x`, `t_x`, `T`, `zbar`). The first column is the
customer id whatever its name. Times are in the file's own unit. Every bad row is reported with
its line number; nothing is fitted on a file with errors.

`parse_bytes` reads a whole file. A file of plain rows (no quotes, every row with the header's
number of fields, every value a valid number) is read column by column with numpy, a million
rows in a fraction of a second; any other file, and every file with an error, goes through
`parse`, the csv module row by row, which finds the line and the reason of each error. Both
give the same result on the same file: the fast path only takes files on which `parse` would
find nothing to report, and converts each value with Python's own float parsing (numpy's
string-to-float cast).
"""

from __future__ import annotations

import csv
import functools
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

Array = NDArray[np.float64]

SPELLINGS = (
    {"x": "frequency", "t_x": "recency", "T": "T", "monetary": "monetary_value"},
    {"x": "x", "t_x": "t_x", "T": "T", "monetary": "zbar"},
)
MAX_ERRORS = 20
# The fast path copies each column into a (rows x widest field) byte matrix; a wider field
# (a long id) sends the file to the row-by-row reader rather than inflate that matrix.
FAST_MAX_WIDTH = 64
_COMMA, _NEWLINE = ord(","), ord("\n")


class SummaryFileError(ValueError):
    """The file cannot be used; `errors` lists one "line N: reason" string per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class SummaryFile:
    """The columns of a file. The ids are its first column, stripped: as strings
    (`text_ids`), or, when every one is printable ASCII without spaces and the file was read
    column by column, as fixed-width bytes (`ascii_ids`), written back out without making a
    million strings; `ids` gives them as strings either way (none when read without them)."""

    x: Array
    t_x: Array
    T: Array
    monetary: Array | None
    text_ids: tuple[str, ...] | None = None
    ascii_ids: NDArray[np.bytes_] | None = None

    @functools.cached_property
    def ids(self) -> tuple[str, ...]:
        if self.text_ids is not None:
            return self.text_ids
        if self.ascii_ids is not None:
            return tuple(self.ascii_ids.astype(str).tolist())
        return ()


def _columns(header: list[str]) -> dict[str, int]:
    names = [name.strip() for name in header]
    for spelling in SPELLINGS:
        if all(spelling[key] in names for key in ("x", "t_x", "T")):
            found = {key: names.index(col) for key, col in spelling.items() if col in names}
            return found
    raise SummaryFileError(
        [
            "line 1: missing columns: need frequency, recency, T (Lifetimes) or x, t_x, T "
            f"(Fader-Hardie) after the id column; found {', '.join(names) or 'nothing'}"
        ]
    )


def _number(raw: str, column: str, line: int, errors: list[str]) -> float:
    try:
        value = float(raw)
    except ValueError:
        errors.append(f"line {line}: {column} is not a number: {raw.strip()!r}")
        return math.nan
    if not math.isfinite(value):
        errors.append(f"line {line}: {column} is not a finite number: {raw.strip()!r}")
    elif value < 0:
        errors.append(f"line {line}: {column} must not be negative, got {raw.strip()}")
    return value


def _check_row(
    values: dict[str, float], header: list[str], cols: dict[str, int], line: int, errors: list[str]
) -> None:
    x, t_x, T = values["x"], values["t_x"], values["T"]
    name = {key: header[index].strip() for key, index in cols.items()}
    if t_x > T:
        errors.append(f"line {line}: {name['t_x']} ({t_x:g}) is greater than {name['T']} ({T:g})")
    if x == 0 and t_x > 0:
        errors.append(f"line {line}: {name['t_x']} must be 0 when {name['x']} is 0")


def parse(lines: Iterable[str], *, need_monetary: bool = False) -> SummaryFile:
    reader = csv.reader(lines)
    header = next(reader, None)
    if not header:
        raise SummaryFileError(["line 1: the file is empty"])
    cols = _columns(header)
    if need_monetary and "monetary" not in cols:
        raise SummaryFileError(["line 1: missing column: monetary_value (or zbar)"])
    errors: list[str] = []
    ids: list[str] = []
    table: dict[str, list[float]] = {key: [] for key in cols}
    for row in reader:
        line = reader.line_num
        if not row or not "".join(row).strip():
            continue
        if len(row) < len(header):
            errors.append(f"line {line}: expected {len(header)} fields, found {len(row)}")
            continue
        values = {key: _number(row[i], header[i].strip(), line, errors) for key, i in cols.items()}
        _check_row(values, header, cols, line, errors)
        ids.append(row[0].strip())
        for key, value in values.items():
            table[key].append(value)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise SummaryFileError(errors[:MAX_ERRORS])
    if not ids:
        raise SummaryFileError(["line 2: the file has a header but no rows"])
    arrays = {key: np.asarray(values, dtype=float) for key, values in table.items()}
    x, t_x, T = arrays["x"], arrays["t_x"], arrays["T"]
    return SummaryFile(x, t_x, T, arrays.get("monetary"), text_ids=tuple(ids))


def parse_bytes(data: bytes, *, need_monetary: bool = False, with_ids: bool = True) -> SummaryFile:
    """A whole file's bytes (UTF-8, with or without a byte-order mark) to a `SummaryFile`.

    Raises `UnicodeDecodeError` for a file that is not UTF-8 text and `SummaryFileError`
    for a file with errors, exactly as `parse` on the decoded text. `with_ids=False` leaves
    the ids of a plain file unread (`ids` is then empty): a fit needs none, and they are a
    third of the reading.
    """
    data = data.removeprefix(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    fast = _parse_plain(data, need_monetary=need_monetary, with_ids=with_ids)
    if fast is not None:
        return fast
    # newline="": the same line splitting as a file opened for the csv module.
    return parse(io.StringIO(text, newline=""), need_monetary=need_monetary)


def _parse_plain(data: bytes, *, need_monetary: bool, with_ids: bool = True) -> SummaryFile | None:
    """The file read column by column, or None when `parse` must read it (see the module)."""
    if b'"' in data or b"\0" in data:
        return None
    if b"\r" in data:  # Windows line ends; a lone carriage return is left to the csv module
        data = data.replace(b"\r\n", b"\n")
        if b"\r" in data:
            return None
    head, _, body = data.partition(b"\n")
    header = head.decode("utf-8").split(",")
    try:
        cols = _columns(header)
    except SummaryFileError:
        return None
    if not body or (need_monetary and "monetary" not in cols):
        return None
    if not body.endswith(b"\n"):
        body += b"\n"
    fields = _fields(body, body.count(b"\n"), len(header))
    if fields is None:
        return None
    values = {key: _numbers(fields, index) for key, index in cols.items()}
    if any(column is None for column in values.values()):
        return None
    arrays = {key: column for key, column in values.items() if column is not None}
    x, t_x, T = arrays["x"], arrays["t_x"], arrays["T"]
    if np.any(t_x > T) or np.any((x == 0) & (t_x > 0)):
        return None
    if not with_ids:
        return SummaryFile(x, t_x, T, arrays.get("monetary"))
    ids = _ids(fields, body)
    if ids is None:
        return None
    if isinstance(ids, tuple):
        return SummaryFile(x, t_x, T, arrays.get("monetary"), text_ids=ids)
    return SummaryFile(x, t_x, T, arrays.get("monetary"), ascii_ids=ids)


@dataclass(frozen=True)
class _Fields:
    """Where each field of a plain body starts and ends: (rows, columns) byte offsets."""

    padded: NDArray[np.uint8]  # the body followed by FAST_MAX_WIDTH NUL bytes
    starts: NDArray[np.intp]
    ends: NDArray[np.intp]


def _fields(body: bytes, rows: int, width: int) -> _Fields | None:
    """The field offsets when every line has exactly `width` comma-separated fields."""
    padded = np.frombuffer(body + bytes(FAST_MAX_WIDTH), dtype=np.uint8)
    buf = padded[: len(body)]
    seps = np.flatnonzero((buf == _COMMA) | (buf == _NEWLINE))
    if seps.size != rows * width:
        return None
    kinds = buf[seps].reshape(rows, width)
    if not (np.all(kinds[:, -1] == _NEWLINE) and np.all(kinds[:, :-1] == _COMMA)):
        return None  # a short or long row, or a blank line
    starts = np.empty_like(seps)
    starts[0] = 0
    starts[1:] = seps[:-1] + 1
    return _Fields(padded, starts.reshape(rows, width), seps.reshape(rows, width))


def _matrix(fields: _Fields, column: int) -> tuple[NDArray[np.uint8], NDArray[np.bool_]] | None:
    """One column's bytes as a (rows, widest) matrix padded with NUL, and where it has bytes."""
    starts, ends = fields.starts[:, column], fields.ends[:, column]
    lengths = ends - starts
    widest = max(int(lengths.max()), 1)
    if widest > FAST_MAX_WIDTH:
        return None
    # Row i of the window view is buf[i : i + widest]: one gather copies each field and what
    # follows it, which the mask then blanks. The padding keeps the last windows inside.
    windows = sliding_window_view(fields.padded, widest)
    inside = np.arange(widest) < lengths[:, None]
    chars = windows[starts] * inside
    return chars, inside


def _numbers(fields: _Fields, column: int) -> Array | None:
    """One column as floats, or None when a value is not a finite non-negative number."""
    found = _matrix(fields, column)
    if found is None:
        return None
    chars, _ = found
    try:
        # Each value goes through Python's float(): the same numbers and the same refusals
        # as the row-by-row reader.
        values = chars.view(f"S{chars.shape[1]}").ravel().astype(np.float64)
    except ValueError:
        return None
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        return None
    return values


def _ids(fields: _Fields, body: bytes) -> tuple[str, ...] | NDArray[np.bytes_] | None:
    """The first column, stripped as `parse` strips it (see `SummaryFile`)."""
    found = _matrix(fields, 0)
    if found is None:
        return None
    chars, inside = found
    if np.all(~inside | ((chars > ord(" ")) & (chars < 0x7F))):
        # Printable ASCII without spaces: nothing to strip or decode beyond ASCII.
        return chars.view(f"S{chars.shape[1]}").ravel()
    bounds = zip(fields.starts[:, 0].tolist(), fields.ends[:, 0].tolist(), strict=True)
    return tuple(body[start:end].decode("utf-8").strip() for start, end in bounds)
