"""Overdue against a customer's own rhythm."""

from __future__ import annotations

import numpy as np

from clientela.retention.stats.rhythm import overdue, overdue_from_summary


def test_ratio_of_time_since_last_purchase_to_the_usual_gap() -> None:
    result = overdue(first=[0, 0, 10, 5], last=[20, 30, 10, 5], purchases=[3, 2, 1, 4], now=60)
    assert result.usual_gap.tolist() == [10.0, 30.0, 0.0, 0.0]
    assert result.overdue_ratio.tolist() == [4.0, 1.0, 0.0, 0.0]
    assert result.defined.tolist() == [True, True, False, False]  # one purchase; one instant
    assert np.all(np.isfinite(result.overdue_ratio))


def test_from_an_x_tx_t_summary() -> None:
    result = overdue_from_summary(x=[2, 0], t_x=[10.0, 0.0], T=[25.0, 30.0])
    assert result.overdue_ratio.tolist() == [3.0, 0.0]
    assert result.since_last.tolist() == [15.0, 30.0]
