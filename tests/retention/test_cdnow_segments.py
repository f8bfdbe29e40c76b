"""On the demo's data (the whole CDNOW file, as `clientela demo` loads it) the segments and
the P(alive) shown never say what the issue's shop owner saw: a champion under 50% likely
still a customer, or a one-time buyer silent for over a year shown 90% likely or active."""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import pytest

from clientela.retention import engine
from clientela.retention.selectors import PurchaseSummary, day_number
from clientela.retention.services.scoring import ScoreTable, model_inputs, score_table
from clientela.retention.stats.segments import ACTIVE_SEGMENTS

from .cdnow import DATA

# The demo puts the file's last purchase (1998-06-30) three days before today.
AS_OF = dt.date(1998, 7, 3)


@cache
def demo_summary() -> PurchaseSummary:
    """CDNOW_master.txt per customer, same-day purchases one, as the database summarises."""
    table = np.loadtxt(DATA / "CDNOW_master.txt", skiprows=1, dtype=str)
    ids = table[:, 0].astype(np.int64)
    stamp = table[:, 1]
    dates = np.array([f"{d[:4]}-{d[4:6]}-{d[6:]}" for d in stamp], dtype="datetime64[D]")
    days = dates.astype(np.int64)
    spend = table[:, 3].astype(float)
    order = np.lexsort((days, ids))
    ids, days, spend = ids[order], days[order], spend[order]
    pair_start = np.r_[True, (ids[1:] != ids[:-1]) | (days[1:] != days[:-1])]
    pair = np.cumsum(pair_start) - 1
    p_ids, p_days = ids[pair_start], days[pair_start]
    p_spend = np.bincount(pair, weights=spend)
    customer_start = np.r_[True, p_ids[1:] != p_ids[:-1]]
    customer = np.cumsum(customer_start) - 1
    first_index = np.flatnonzero(customer_start)
    last_index = np.r_[first_index[1:] - 1, p_ids.size - 1]
    return PurchaseSummary(
        as_of=AS_OF,
        customer_id=p_ids[customer_start],
        purchases=np.bincount(customer).astype(np.int64),
        first_day=p_days[first_index],
        last_day=p_days[last_index],
        total_spend=np.bincount(customer, weights=p_spend),
        first_spend=p_spend[first_index],
    )


def _scores(model: str) -> ScoreTable:
    summary = demo_summary()
    inputs = model_inputs(summary)
    fit = engine.fit(model, inputs.x, inputs.t_x, inputs.T)
    spend = engine.spend_fit(inputs.x, inputs.zbar)
    return score_table(
        summary, model=model, parameters=fit.parameters, spend_parameters=spend.parameters
    )


def test_the_demo_summary_is_the_published_cdnow_cohort():
    summary = demo_summary()
    assert (summary.size, int(summary.purchases.sum())) == (23570, 67591)


@pytest.mark.parametrize("model", engine.MODELS)
def test_no_likely_gone_champion_and_no_active_long_silent_one_time_buyer(model):
    summary = demo_summary()
    table = _scores(model)
    assert table.p_alive is not None
    p = table.p_alive
    champions = table.segment == "champions"
    silent_once = (summary.purchases == 1) & (day_number(AS_OF) - summary.last_day > 365)

    assert int(silent_once.sum()) == 12054  # the count of such customers
    assert int((champions & (p < 0.5)).sum()) == 0
    shown_likely = np.nan_to_num(p, nan=0.0) >= 0.9
    active = np.isin(table.segment, list(ACTIVE_SEGMENTS))
    assert int((silent_once & (shown_likely | active)).sum()) == 0
    assert int(champions.sum()) > 0
