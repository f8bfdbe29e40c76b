"""Which purchase model forecasts a shop best: the holdout split and the selection rule.

Each refresh that is free to choose fits every candidate model on the older part of the shop's
own history (the calibration period), forecasts each customer's purchases in the newer part
(the holdout), and keeps the model whose forecast came closest. This is the holdout validation
by which the models were compared when they were published: Fader, Hardie & Lee (2005,
"Counting your customers the easy way", Marketing Science 24(2), section 4) against the
Pareto/NBD, Batislam, Denizel & Filiztekin (2007, IJRM 24(3), 201-209) for the MBG/NBD against
the BG/NBD, both on forecasts of the holdout purchases of the calibration's customers.

**The split** (`holdout_split`). The holdout is the last quarter of the observation span (from
the first purchase on record to the day of the refresh), in whole weeks, at most 52 weeks:

- a quarter keeps three quarters of the history for the fit: dropout shows only over time, and
  a model fitted on a short calibration cannot tell "not bought yet" from "gone". It is shorter
  than the half of the published CDNOW split (39 + 39 weeks) because CDNOW is one cohort, while
  a shop keeps acquiring customers: those whose first purchase falls in the holdout have no
  calibration history and are not compared, so a long holdout wastes the newest customers;
- at most 52 weeks: one full year already covers every season, and a longer holdout only
  moves the calibration further from the present the scores forecast (90 and 365 days);
- at least `MIN_HOLDOUT_WEEKS` of holdout and `MIN_CALIBRATION_WEEKS` of calibration, so a
  span under 16 weeks has no split. Then, as when the calibration period alone is too thin to
  fit (the service applies `rfm.fit_readiness` to it) or every candidate fails on it, the
  refresh keeps the default model and says why (`Comparison.reason`).

**The measure** (`choose`). The mean absolute error per customer of the forecast holdout
purchases, ``MAE = mean_i |E[Y_i(t) | x_i, t_x_i, T_i] - y_i|``, over the customers whose first
purchase lies in the calibration period; the aggregate error ``(sum of forecasts - sum of
actual purchases) / sum of actual purchases`` breaks near-ties. Why:

- it judges what the scores are used for, each customer's own forecast (who to write to, whose
  value is at stake), where an aggregate figure lets large errors of opposite sign cancel: two
  models can forecast the holdout total equally well while one ranks the customers much worse;
- it is the individual-level measure of the literature's holdout comparisons of these models
  (Wübben & von Wangenheim 2008, J. Marketing 72(3), 82-93; Platzer & Reutterer 2016,
  Marketing Science 35(5), 779-799, who report it next to the aggregate "bias");
- it reads in the shop's units, purchases per customer, so the page can say it in one
  sentence; a squared error would be dominated by the few heaviest buyers of a small shop.

Near-ties (MAE within `TIE_TOLERANCE` of the best, relatively) are decided by the smaller
absolute aggregate error, then by the order of the candidates (the default model first): a
difference in the third decimal of the MAE is noise, while a model that misses the shop's total
purchases by less is the better one for planning.

Pure: arrays in, frozen dataclasses out; the fits are done by the caller (`retention.compare`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

HOLDOUT_SHARE = 0.25
MAX_HOLDOUT_WEEKS = 52
MIN_HOLDOUT_WEEKS = 4
MIN_CALIBRATION_WEEKS = 12
TIE_TOLERANCE = 0.01  # MAEs within 1% of the best count as equal

# Why a refresh could not compare the models and kept the default one. Values in comments.
HISTORY_TOO_SHORT = "choice_history_too_short"  # history_weeks, minimum_weeks
CALIBRATION_NOT_READY = "choice_calibration_not_ready"  # the refusal's code and its values
ALL_FAILED = "choice_all_failed"  # nothing: each candidate's own error is stored with it


@dataclass(frozen=True)
class Split:
    """Calibration up to and including `calibration_end` (a day number), holdout the
    `holdout_days` after it, up to the day of the refresh."""

    calibration_end: int
    holdout_days: int

    @property
    def holdout_weeks(self) -> int:
        return self.holdout_days // 7


@dataclass(frozen=True)
class Accuracy:
    """How one model's holdout forecast compares with what the customers did."""

    model: str
    mae: float  # mean absolute error per customer, in purchases
    predicted: float  # forecast holdout purchases, all customers together
    actual: float  # actual holdout purchases, all customers together

    @property
    def aggregate_error(self) -> float | None:
        """(predicted - actual) / actual; None when there was no purchase to compare with."""
        return (self.predicted - self.actual) / self.actual if self.actual > 0 else None


def holdout_split(first_day: int, today: int) -> Split | None:
    """The split of the days `first_day`..`today` (day numbers, both inclusive), or None when
    the span is too short for `MIN_CALIBRATION_WEEKS` + `MIN_HOLDOUT_WEEKS`."""
    span_days = today - first_day + 1
    weeks = min(int(span_days * HOLDOUT_SHARE) // 7, MAX_HOLDOUT_WEEKS)
    if weeks < MIN_HOLDOUT_WEEKS or span_days - 7 * weeks < 7 * MIN_CALIBRATION_WEEKS:
        return None
    return Split(calibration_end=today - 7 * weeks, holdout_days=7 * weeks)


def accuracy(model: str, predicted: ArrayLike, actual: ArrayLike) -> Accuracy:
    """MAE per customer and totals of a forecast (one entry per customer, same order)."""
    p = np.asarray(predicted, dtype=float)
    y = np.asarray(actual, dtype=float)
    if p.shape != y.shape or p.size == 0:
        raise ValueError("predicted and actual need one value per customer, for some customers")
    return Accuracy(model, float(np.abs(p - y).mean()), float(p.sum()), float(y.sum()))


def choose(candidates: Sequence[Accuracy]) -> Accuracy:
    """The best forecast: the lowest MAE; among those within `TIE_TOLERANCE` of it, the
    smallest absolute aggregate error (none counts as worst); then the first in order."""
    if not candidates:
        raise ValueError("no candidate to choose from")
    best = min(c.mae for c in candidates)
    near = [c for c in candidates if c.mae <= best * (1 + TIE_TOLERANCE)]

    def miss(c: Accuracy) -> float:
        error = c.aggregate_error
        return np.inf if error is None else abs(error)

    # min() keeps the first of equal keys: the candidates' order decides what is left.
    return min(near, key=miss)
