"""Overdue against their own rhythm: time since the last purchase over the customer's usual gap.

A customer who buys every two weeks and has not bought for six is three gaps overdue; one who
buys twice a year and has not bought for six weeks is not overdue at all. The usual gap is the
mean inter-purchase time, ``(last - first) / (purchases - 1)``, which needs two purchases.
For customers with fewer (or with all purchases at one instant) the ratio is undefined: it is
reported as 0 with ``defined`` False, never as NaN or inf.

This is our own descriptive measure, cited from no paper: a plain reading of the customer's
history with no probabilistic meaning (it ignores how regular the gaps are and how many there
were). The model-based counterpart is P(alive) from BG/NBD (Fader, Hardie & Lee 2005,
"Counting your customers the easy way", Marketing Science 24(2)) or Pareto/NBD (Schmittlein,
Morrison & Colombo 1987, Management Science 33(1)), which the engine computes beside it.
`overdue_from_summary` reads the (x, t_x, T) summary in the notation of those papers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Rhythm:
    usual_gap: Array  # mean time between purchases; 0 where undefined
    since_last: Array  # time since the last purchase
    overdue_ratio: Array  # since_last / usual_gap; 0 where undefined
    defined: NDArray[np.bool_]


def overdue(first: ArrayLike, last: ArrayLike, purchases: ArrayLike, now: ArrayLike) -> Rhythm:
    """Rhythm from the first and last purchase times, the number of purchases (distinct days,
    the first included) and the time of evaluation, all numbers in one unit."""
    first_, last_, now_ = (np.asarray(v, dtype=float) for v in (first, last, now))
    count = np.asarray(purchases, dtype=float)
    span = last_ - first_
    defined = (count >= 2) & (span > 0)
    gap = np.divide(span, count - 1.0, out=np.zeros(span.shape), where=defined)
    since = np.maximum(now_ - last_, 0.0)
    ratio = np.divide(since, gap, out=np.zeros(span.shape), where=defined)
    return Rhythm(usual_gap=gap, since_last=since, overdue_ratio=ratio, defined=defined)


def overdue_from_summary(x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> Rhythm:
    """The same from an (x, t_x, T) summary: x repeat purchases span ``t_x``, the last one was
    ``T - t_x`` ago."""
    x_, t_x_ = np.asarray(x, dtype=float), np.asarray(t_x, dtype=float)
    return overdue(np.zeros(x_.shape), t_x_, x_ + 1.0, T)
