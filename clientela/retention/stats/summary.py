"""From raw transactions to the (x, t_x, T) summaries the models are fitted on.

The summary follows Fader, Hardie & Lee (2005, "Counting Your Customers the Easy Way",
Marketing Science 24(2), section 2): purchases on the same day are one transaction, the first
purchase starts the customer's clock and is not counted, ``x`` is the number of repeat
transactions up to the end of calibration, ``t_x`` the time of the last one (0 when ``x = 0``),
``T`` the time from the first purchase to the end of calibration. Monetary value is the mean of
the repeat transactions' (same-day summed) values, as the Gamma-Gamma model expects (Fader &
Hardie 2013, note 025: the first purchase is left out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]
Unit = Literal["days", "weeks"]

_DAYS_PER_UNIT: dict[str, float] = {"days": 1.0, "weeks": 7.0}
_DENSE_KEY_LIMIT = 1 << 26  # combined keys below this are counted with bincount, not sorted


@dataclass(frozen=True)
class CustomerSummary:
    """One row per customer whose first purchase is on or before the calibration end."""

    customer_id: NDArray[np.generic]
    first_day: IntArray  # days since 1970-01-01
    x: Array  # repeat transactions in calibration
    t_x: Array  # time of the last repeat transaction, in ``unit``
    T: Array  # time from first purchase to calibration end, in ``unit``
    monetary: Array  # mean value of the repeat transactions in calibration, 0 when x = 0
    holdout_x: Array  # transactions after calibration end up to holdout end
    unit: Unit


@dataclass(frozen=True)
class Compressed:
    """Distinct (x, t_x, T) rows with their multiplicities.

    ``x[inverse]``, ``t_x[inverse]`` and ``T[inverse]`` give back the original arrays.
    """

    x: Array
    t_x: Array
    T: Array
    weight: Array
    inverse: IntArray

    @property
    def n_customers(self) -> int:
        return int(self.inverse.size)


def summarize(
    customer_id: ArrayLike,
    date: ArrayLike,
    amount: ArrayLike,
    *,
    calibration_end: np.datetime64 | str,
    holdout_end: np.datetime64 | str | None = None,
    unit: Unit = "weeks",
) -> CustomerSummary:
    """Summarize transactions (one row per purchase record) per customer.

    Dates are anything ``numpy.datetime64`` understands; only the day counts. Both period ends
    are inclusive days. Customers whose first purchase is after ``calibration_end`` are left
    out: they have no calibration history.
    """
    ids, cust = np.unique(np.asarray(customer_id), return_inverse=True)
    day = np.asarray(date, dtype="datetime64[D]").astype(np.int64)
    value = np.asarray(amount, dtype=float)
    cal_end = _day(calibration_end)
    hold_end = cal_end if holdout_end is None else _day(holdout_end)

    # Same-day purchases become one transaction with the summed value.
    d_cust, d_day, d_value = _merge_same_day(cust.astype(np.int64), day, value)
    n = ids.size
    first = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first, d_cust, d_day)
    in_cal = d_day <= cal_end
    is_repeat = in_cal & (d_day > first[d_cust])
    x = np.bincount(d_cust[is_repeat], minlength=n).astype(float)
    last = first.copy()
    np.maximum.at(last, d_cust[in_cal], d_day[in_cal])
    spend = np.bincount(d_cust[is_repeat], weights=d_value[is_repeat], minlength=n)
    in_hold = (d_day > cal_end) & (d_day <= hold_end)
    holdout_x = np.bincount(d_cust[in_hold], minlength=n).astype(float)

    keep = first <= cal_end
    scale = _DAYS_PER_UNIT[unit]
    return CustomerSummary(
        customer_id=ids[keep],
        first_day=first[keep],
        x=x[keep],
        t_x=((last - first) / scale)[keep],
        T=((cal_end - first) / scale)[keep],
        monetary=np.divide(spend, x, out=np.zeros(n), where=x > 0)[keep],
        holdout_x=holdout_x[keep],
        unit=unit,
    )


def _merge_same_day(
    cust: IntArray, day: IntArray, value: Array
) -> tuple[IntArray, IntArray, Array]:
    day0 = int(day.min()) if day.size else 0
    span = int(day.max()) - day0 + 1 if day.size else 1
    key = cust * span + (day - day0)
    uniq, inverse = np.unique(key, return_inverse=True)
    summed = np.bincount(inverse, weights=value, minlength=uniq.size).astype(np.float64)
    return uniq // span, uniq % span + day0, summed


def _day(when: np.datetime64 | str) -> int:
    """Days since 1970-01-01."""
    return int(np.asarray(when, dtype="datetime64[D]").astype(np.int64))


def compress(x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> Compressed:
    """Collapse customers with identical (x, t_x, T) into one row with an integer weight.

    Every likelihood in this package is a sum over customers of a function of (x, t_x, T), so
    fitting on the distinct rows with weights gives the same value at a fraction of the cost:
    real data come in whole days, which bounds the number of distinct rows however many
    customers there are. Each column is factorized on its own (sort of the distinct values plus
    a binary search), then the three codes are combined into one integer key, counted densely
    when the key space is small and sorted otherwise.
    """
    (x_u, t_u, T_u), weight, inverse = distinct_rows(x, t_x, T)
    return Compressed(x=x_u, t_x=t_u, T=T_u, weight=weight, inverse=inverse)


def distinct_rows(*columns: ArrayLike) -> tuple[list[Array], Array, IntArray]:
    """Return the distinct rows of equal-length columns, their counts and each row's index."""
    cols = [np.asarray(v, dtype=float).ravel() for v in columns]
    uniques, codes = zip(*(factorize(c) for c in cols), strict=True)
    key = codes[0]
    for u, c in zip(uniques[1:], codes[1:], strict=True):
        key = key * u.size + c
    n_keys = int(np.prod([u.size for u in uniques], dtype=np.float64))
    if n_keys <= max(_DENSE_KEY_LIMIT, 4 * key.size):
        counts = np.bincount(key, minlength=n_keys)
        distinct = np.flatnonzero(counts)
        lookup = np.zeros(n_keys, dtype=np.int64)
        lookup[distinct] = np.arange(distinct.size)
        inverse = lookup[key]
        weight = counts[distinct].astype(float)
    else:
        distinct, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        weight = counts.astype(float)
    rows: list[Array] = []
    for u in reversed(uniques):
        rows.insert(0, u[distinct % u.size])
        distinct = distinct // u.size
    return rows, weight, inverse.astype(np.int64)


def factorize(values: Array) -> tuple[Array, IntArray]:
    """Return the sorted distinct values and each element's index among them.

    The distinct values come from a sort. Each element's index then comes from a
    multiply-shift hash of its bit pattern into a table (checked to be collision-free on the
    distinct values, so the result is exact), which is several times faster than a binary
    search per element; a binary search is the fallback.
    """
    v = np.asarray(values, dtype=np.float64).ravel() + 0.0  # -0.0 and 0.0 become one value
    uniq = np.unique(v)
    if v.size < 4096 or uniq.size > 2048:
        return uniq, np.searchsorted(uniq, v).astype(np.int64)
    # A table of ~n^2 slots makes a collision-free hash likely (birthday bound).
    bits = min(23, 2 * int(uniq.size).bit_length() + 2)
    shift = np.uint64(64 - bits)
    ubits = uniq.view(np.uint64)
    for mult in _HASH_MULTIPLIERS:
        slots = (ubits * mult) >> shift
        if np.unique(slots).size == uniq.size:
            table = np.zeros(1 << bits, dtype=np.int32)
            table[slots] = np.arange(uniq.size, dtype=np.int32)
            return uniq, table[(v.view(np.uint64) * mult) >> shift].astype(np.int64)
    return uniq, np.searchsorted(uniq, v).astype(np.int64)


_HASH_MULTIPLIERS = tuple(
    np.uint64(m) for m in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)
)
