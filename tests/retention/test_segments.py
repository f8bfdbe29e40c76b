"""Segments read from the model: never a likely-gone champion, never an active long-silent
one-time buyer, whichever model gave P(alive)."""

from __future__ import annotations

import numpy as np

from clientela.retention.stats.segments import (
    ACTIVE_SEGMENTS,
    SEGMENTS,
    SegmentInputs,
    high_value,
    new_window,
    segments,
    typical_gap,
)

NAN = float("nan")


def test_the_typical_gap_is_the_median_of_the_repeat_buyers_own_gaps() -> None:
    assert typical_gap([1, 2, 3, 4, 1], [0, 10, 20, 40, 0]) == 20.0
    assert np.isnan(typical_gap([1, 1], [0, 0]))


def test_a_one_time_buyer_is_new_for_two_typical_gaps_within_a_month_and_a_year() -> None:
    assert (new_window(20.0), new_window(5.0), new_window(400.0)) == (40.0, 30.0, 365.0)
    assert new_window(NAN) == 90.0


def test_the_top_fifth_by_value_and_ties_at_the_edge() -> None:
    assert high_value(np.arange(1.0, 11.0)).tolist() == [False] * 8 + [True] * 2
    assert high_value([5.0, 5.0, 5.0, 1.0, 1.0]).tolist() == [True] * 3 + [False] * 2
    assert high_value([0.0] * 5).tolist() == [False] * 5


def _shop() -> SegmentInputs:
    return SegmentInputs(
        purchases=np.array([1, 1, 5, 4, 2, 6, 3, 8, 1, 2]),
        days_since_last=np.array([10, 465, 10, 20, 50, 60, 60, 300, 40, 100], dtype=float),
        usual_gap=np.array([0, 0, 30, 30, 200, 20, 30, 10, 0, 30], dtype=float),
        value=np.array([20, 15, 1000, 100, 50, 900, 40, 30, 10, 10], dtype=float),
        # BG/NBD's P(alive) = 1 for the one-time buyers; customer 9's is unknown.
        p_alive=np.array([1.0, 1.0, 0.95, 0.9, 0.8, 0.5, 0.4, 0.11, 1.0, NAN]),
        expected=np.array([0.4, 0.1, 4.0, 3.0, 0.5, 1.2, 0.6, 0.1, 0.4, NAN]),
    )


def test_each_rule_of_the_table() -> None:
    assert segments(_shop()).tolist() == [
        "new",  # bought 10 days ago; the shop's typical gap is 30 days, so new for 60
        "one_time",  # bought once 465 days ago: not active, whatever BG/NBD's P(alive) of 1
        "champions",  # 95% and the second highest value
        "loyal",  # 90%, three purchases expected next year
        "occasional",  # 80%, half a purchase expected
        "cannot_lose_them",  # 50% and the highest value but one
        "at_risk",  # 40%
        "lost",  # 11%: eight purchases do not make a champion
        "new",  # 40 days: within two typical gaps
        "lost",  # no P(alive): 100 days silent at a 30-day rhythm, over 3 gaps overdue
    ]


def test_without_a_model_the_customers_own_rhythm_stands_in() -> None:
    shop = SegmentInputs(
        purchases=np.array([3, 3, 3, 3, 3, 3, 1, 1, 1, 1]),
        days_since_last=np.array([30, 30, 50, 50, 100, 100, 5, 5, 5, 400], dtype=float),
        usual_gap=np.array([20, 20, 20, 20, 20, 20, 0, 0, 0, 0], dtype=float),
        value=np.array([500, 10, 400, 10, 300, 10, 1, 1, 1, 1], dtype=float),
    )
    assert segments(shop).tolist() == [
        "champions",  # 1.5 gaps overdue, top value
        "loyal",  # without expected purchases, every likely one is loyal
        "cannot_lose_them",  # 2.5 gaps
        "at_risk",
        "lost",  # 5 gaps, whatever the value
        "lost",
        "new",
        "new",
        "new",
        "one_time",  # the shop's gap is 20 days: new for 40
    ]


def test_no_champion_is_likely_gone_and_no_long_silent_one_time_buyer_is_active() -> None:
    rng = np.random.default_rng(11)
    n = 5000
    purchases = rng.integers(1, 10, n)
    silence = rng.uniform(0, 800, n)
    gap = np.where(purchases > 1, rng.uniform(1, 200, n), 0.0)
    p = rng.uniform(0, 1, n)
    p[purchases == 1] = 1.0  # BG/NBD
    names = segments(
        SegmentInputs(purchases, silence, gap, rng.lognormal(3, 1, n), p, rng.uniform(0, 3, n))
    )
    assert set(names) == set(SEGMENTS)
    assert not np.any(np.isin(names, ["champions", "loyal", "occasional"]) & (p < 0.7))
    assert not np.any(np.isin(names, list(ACTIVE_SEGMENTS)) & (purchases == 1) & (silence > 365))
