"""Scores as tab-separated text without a Python call per row.

`retention score` prints a million lines of `id<TAB>p_alive<TAB>expected_purchases`, each
number as "%.4f" writes it; formatting them one by one took longer than the fit. Here every
column becomes a matrix of ASCII bytes, padded with NUL, and the lines are the rows of their
concatenation with the NULs taken out.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

# Up to here a value times 10^4 is within 1e-5 of its exact decimal product, so that rounding
# it to an integer gives what "%.4f" gives, unless it lies within `_TIE` of a half.
_LIMIT = 1e7
_TIE = 1e-4


def _fixed4(values: Array) -> NDArray[np.uint8] | None:
    """Each value as "%.4f" writes it, right-aligned in NUL-padded rows; None when a value is
    negative or too large. A value within `_TIE` of a half at the fourth decimal, where only
    the exact binary value decides, is written by "%.4f" itself."""
    if not (np.all(values >= 0) and not np.any(np.signbit(values)) and np.all(values < _LIMIT)):
        return None
    scaled = values * 1e4
    rest = np.rint(scaled).astype(np.int64)
    digits = len(str(int(rest.max(initial=0)) // 10_000))  # of the widest whole part
    out = np.zeros((values.size, digits + 5), dtype=np.uint8)
    for column in range(digits + 4, -1, -1):  # from the last decimal leftwards
        if column == digits:
            out[:, column] = ord(".")
            continue
        rest, digit = np.divmod(rest, 10)
        # A whole part's leading zeros are padding, except the units digit's.
        blank = (rest == 0) & (digit == 0) & (column < digits - 1)
        out[:, column] = np.where(blank, 0, digit + ord("0"))
    for row in np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) <= _TIE).tolist():
        text = f"{values[row]:.4f}".encode().rjust(out.shape[1], b"\0")
        out[row] = np.frombuffer(text, dtype=np.uint8)
    return out


def score_lines(ids: NDArray[np.bytes_], p_alive: Array, expected: Array) -> str | None:
    """`id<TAB>p_alive<TAB>expected` lines, as "{}\\t{:.4f}\\t{:.4f}".format writes each;
    None when a number is negative or too large (see `_fixed4`): the caller formats them."""
    alive, purchases = _fixed4(p_alive), _fixed4(expected)
    if alive is None or purchases is None:
        return None
    n = ids.size
    tab = np.full((n, 1), ord("\t"), dtype=np.uint8)
    newline = np.full((n, 1), ord("\n"), dtype=np.uint8)
    id_bytes = ids.view(np.uint8).reshape(n, ids.itemsize)
    rows = np.hstack([id_bytes, tab, alive, tab, purchases, newline])
    text: str = rows[rows != 0].tobytes().decode("ascii")
    return text[:-1]
