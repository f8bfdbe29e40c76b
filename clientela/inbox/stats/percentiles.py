"""Median, 90th percentile and the share answered within target, over response times.

The percentile is Hyndman and Fan's definition 7 (R. J. Hyndman, Y. Fan, "Sample quantiles in
statistical packages", The American Statistician 50(4), 1996): linear interpolation between
the order statistics at (n - 1) p, the default of R and of numpy, so our figures match what a
reader gets from either on the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], p: float) -> float | None:
    """The `p`-th quantile (0 <= p <= 1) of `values`; None for no values."""
    if not 0.0 <= p <= 1.0:
        raise ValueError("p must lie in [0, 1]")
    if not values:
        return None
    ordered = sorted(values)
    h = (len(ordered) - 1) * p
    low = math.floor(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


@dataclass(frozen=True)
class ResponseSummary:
    count: int
    median: float | None
    p90: float | None
    within_target: int
    # within_target / count, None for no responses
    share_within: float | None


def summarize(seconds: Sequence[float], met: Sequence[bool]) -> ResponseSummary:
    """The figures of one group of responses: their business seconds and whether each met
    its target."""
    if len(seconds) != len(met):
        raise ValueError("one 'met' per response")
    within = sum(1 for m in met if m)
    return ResponseSummary(
        count=len(seconds),
        median=percentile(seconds, 0.5),
        p90=percentile(seconds, 0.9),
        within_target=within,
        share_within=within / len(seconds) if seconds else None,
    )
