"""Segments that agree with the purchase model: who is likely still a customer, and what they
are worth.

The RFM segments (``rfm.segments``) rank customers against each other: a customer who bought
often and much lands among the "champions" even when the model says he is most likely gone.
These segments are read from the model's own figures instead, so that the page never names a
customer a champion while it shows him 11% likely still active:

- ``p_alive``: the probability that the customer is still a customer (BG/NBD: Fader, Hardie &
  Lee, "Computing P(alive) using the BG/NBD model", 2008 note; Pareto/NBD: Schmittlein,
  Morrison & Colombo 1987, Management Science 33(1); MBG/NBD: Batislam, Denizel & Filiztekin
  2007, International Journal of Research in Marketing 24(3));
- ``expected``: the purchases expected in the next year (the same papers' conditional
  expectation);
- ``value``: the value of the next 12 months (CLV) when a model is fitted, else the spend
  so far.

Customers with a single purchase are placed by their silence alone, against the shop's
typical gap between purchases, whatever the model. BG/NBD cannot tell whether such a customer
has left: it lets customers drop out only right after a repeat purchase, so its P(alive) is 1
for everyone with x = 0 however long ago they bought (the 2008 note's formula, whose dropout
term carries the factor [x > 0]). MBG/NBD and
Pareto/NBD do give them a P(alive); the rule below is right under all three.

Without a fitted model (a refused fit), P(alive) of repeat buyers is read from their own
rhythm: the time since the last purchase over their usual gap (``rhythm.overdue``).

The names, thresholds and rules are our own convention, cited from no paper (as the RFM names
before them): a plain reading of the model's figures. Each rule is one sentence of the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]

# In the order the pages list them.
SEGMENTS: tuple[str, ...] = (
    "new",
    "champions",
    "loyal",
    "occasional",
    "cannot_lose_them",
    "at_risk",
    "one_time",
    "lost",
)
# The segments that say "still a customer": no long-silent one-time buyer is ever in them.
ACTIVE_SEGMENTS = frozenset({"new", "champions", "loyal", "occasional"})

LIKELY = 0.7  # P(alive) from which a customer counts as likely still a customer
UNLIKELY = 0.3  # under this, likely gone
HIGH_VALUE_SHARE = 0.2  # "worth the most": the top fifth by value
YEARLY = 1.0  # expected purchases in the next year from which a customer is "loyal"
# Without a model: overdue (time since the last purchase over the usual gap) up to which a
# repeat buyer counts as likely still a customer, and from which as likely gone.
OVERDUE_LIKELY = 1.5
OVERDUE_UNLIKELY = 3.0
# A one-time buyer is "new" while silent for at most NEW_GAPS typical gaps of the shop, never
# less than NEW_MIN_DAYS nor more than NEW_MAX_DAYS (a year: whoever bought once more than a
# year ago is not new, however slow the shop); NEW_DEFAULT_DAYS while no one bought twice.
NEW_GAPS = 2.0
NEW_MIN_DAYS = 30.0
NEW_MAX_DAYS = 365.0
NEW_DEFAULT_DAYS = 90.0


@dataclass(frozen=True)
class SegmentInputs:
    """One entry per customer, all in days where a time."""

    purchases: NDArray[np.int64]  # distinct purchase days, the first included
    days_since_last: Array
    usual_gap: Array  # the customer's mean gap between purchases; 0 with one purchase
    value: Array  # CLV when a model is fitted, else the spend so far
    p_alive: Array | None = None  # NaN where the model does not say (see the docstring)
    expected: Array | None = None  # purchases expected in the next year


def typical_gap(purchases: ArrayLike, usual_gap: ArrayLike) -> float:
    """The shop's typical gap between purchases: the median of the repeat buyers' own mean
    gaps (the measure of ``rfm.fit_readiness``), NaN when nobody bought twice."""
    n = np.asarray(purchases, dtype=float)
    gap = np.asarray(usual_gap, dtype=float)
    repeat = (n >= 2) & (gap > 0)
    return float(np.median(gap[repeat])) if repeat.any() else float("nan")


def new_window(shop_gap: float) -> float:
    """How long (days) a one-time buyer stays "new"; see NEW_GAPS."""
    if not np.isfinite(shop_gap):
        return NEW_DEFAULT_DAYS
    return float(np.clip(NEW_GAPS * shop_gap, NEW_MIN_DAYS, NEW_MAX_DAYS))


def high_value(value: ArrayLike) -> NDArray[np.bool_]:
    """The customers worth the most: value above zero and at least that of the customer at the
    top ``HIGH_VALUE_SHARE`` (ties at the edge are all in)."""
    v = np.nan_to_num(np.asarray(value, dtype=float), nan=0.0)
    if v.size == 0:
        return np.zeros(0, dtype=bool)
    k = max(1, int(v.size * HIGH_VALUE_SHARE))
    edge = float(np.partition(v, v.size - k)[v.size - k])
    top: NDArray[np.bool_] = (v >= edge) & (v > 0)
    return top


def segments(inputs: SegmentInputs) -> NDArray[np.str_]:
    """Name each customer's segment; the first rule that matches wins.

    ================  ==========================================================
    new               one purchase, silent for at most ``new_window`` days
    one_time          one purchase, silent for longer
    champions         P(alive) >= LIKELY and among the top fifth by value
    loyal             P(alive) >= LIKELY, expected purchases next year >= 1
    occasional        P(alive) >= LIKELY (fewer expected purchases)
    cannot_lose_them  UNLIKELY <= P(alive) < LIKELY and among the top fifth by value
    at_risk           UNLIKELY <= P(alive) < LIKELY
    lost              P(alive) < UNLIKELY
    ================  ==========================================================

    Repeat buyers without a model's P(alive) take the overdue ratio in its place: up to
    OVERDUE_LIKELY counts as likely, past OVERDUE_UNLIKELY as unlikely; without expected
    purchases every likely one who is not a champion is loyal.
    """
    n = np.asarray(inputs.purchases)
    silence = np.asarray(inputs.days_since_last, dtype=float)
    gap = np.asarray(inputs.usual_gap, dtype=float)
    once = n <= 1
    window = new_window(typical_gap(n, gap))
    top = high_value(inputs.value)

    overdue = np.divide(silence, gap, out=np.full(silence.shape, np.inf), where=gap > 0)
    likely = overdue <= OVERDUE_LIKELY
    unlikely = overdue > OVERDUE_UNLIKELY
    if inputs.p_alive is not None:
        p = np.asarray(inputs.p_alive, dtype=float)
        known = np.isfinite(p)
        likely = np.where(known, p >= LIKELY, likely)
        unlikely = np.where(known, p < UNLIKELY, unlikely)
    frequent = (
        np.ones(n.shape, dtype=bool)
        if inputs.expected is None
        else np.nan_to_num(np.asarray(inputs.expected, dtype=float), nan=np.inf) >= YEARLY
    )
    conditions = [
        once & (silence <= window),
        once,
        likely & top,
        likely & frequent,
        likely,
        ~unlikely & top,
        ~unlikely,
    ]
    names = ["new", "one_time", "champions", "loyal", "occasional", "cannot_lose_them"]
    names += ["at_risk"]
    return np.select(conditions, names, default="lost").astype(np.str_)
