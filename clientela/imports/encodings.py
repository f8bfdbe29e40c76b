"""Which text encoding a CSV file is in (no Django).

Excel in Romania saves "CSV" in the system's code page, Windows-1250; older tools write
ISO-8859-2. Both have the Romanian letters at the same bytes (ă â î ş ţ and their capitals,
with the cedilla: neither has ș or ț with the comma below), so the two differ only in the
bytes 0x80-0x9F, which Windows-1250 prints („ ” € Š …, the dashes) and ISO-8859-2 keeps for control
characters that no text file holds. A file is read as:
- UTF-8 when it decodes as UTF-8 (a BOM is skipped), or when it holds at least as many
  valid multi-byte UTF-8 letters as bad bytes: the mis-saved lines of a UTF-8 file are then
  reported by line (a legacy file makes a valid UTF-8 pair only by chance, as "ĂŞ" does);
- else Windows-1250 if any byte is in 0x80-0x9F, else ISO-8859-2 (for Romanian text the
  two then read the same).
"""

from __future__ import annotations

import re
from typing import BinaryIO

UTF8 = "utf-8"
CP1250 = "cp1250"
ISO_8859_2 = "iso-8859-2"
ENCODINGS = (UTF8, CP1250, ISO_8859_2)

CHUNK = 1 << 20
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_C1 = re.compile(rb"[\x80-\x9f]")
# The cedilla letters, the only ones the legacy encodings have, and the comma-below letters
# Romanian writes (the legacy files lost the difference, so they are read as the latter).
COMMA_BELOW = str.maketrans("şţŞŢ", "șțȘȚ")


def detect(handle: BinaryIO) -> str:
    """The encoding of the file (see the module's docstring); the handle is rewound."""
    handle.seek(0)
    valid = bad = 0
    has_c1 = False
    tail = b""
    while True:
        chunk = handle.read(CHUNK)
        if not chunk:
            break
        data = tail + chunk
        # Keep a multi-byte sequence cut at the end of the chunk for the next one.
        cut = _complete(data)
        data, tail = data[:cut], data[cut:]
        if data.isascii():
            continue
        text = data.decode(UTF8, errors="surrogateescape")
        wrong = len(_NOT_UTF8.findall(text))
        bad += wrong
        valid += len(data) - len(text)  # a byte more per valid multi-byte letter (or two)
        has_c1 = has_c1 or bool(_C1.search(data))
    bad += len(tail)
    handle.seek(0)
    if valid >= bad:
        return UTF8
    return CP1250 if has_c1 else ISO_8859_2


def _complete(data: bytes) -> int:
    """The length of `data` without a multi-byte UTF-8 sequence cut at its end."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return len(data)
        if byte >= 0xC0:  # a lead byte: is its sequence complete?
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return len(data) if back >= need else len(data) - back
    return len(data)


def label(encoding: str) -> str:
    """The name people know an encoding by."""
    return {UTF8: "UTF-8", CP1250: "Windows-1250", ISO_8859_2: "ISO-8859-2"}.get(encoding, encoding)
