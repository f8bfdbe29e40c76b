from __future__ import annotations

import pytest
from scipy import stats

from clientela.outreach.stats.holdout import holdout_split, in_holdout
from clientela.outreach.stats.uplift import (
    newcombe_difference,
    uplift_compute,
    welch_difference,
    wilson_interval,
)


def test_newcombe_reproduces_the_published_example() -> None:
    # Newcombe (1998), table II, example (a): 56/70 vs 48/80 -> 0.0524 to 0.3339.
    interval = newcombe_difference(56, 70, 48, 80)
    assert interval.estimate == pytest.approx(0.2)
    assert round(interval.low, 4) == 0.0524
    assert round(interval.high, 4) == 0.3339


def test_wilson_reproduces_the_published_example() -> None:
    # Newcombe (1998) single-proportion example: 81/263 -> 0.2553 to 0.3662.
    low, high = wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)


def test_welch_agrees_with_scipy() -> None:
    a, b = [12.0, 0.0, 30.5, 7.0, 0.0, 18.0], [0.0, 3.0, 0.0, 9.5]
    expected = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    interval = welch_difference(a, b)
    assert interval.low == pytest.approx(expected.low)
    assert interval.high == pytest.approx(expected.high)


def test_uplift_without_a_holdout_has_no_interval() -> None:
    result = uplift_compute([10.0, 0.0], [], sent_buyers=1, holdout_buyers=0)
    assert (result.sent_rate, result.holdout_rate, result.rate_difference) == (0.5, 0.0, None)
    assert result.revenue_difference is None


def test_holdout_split_is_exact_and_repeatable() -> None:
    sent, held = holdout_split(list(range(1, 101)), 10, seed=7)
    assert len(held) == 10 and len(sent) == 90
    assert holdout_split(list(range(100, 0, -1)), 10, seed=7) == (sent, held)
    assert holdout_split(list(range(1, 101)), 10, seed=8)[1] != held


def test_the_automation_draw_is_stable_and_near_its_percent() -> None:
    draws = [in_holdout("seed", str(i), 10) for i in range(10_000)]
    assert draws == [in_holdout("seed", str(i), 10) for i in range(10_000)]
    assert 900 <= sum(draws) <= 1100
    assert not any(in_holdout("seed", str(i), 0) for i in range(1000))
