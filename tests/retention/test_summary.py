"""Transactions to (x, t_x, T) summaries, and compression to distinct rows."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from clientela.retention.stats.summary import compress, factorize, summarize


def test_same_day_purchases_merge_and_the_first_purchase_is_not_a_repeat() -> None:
    summary = summarize(
        ["b", "a", "a", "a", "a", "b", "c"],
        [
            "2024-01-01",
            "2024-01-01",
            "2024-01-08",
            "2024-01-08",
            "2024-02-05",
            "2024-03-01",
            "2024-02-01",
        ],
        [5.0, 10.0, 4.0, 6.0, 30.0, 7.0, 1.0],
        calibration_end="2024-01-29",
        holdout_end="2024-03-31",
        unit="weeks",
    )
    # c first bought after calibration: not a calibration customer.
    assert summary.customer_id.tolist() == ["a", "b"]
    assert summary.x.tolist() == [1.0, 0.0]
    assert summary.t_x.tolist() == [1.0, 0.0]
    assert summary.T.tolist() == [4.0, 4.0]
    assert summary.monetary.tolist() == [10.0, 0.0]  # 4 + 6 on the same day; first left out
    assert summary.holdout_x.tolist() == [1.0, 1.0]


def test_days_as_the_unit() -> None:
    summary = summarize(
        [1, 1], ["2024-01-01", "2024-01-04"], [1, 1], calibration_end="2024-01-10", unit="days"
    )
    assert (summary.x[0], summary.t_x[0], summary.T[0]) == (1.0, 3.0, 9.0)


rows = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 6), st.integers(6, 9)), min_size=1, max_size=200
)


@settings(max_examples=100, deadline=None)
@given(rows)
def test_compress_gives_distinct_rows_whose_counts_add_up(data: list[tuple[int, int, int]]) -> None:
    x, t_x, T = (np.array(col, dtype=float) / 7 for col in zip(*data, strict=True))
    c = compress(x, t_x, T)
    assert np.array_equal(c.x[c.inverse], x)
    assert np.array_equal(c.t_x[c.inverse], t_x)
    assert np.array_equal(c.T[c.inverse], T)
    assert c.weight.sum() == len(data) == c.n_customers
    assert len(set(zip(c.x, c.t_x, c.T, strict=True))) == c.x.size == len(set(data))


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(0, 1e6, allow_subnormal=True), min_size=1, max_size=300),
    st.integers(0, 10**6),
)
def test_factorize_is_exact_on_large_arrays(pool: list[float], seed: int) -> None:
    # Large enough for the hashed path; -0.0 must land with 0.0.
    rng = np.random.default_rng(seed)
    values = rng.choice(np.array([*pool, 0.0, -0.0]), size=5000)
    uniq, codes = factorize(values)
    assert np.array_equal(uniq, np.unique(values + 0.0))
    assert np.array_equal(uniq[codes], values)
