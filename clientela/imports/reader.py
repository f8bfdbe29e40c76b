"""Streaming CSV reading: encoding, separator, header and line numbers (no Django).

The file is read once per pass in constant memory. Bytes that are not UTF-8 are kept as
surrogates by the decoder so that the bad line is reported instead of aborting the read.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple

from django.utils.translation import gettext as _

_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_HEADER_JUNK = re.compile(r"[^a-z0-9]+")
_QUOTED = re.compile(r'"[^"]*"')


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, int | str]:
        return {"line": self.line, "column": self.column, "reason": self.reason}


class RawRow(NamedTuple):
    """One record of the file: its first physical line, and its cells by canonical column.

    A named tuple (not a frozen dataclass, whose constructor costs twice as much): one is
    built per row of the file.
    """

    line: int
    cells: dict[str, str]


class HeaderError(ValueError):
    def __init__(self, error: RowError) -> None:
        super().__init__(error.reason)
        self.error = error


def header_key(name: str) -> str:
    """`Adresă de e-mail` → `adresa_de_e_mail`: lower case, no diacritics, underscores."""
    plain = unicodedata.normalize("NFKD", name.strip().lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return _HEADER_JUNK.sub("_", plain).strip("_")


def sniff_separator(header_line: str) -> str:
    """The separator of the header row: semicolon (Excel in Romanian) or comma.

    Whichever appears more often outside quotes wins; a tie means comma.
    """
    bare = _QUOTED.sub("", header_line)
    return ";" if bare.count(";") > bare.count(",") else ","


class CsvSource:
    """Iterate the rows of a CSV file as `RawRow`s or `RowError`s, tracking bytes read."""

    def __init__(self, handle: BinaryIO, aliases: dict[str, str]) -> None:
        self._raw = handle
        self._text = io.TextIOWrapper(
            handle, encoding="utf-8-sig", errors="surrogateescape", newline=""
        )
        self._aliases = aliases
        self.columns: list[str | None] = []

    def tell(self) -> int:
        """Bytes of the file read so far (the decoder reads ahead in chunks)."""
        return self._raw.tell()

    def read_header(self) -> list[str]:
        """Map the header to canonical names; raise HeaderError if it is unusable."""
        first = self._text.readline()
        if not first.strip():
            raise HeaderError(RowError(1, "", _("the file is empty or has no header row")))
        self.delimiter = sniff_separator(first)
        self._reader = csv.reader(
            itertools.chain([first], self._text), delimiter=self.delimiter, strict=False
        )
        names = next(self._reader)
        self.columns = [self._canonical(name) for name in names]
        seen = [name for name in self.columns if name]
        for name in seen:
            if seen.count(name) > 1:
                raise HeaderError(RowError(1, name, _("this column appears twice in the header")))
        return seen

    def _canonical(self, name: str) -> str | None:
        if _NOT_UTF8.search(name):
            raise HeaderError(RowError(1, "", _("the file is not UTF-8 text")))
        return self._aliases.get(header_key(name))

    def __iter__(self) -> Iterator[RawRow | RowError]:
        width = len(self.columns)
        last_line = 1
        while True:
            start = last_line + 1
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                last_line = max(self._reader.line_num, start)
                yield RowError(start, "", _("unreadable CSV: %(error)s") % {"error": exc})
                continue
            last_line = self._reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            yield self._row(start, cells, width)

    def _row(self, line: int, cells: list[str], width: int) -> RawRow | RowError:
        if len(cells) != width:
            return RowError(
                line,
                "",
                _("has %(cells)s cells but the header has %(width)s")
                % {"cells": len(cells), "width": width},
            )
        joined = "".join(cells)
        if _NOT_UTF8.search(joined):
            return RowError(line, "", _("is not valid UTF-8 text"))
        if "\x00" in joined:  # no database text column can hold it
            return RowError(line, "", _("contains a NUL character"))
        return RawRow(
            line, {name: cell for name, cell in zip(self.columns, cells, strict=True) if name}
        )
