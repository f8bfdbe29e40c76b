"""RFM scores, and whether the data can carry a model fit.

Sources, and what is ours:

- Scoring recency, frequency and monetary value 1 to 5 by quintile is the direct-marketing
  practice described by Hughes (1994), *Strategic Database Marketing*, Probus. Here each
  measure is scored on its own (not nested within recency), and the quintiles come from
  ranks rather than fixed edges: ``score = ceil(5 * rank / n)`` with tied values sharing
  their average rank. That gives every score from 1 to 5 its fifth of the customers when
  values differ, gives ties one score, and still works with 10 customers (two per score) or
  with everybody equal (all 3). The tie rule is our choice.
- The scores are shown as their own columns; the segments are read from the purchase model
  (`segments`), not from these ranks, which would call a customer who bought often a
  "champion" when the model says he is most likely gone.
- The thresholds of `fit_readiness` are our rules of thumb (see the comment at them), not
  published criteria.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, cast

import numpy as np
import numpy.typing as npt
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]

# Thresholds for fit_readiness. Below ~100 customers or ~20 repeat buyers the dropout
# parameters of BG/NBD and Pareto/NBD are not identified (the likelihood is flat in a, b or
# s, beta) and fits wander to the bounds. A model also needs to have seen customers buy
# again: the calibration period must cover at least two typical gaps between purchases, and
# never less than eight weeks, or "not bought yet" cannot be told from "gone".
MIN_CUSTOMERS = 100
MIN_REPEAT_CUSTOMERS = 20
MIN_HISTORY_DAYS = 56.0
MIN_GAP_MULTIPLE = 2.0
_DAYS = {"days": 1.0, "weeks": 7.0}


@dataclass(frozen=True)
class RFMScores:
    recency: IntArray  # 5 = bought most recently
    frequency: IntArray  # 5 = bought most often
    monetary: IntArray  # 5 = spent most


# Why a fit is refused. Each code comes with the numbers its sentence needs; the words (in the
# reader's language) are the service layer's business, since this package imports no Django.
TOO_FEW_CUSTOMERS = "too_few_customers"  # customers, minimum
TOO_FEW_REPEAT_BUYERS = "too_few_repeat_buyers"  # repeat_customers, minimum
HISTORY_TOO_SHORT = "history_too_short"  # history_days, minimum_days
HISTORY_SHORTER_THAN_GAPS = "history_shorter_than_gaps"  # history_days, gap_days


@dataclass(frozen=True)
class Readiness:
    ok: bool
    code: str | None = None  # one of the codes above when not ok
    values: dict[str, float] = field(default_factory=dict)


def rank_scores(values: ArrayLike, *, higher_is_better: bool = True) -> IntArray:
    """Scores 1-5 from average ranks: ``ceil(5 * rank / n)``; equal values, equal scores."""
    # Imported here: scipy.stats takes about a second of CPU to import, and every process of
    # the app (worker, clock, sender, each CLI command) imports this module at start.
    from scipy.stats import rankdata

    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return np.zeros(0, dtype=np.int64)
    ranks = rankdata(v if higher_is_better else -v, method="average")
    return cast(
        "npt.NDArray[np.int64]",
        np.clip(np.ceil(5.0 * ranks / v.size - 1e-9), 1, 5).astype(np.int64),
    )


def rfm(recency: ArrayLike, frequency: ArrayLike, monetary: ArrayLike | None = None) -> RFMScores:
    """Score customers 1 to 5 on each measure.

    ``recency`` is the time since the last purchase (smaller is better), ``frequency`` the
    number of purchases (the first included), ``monetary`` the spend (total or mean; any
    monotone measure). Without ``monetary`` the frequency score stands in for it.
    """
    f_raw = np.asarray(frequency, dtype=float)
    r = rank_scores(recency, higher_is_better=False)
    f = rank_scores(f_raw)
    m = f if monetary is None else rank_scores(monetary)
    return RFMScores(recency=r, frequency=f, monetary=m)


def fit_readiness(
    x: ArrayLike, t_x: ArrayLike, T: ArrayLike, *, unit: Literal["days", "weeks"] = "weeks"
) -> Readiness:
    """Say whether (x, t_x, T) summaries can support a BG/NBD or Pareto/NBD fit, and if not, why.

    Refuses with fewer than ``MIN_CUSTOMERS`` customers, fewer than ``MIN_REPEAT_CUSTOMERS``
    with a repeat purchase, a history (the oldest customer's T) shorter than eight weeks, or a
    history shorter than ``MIN_GAP_MULTIPLE`` times the median of the repeat buyers' mean gap
    between purchases (``t_x / x``).
    """
    x_ = np.asarray(x, dtype=float)
    t_x_ = np.asarray(t_x, dtype=float)
    T_ = np.asarray(T, dtype=float)
    repeat = x_ > 0
    n, n_repeat = int(x_.size), int(repeat.sum())
    days = _DAYS[unit]
    if n < MIN_CUSTOMERS:
        return Readiness(False, TOO_FEW_CUSTOMERS, {"customers": n, "minimum": MIN_CUSTOMERS})
    if n_repeat < MIN_REPEAT_CUSTOMERS:
        return Readiness(
            False,
            TOO_FEW_REPEAT_BUYERS,
            {"repeat_customers": n_repeat, "minimum": MIN_REPEAT_CUSTOMERS},
        )
    history_days = float(T_.max()) * days
    if history_days < MIN_HISTORY_DAYS:
        return Readiness(
            False,
            HISTORY_TOO_SHORT,
            {"history_days": round(history_days), "minimum_days": round(MIN_HISTORY_DAYS)},
        )
    median_gap_days = float(np.median(t_x_[repeat] / x_[repeat])) * days
    if history_days < MIN_GAP_MULTIPLE * median_gap_days:
        return Readiness(
            False,
            HISTORY_SHORTER_THAN_GAPS,
            {"history_days": round(history_days), "gap_days": round(median_gap_days)},
        )
    return Readiness(True)
