"""RFM scores and segments for a small shop, and fit readiness."""

from __future__ import annotations

import numpy as np

from clientela.retention.stats.rfm import Readiness, fit_readiness, rank_scores, rfm


def test_ten_customers_get_two_per_score() -> None:
    assert rank_scores(np.arange(10.0)).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert rank_scores(np.arange(10.0), higher_is_better=False).tolist() == [
        5,
        5,
        4,
        4,
        3,
        3,
        2,
        2,
        1,
        1,
    ]


def test_ties_share_a_score_and_all_equal_is_the_middle() -> None:
    assert rank_scores([3.0] * 7).tolist() == [3] * 7
    assert rank_scores([1, 1, 1, 1, 1, 1, 1, 1, 1, 100]).tolist() == [3] * 9 + [5]


def test_scores_of_a_ten_customer_shop() -> None:
    days_since_last = [2, 3, 5, 10, 30, 45, 60, 90, 120, 200]
    purchases = [1, 8, 2, 6, 1, 2, 9, 1, 7, 1]
    spend = [20, 400, 40, 250, 15, 30, 500, 10, 300, 25]
    scores = rfm(days_since_last, purchases, spend)
    assert scores.recency.tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert scores.frequency.tolist() == [2, 5, 3, 4, 2, 3, 5, 2, 4, 2]
    assert scores.monetary.tolist() == [2, 5, 3, 4, 1, 3, 5, 1, 4, 2]


def test_without_spend_the_frequency_score_stands_in() -> None:
    scores = rfm([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])
    assert scores.monetary.tolist() == scores.frequency.tolist() == [1, 2, 3, 4, 5]


def test_fit_readiness_gives_a_code_and_the_numbers_behind_it() -> None:
    rng = np.random.default_rng(7)
    x = rng.poisson(1.0, 500).astype(float)
    T = np.full(500, 20.0)
    t_x = np.where(x > 0, 10.0, 0.0)
    assert fit_readiness(x, t_x, T) == Readiness(ok=True)
    assert fit_readiness(x[:50], t_x[:50], T[:50]) == Readiness(
        False, "too_few_customers", {"customers": 50, "minimum": 100}
    )
    few = np.zeros(500)
    few[:5] = 1
    assert fit_readiness(few, few, T) == Readiness(
        False, "too_few_repeat_buyers", {"repeat_customers": 5, "minimum": 20}
    )
    assert fit_readiness(x, t_x / 4, T / 4) == Readiness(
        False, "history_too_short", {"history_days": 35, "minimum_days": 56}
    )
    slow = fit_readiness(np.where(x > 0, 1.0, 0.0), np.where(x > 0, 15.0, 0.0), T)
    # 20 weeks of history against a usual gap of 15 weeks.
    assert slow == Readiness(
        False, "history_shorter_than_gaps", {"history_days": 140, "gap_days": 105}
    )
    assert fit_readiness(x, t_x * 7, T * 7, unit="days").ok
