"""Reading a customer summary CSV for the `retention fit` and `retention score` commands.

Two spellings of the columns are accepted: Lifetimes' (`frequency`, `recency`, `T`,
`monetary_value`) and Fader & Hardie's (`x`, `t_x`, `T`, `zbar`). The first column is the
customer id whatever its name. Times are in the file's own unit. Every bad row is reported with
its line number; nothing is fitted on a file with errors.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

SPELLINGS = (
    {"x": "frequency", "t_x": "recency", "T": "T", "monetary": "monetary_value"},
    {"x": "x", "t_x": "t_x", "T": "T", "monetary": "zbar"},
)
MAX_ERRORS = 20


class SummaryFileError(ValueError):
    """The file cannot be used; `errors` lists one "line N: reason" string per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class SummaryFile:
    ids: tuple[str, ...]
    x: Array
    t_x: Array
    T: Array
    monetary: Array | None


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
    return SummaryFile(tuple(ids), arrays["x"], arrays["t_x"], arrays["T"], arrays.get("monetary"))
