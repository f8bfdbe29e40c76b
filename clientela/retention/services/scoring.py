"""Every number of a customer's score, for all customers of a summary at once (numpy arrays).

Pure: takes the database summary and a run's parameters, returns arrays; `runs.py` writes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from clientela.retention import engine
from clientela.retention.selectors import PurchaseSummary, day_number
from clientela.retention.stats import rfm, rhythm, segments

Array = NDArray[np.float64]

HORIZONS_DAYS = (90, 365)


@dataclass(frozen=True)
class ModelInputs:
    x: Array
    t_x: Array
    T: Array
    zbar: Array


@dataclass(frozen=True)
class ScoreTable:
    """One entry per customer of the summary, in its order. Model arrays are None when the
    run has no fitted model (a refused fit: RFM only)."""

    recency_score: NDArray[np.int64]
    frequency_score: NDArray[np.int64]
    monetary_score: NDArray[np.int64]
    segment: NDArray[np.str_]
    overdue_ratio: Array  # NaN where the customer has no rhythm yet (one purchase day)
    p_alive: Array | None
    expected_90d: Array | None
    expected_365d: Array | None
    expected_spend: Array | None
    clv: Array | None


def model_inputs(summary: PurchaseSummary) -> ModelInputs:
    return ModelInputs(
        x=summary.frequency(),
        t_x=summary.recency(engine.UNIT_DAYS),
        T=summary.age(engine.UNIT_DAYS),
        zbar=summary.repeat_spend(),
    )


def rfm_scores(summary: PurchaseSummary) -> rfm.RFMScores:
    days_since = day_number(summary.as_of) - summary.last_day
    return rfm.rfm(days_since, summary.purchases, summary.total_spend)


def _spend(
    inputs: ModelInputs, summary: PurchaseSummary, spend_parameters: Mapping[str, float]
) -> Array:
    if spend_parameters:
        return engine.expected_spend(spend_parameters, inputs.x, inputs.zbar)
    # No spend model (too few repeat buyers to fit one): each customer's own mean day spend.
    return summary.total_spend / np.maximum(summary.purchases, 1)


def _segments(
    summary: PurchaseSummary,
    rhythm_: rhythm.Rhythm,
    *,
    p_alive: Array | None = None,
    expected: Array | None = None,
    value: Array | None = None,
) -> NDArray[np.str_]:
    return segments.segments(
        segments.SegmentInputs(
            purchases=summary.purchases,
            days_since_last=rhythm_.since_last,
            usual_gap=rhythm_.usual_gap,
            value=summary.total_spend if value is None else value,
            p_alive=p_alive,
            expected=expected,
        )
    )


def undetermined_p_alive(model: str, x: Array, p_alive: Array) -> Array:
    """P(alive) with NaN (stored as NULL: "the model does not say") where the model assumes
    it rather than estimates it: BG/NBD lets no one drop out before a repeat purchase, so it
    gives 1 to every one-time buyer however long ago they bought (see `stats.segments`).
    Showing that 1 as "100% likely still a customer" is what made owners stop trusting the
    page; MBG/NBD and Pareto/NBD estimate it and keep theirs."""
    if model != "bgnbd":
        return p_alive
    return np.where(x > 0, p_alive, np.nan)


def score_table(
    summary: PurchaseSummary,
    *,
    model: str,
    parameters: Mapping[str, float] | None,
    spend_parameters: Mapping[str, float],
    margin: float = engine.CLV_MARGIN,
    annual_discount: float = engine.CLV_ANNUAL_DISCOUNT,
) -> ScoreTable:
    scores = rfm_scores(summary)
    today = day_number(summary.as_of)
    rhythm_ = rhythm.overdue(summary.first_day, summary.last_day, summary.purchases, today)
    overdue = np.where(rhythm_.defined, rhythm_.overdue_ratio, np.nan)
    base = {
        "recency_score": scores.recency,
        "frequency_score": scores.frequency,
        "monetary_score": scores.monetary,
        "overdue_ratio": overdue,
    }
    if not parameters:
        return ScoreTable(
            **base,
            segment=_segments(summary, rhythm_),
            p_alive=None,
            expected_90d=None,
            expected_365d=None,
            expected_spend=None,
            clv=None,
        )
    inputs = model_inputs(summary)
    x, t_x, T = inputs.x, inputs.t_x, inputs.T
    short, long = (days / engine.UNIT_DAYS for days in HORIZONS_DAYS)
    near = engine.score(model, parameters, x, t_x, T, short)
    far = engine.conditional_expected(model, parameters, long, x, t_x, T)
    spend = _spend(inputs, summary, spend_parameters)
    value = engine.clv(
        model, parameters, spend, x, t_x, T, margin=margin, annual_discount=annual_discount
    )
    p_alive = undetermined_p_alive(model, x, near.p_alive)
    return ScoreTable(
        **base,
        segment=_segments(summary, rhythm_, p_alive=p_alive, expected=far, value=value),
        p_alive=p_alive,
        expected_90d=near.expected_purchases,
        expected_365d=far,
        expected_spend=spend,
        clv=value,
    )
