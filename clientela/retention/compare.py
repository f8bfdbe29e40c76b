"""Fit every candidate purchase model on a calibration period and keep the one that forecasts
the holdout best (the split and the rule are in `stats.choice`, with their reasons). No Django:
the refresh gives it arrays, and `bench/retention_accuracy.py` the published datasets.

Generic over `engine.MODELS`: a model added there is a candidate without a change here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from clientela.retention import engine
from clientela.retention.stats import choice, rfm

DEFAULT_MODEL = engine.MODELS[0]
BEST = "best"  # the reason of a comparison that chose


@dataclass(frozen=True)
class Candidate:
    """One model's result on the holdout: its accuracy, or why it could not be fitted."""

    model: str
    accuracy: choice.Accuracy | None
    error: str = ""  # engine's code (e.g. fit_not_converged) when the fit failed


@dataclass(frozen=True)
class Comparison:
    """The model chosen and why: `reason` is `BEST` when the holdout decided, else one of the
    `choice` codes (the default model is kept) with its `values`."""

    chosen: str
    reason: str
    values: dict[str, Any] = field(default_factory=dict)
    calibration_end: int | None = None  # day number
    holdout_weeks: int = 0
    customers: int = 0  # customers compared: first purchase in the calibration period
    candidates: tuple[Candidate, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """What the run stores (JSON numbers and strings only; the day as ISO text)."""
        return {
            "chosen": self.chosen,
            "reason": self.reason,
            "values": self.values,
            "calibration_end": (
                None if self.calibration_end is None else _iso(self.calibration_end)
            ),
            "holdout_weeks": self.holdout_weeks,
            "customers": self.customers,
            "candidates": [_candidate_json(c) for c in self.candidates],
        }


def _iso(day: int) -> str:
    return str(np.datetime64(day, "D"))


def _candidate_json(candidate: Candidate) -> dict[str, Any]:
    a = candidate.accuracy
    if a is None:
        return {"model": candidate.model, "error": candidate.error}
    return {
        "model": candidate.model,
        "mae": a.mae,
        "predicted": a.predicted,
        "actual": a.actual,
        "aggregate_error": a.aggregate_error,
    }


def fallback(code: str, values: dict[str, Any] | None = None, **context: Any) -> Comparison:
    """The default model, kept because the models could not be compared (`code` says why)."""
    return Comparison(DEFAULT_MODEL, code, dict(values or {}), **context)


def too_short(first_day: int, today: int) -> Comparison:
    weeks = (today - first_day + 1) // 7
    minimum = choice.MIN_CALIBRATION_WEEKS + choice.MIN_HOLDOUT_WEEKS
    return fallback(choice.HISTORY_TOO_SHORT, {"history_weeks": weeks, "minimum_weeks": minimum})


def compare(
    split: choice.Split,
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
    holdout: ArrayLike,
    *,
    models: Sequence[str] = engine.MODELS,
) -> Comparison:
    """Fit each of `models` on the calibration summary (x, t_x, T in weeks, as of the split's
    calibration end), forecast the holdout and choose. `holdout` is each customer's number of
    purchase days in the holdout. The candidates keep the order of `models`, which breaks the
    last ties."""
    x_, t_x_, T_ = (np.asarray(a, dtype=float) for a in (x, t_x, T))
    actual = np.asarray(holdout, dtype=float)
    context: dict[str, Any] = {
        "calibration_end": split.calibration_end,
        "holdout_weeks": split.holdout_weeks,
        "customers": int(x_.size),
    }
    readiness = rfm.fit_readiness(x_, t_x_, T_, unit="weeks")
    if not readiness.ok:
        values = {"code": readiness.code, **readiness.values}
        return fallback(choice.CALIBRATION_NOT_READY, values, **context)
    horizon = split.holdout_days / engine.UNIT_DAYS
    candidates = []
    for model in models:
        try:
            fit = engine.fit(model, x_, t_x_, T_)
            predicted = engine.conditional_expected(model, fit.parameters, horizon, x_, t_x_, T_)
            if not np.all(np.isfinite(predicted)):
                raise ArithmeticError("non-finite forecast")
        except engine.FitFailed as exc:
            candidates.append(Candidate(model, None, exc.code))
            continue
        except (ArithmeticError, ValueError):
            candidates.append(Candidate(model, None, engine.NOT_CONVERGED))
            continue
        candidates.append(Candidate(model, choice.accuracy(model, predicted, actual)))
    compared = [c.accuracy for c in candidates if c.accuracy is not None]
    if not compared:
        return fallback(choice.ALL_FAILED, candidates=tuple(candidates), **context)
    best = choice.choose(compared)
    return Comparison(best.model, BEST, {}, candidates=tuple(candidates), **context)
