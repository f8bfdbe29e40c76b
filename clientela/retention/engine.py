"""The bridge between stored summaries and the pure models in `stats`: pick a model by name,
fit it, and score customers with stored parameters. No Django here.

Time is measured in weeks (`UNIT_DAYS`), as in the published CDNOW analyses, so the fitted
parameters of a shop can be compared with the literature; horizons given in days are converted.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from clientela.retention.stats import bgnbd, gammagamma, paretonbd
from clientela.retention.stats.summary import compress, distinct_rows

Array = NDArray[np.float64]
logger = logging.getLogger(__name__)

UNIT_DAYS = 7.0
# Customer lifetime value: the next 12 months, discounted monthly. The margin and the annual
# discount rate are each workspace's settings; these are the defaults (on revenue, 10% a year).
CLV_MONTHS = 12
CLV_ANNUAL_DISCOUNT = 0.10
CLV_MARGIN = 1.0
MODELS = ("bgnbd", "paretonbd")
PARAMETER_NAMES = {
    "bgnbd": ("r", "alpha", "a", "b"),
    "paretonbd": ("r", "alpha", "s", "beta"),
    "gammagamma": ("p", "q", "gamma"),
}


NOT_CONVERGED = "fit_not_converged"  # model, log_likelihood
INFINITE_MEAN_SPEND = "infinite_mean_spend"
_ENGLISH = {
    NOT_CONVERGED: "The {model} fit did not converge (log-likelihood {log_likelihood})",
    INFINITE_MEAN_SPEND: "The Gamma-Gamma fit gives an infinite mean spend (q <= 1)",
}


class FitFailed(Exception):
    """The optimiser did not find a usable maximum. `code` and `values` say why; the service
    layer words them in the reader's language, str() gives English for logs and the console."""

    def __init__(self, code: str, **values: float | str) -> None:
        self.code, self.values = code, values
        super().__init__(_ENGLISH[code].format(**values))


@dataclass(frozen=True)
class Fit:
    model: str
    parameters: dict[str, float]
    log_likelihood: float
    n_customers: int


@dataclass(frozen=True)
class Scores:
    p_alive: Array
    expected_purchases: Array


def _params(model: str, parameters: Mapping[str, float]) -> Any:
    names = PARAMETER_NAMES[model]
    values = [float(parameters[name]) for name in names]
    if model == "bgnbd":
        return bgnbd.BGNBDParams(*values)
    return paretonbd.ParetoNBDParams(*values)


def _module(model: str) -> Any:
    if model not in MODELS:
        raise ValueError(f"Unknown model {model!r}; expected one of {', '.join(MODELS)}")
    return bgnbd if model == "bgnbd" else paretonbd


def _check(model: str, result: Any, values: dict[str, float]) -> None:
    """Refuse a fit whose likelihood or parameters are not finite numbers.

    A search that stops without meeting its tolerance is kept when its values are finite: with
    homogeneous customers the maximum lies at the edge of the parameter space (a, b or q,
    gamma grow together without bound while their ratio settles), and the predictions of that
    limit are the right ones; failing every night on such a shop would help nobody.
    """
    numbers = [result.log_likelihood, *values.values()]
    if not all(np.isfinite(v) for v in numbers) or min(values.values()) <= 0:
        raise FitFailed(NOT_CONVERGED, model=model, log_likelihood=result.log_likelihood)
    if not result.converged:
        logger.warning("%s fit stopped at the edge of the parameter space: %s", model, values)


def fit(model: str, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> Fit:
    """Fit a purchase model on the distinct (x, t_x, T) rows with their counts as weights."""
    module = _module(model)
    rows = compress(x, t_x, T)
    result = module.fit(rows.x, rows.t_x, rows.T, rows.weight)
    values = {name: float(getattr(result.params, name)) for name in PARAMETER_NAMES[model]}
    if not result.converged or not np.isfinite(result.log_likelihood):
        raise FitFailed(NOT_CONVERGED, model=model, log_likelihood=result.log_likelihood)
    return Fit(model, values, float(result.log_likelihood), rows.n_customers)


def score(
    model: str, parameters: Mapping[str, float], x: Array, t_x: Array, T: Array, horizon: float
) -> Scores:
    """P(alive) and expected purchases in the next `horizon` (model time units)."""
    if x.size == 0:
        return Scores(np.zeros(0), np.zeros(0))
    result = _module(model).score(_params(model, parameters), x, t_x, T, horizon)
    return Scores(np.asarray(result.p_alive), np.asarray(result.expected_purchases))


def expected_cumulative(model: str, parameters: Mapping[str, float], t: ArrayLike) -> Array:
    """E[X(t)]: expected repeat purchases of one new customer by time t since the first."""
    return np.asarray(_module(model).expected_purchases(_params(model, parameters), t))


def conditional_expected(
    model: str, parameters: Mapping[str, float], t: float, x: Array, t_x: Array, T: Array
) -> Array:
    """E[Y(t) | x, t_x, T]: expected purchases in (T, T + t]."""
    if x.size == 0:
        return np.zeros(0)
    params = _params(model, parameters)
    return np.asarray(_module(model).conditional_expected_purchases(params, t, x, t_x, T))


def spend_fit(x: ArrayLike, zbar: ArrayLike) -> Fit:
    """Gamma-Gamma on the repeat buyers' mean repeat spend, fitted on distinct (x, zbar) rows."""
    x_ = np.asarray(x, dtype=float)
    z_ = np.asarray(zbar, dtype=float)
    keep = (x_ > 0) & (z_ > 0)
    (xs, zs), weight, _ = distinct_rows(x_[keep], z_[keep])
    result = gammagamma.fit(xs, zs, weight)
    values = {name: float(getattr(result.params, name)) for name in PARAMETER_NAMES["gammagamma"]}
    _check("gammagamma", result, values)
    if values["q"] <= 1:
        raise FitFailed(INFINITE_MEAN_SPEND)
    return Fit("gammagamma", values, float(result.log_likelihood), result.n_customers)


def expected_spend(parameters: Mapping[str, float], x: Array, zbar: Array) -> Array:
    params = gammagamma.GammaGammaParams(*(float(parameters[k]) for k in ("p", "q", "gamma")))
    return np.asarray(gammagamma.conditional_expected_spend(params, x, zbar))


def clv(
    model: str,
    parameters: Mapping[str, float],
    spend: Array,
    x: Array,
    t_x: Array,
    T: Array,
    *,
    margin: float = CLV_MARGIN,
    annual_discount: float = CLV_ANNUAL_DISCOUNT,
) -> Array:
    """Value of the next `CLV_MONTHS` months of purchases, discounted monthly at the rate
    equivalent to `annual_discount` a year, times the gross `margin`."""
    if x.size == 0:
        return np.zeros(0)
    month = 365.25 / 12 / UNIT_DAYS
    result = gammagamma.clv(
        expected_spend=spend,
        cumulative_purchases=lambda t: conditional_expected(model, parameters, t, x, t_x, T),
        periods=CLV_MONTHS,
        period_length=month,
        discount_rate=(1 + annual_discount) ** (1 / 12) - 1,
        margin=margin,
    )
    return np.asarray(result.value)
