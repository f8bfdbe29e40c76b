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

from clientela.imports.encodings import COMMA_BELOW, UTF8, label

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
    """Iterate the rows of a CSV file as `RawRow`s or `RowError`s, tracking bytes read.

    `encoding` is one of `encodings.ENCODINGS` (see `encodings.detect`). The records are
    read by `csv` from the file's physical lines, each kept until its record is complete: a
    record that breaks the quoting rules (a quotation mark that opens a cell and is not
    closed where the cell ends) is one error on its first line, and the lines it took are
    read again as records of their own. Without that, a single stray quotation mark
    swallows every row up to the next one and the import "succeeds" without them.
    """

    def __init__(self, handle: BinaryIO, encoding: str = UTF8) -> None:
        self._raw = handle
        self.encoding = encoding
        self._text = io.TextIOWrapper(
            handle,
            encoding="utf-8-sig" if encoding == UTF8 else encoding,
            errors="surrogateescape",
            newline="",
        )
        self.columns: list[str | None] = []
        self._taken: list[str] = []  # the physical lines of the record being read
        self._next_line = 1  # the number of the next physical line to be read

    def tell(self) -> int:
        """Bytes of the file read so far (the decoder reads ahead in chunks)."""
        return self._raw.tell()

    def read_names(self) -> list[str]:
        """The names of the header row, as written; raise HeaderError if it is unusable."""
        first = self._text.readline()
        if not first.strip():
            raise HeaderError(RowError(1, "", _("the file is empty or has no header row")))
        if _NOT_UTF8.search(first):
            raise HeaderError(RowError(1, "", self._bad_text_reason(header=True)))
        self.delimiter = sniff_separator(first)
        self._reader = self._records(itertools.chain([first], self._text))
        names = next(self._reader)
        self._next_line += len(self._taken)
        return names

    def use_columns(self, columns: list[str | None]) -> None:
        """The canonical name of each column of the file (None: a column not read)."""
        self.columns = columns

    def _records(self, lines: Iterator[str]) -> Iterator[list[str]]:
        return csv.reader(self._lines(lines), delimiter=self.delimiter, strict=True)

    def _lines(self, lines: Iterator[str]) -> Iterator[str]:
        taken = self._taken
        if self.encoding == UTF8:
            for line in lines:
                taken.append(line)
                yield line
        else:
            for line in lines:
                line = line.translate(COMMA_BELOW)
                taken.append(line)
                yield line

    def __iter__(self) -> Iterator[RawRow | RowError]:
        width = len(self.columns)
        taken = self._taken
        while True:
            taken.clear()
            start = self._next_line
            try:
                cells = next(self._reader)
            except StopIteration:
                if not taken:
                    return
                cells = None  # the file ended inside a quoted cell
            except csv.Error:
                cells = None
            if cells is None:
                yield RowError(
                    start, "", _('has a quotation mark (") that is not closed where its cell ends')
                )
                self._next_line += 1
                # The lines after the first were read as part of the broken record: read
                # them again, on their own, with a reader that starts afresh.
                again = [line for line in taken[1:]]
                self._reader = self._records(itertools.chain(again, self._text))
                continue
            self._next_line += len(taken)
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            yield self._row(start, cells, width)

    def _bad_text_reason(self, header: bool = False) -> str:
        if self.encoding == UTF8 and header:
            return _(
                "the file is not UTF-8 text: choose its encoding on the import page "
                "(Excel in Romanian saves Windows-1250)"
            )
        if self.encoding == UTF8:
            return _("is not valid UTF-8 text")
        return _("has bytes that are not %(encoding)s text") % {"encoding": label(self.encoding)}

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
            return RowError(line, "", self._bad_text_reason())
        if "\x00" in joined:  # no database text column can hold it
            return RowError(line, "", _("contains a NUL character"))
        return RawRow(
            line, {name: cell for name, cell in zip(self.columns, cells, strict=True) if name}
        )


def canonical_columns(names: list[str], aliases: dict[str, str]) -> list[str | None]:
    """The canonical name of each header name by `aliases` (keys of `header_key`); raise
    HeaderError for a canonical column named twice."""
    columns = [aliases.get(header_key(name)) for name in names]
    seen = [name for name in columns if name]
    for name in seen:
        if seen.count(name) > 1:
            raise HeaderError(RowError(1, name, _("this column appears twice in the header")))
    return columns
