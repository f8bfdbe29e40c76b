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

from clientela.retention.stats import _fit, bgnbd, gammagamma, mbgnbd, paretonbd
from clientela.retention.stats.summary import compress, distinct_rows

Array = NDArray[np.float64]
logger = logging.getLogger(__name__)

UNIT_DAYS = 7.0
# Customer lifetime value: the next 12 months, discounted monthly. The margin and the annual
# discount rate are each workspace's settings; these are the defaults (on revenue, 10% a year).
CLV_MONTHS = 12
CLV_ANNUAL_DISCOUNT = 0.10
CLV_MARGIN = 1.0
MODELS = ("bgnbd", "mbgnbd", "paretonbd")
PARAMETER_NAMES = {
    "bgnbd": ("r", "alpha", "a", "b"),
    "mbgnbd": ("r", "alpha", "a", "b"),
    "paretonbd": ("r", "alpha", "s", "beta"),
    "gammagamma": ("p", "q", "gamma"),
}


NOT_CONVERGED = "fit_not_converged"  # model, log_likelihood
INFINITE_MEAN_SPEND = "infinite_mean_spend"
# Warnings of a fit accepted at the edge of the parameter space (see `fit`): the mixing
# distribution of the dropout probability (BG/NBD, MBG/NBD) or rate (Pareto/NBD), or of the
# purchase rate, is a single point. Values: model, and the common value (`dropout`: probability
# per purchase for BG/NBD and MBG/NBD, rate per week for Pareto/NBD; `rate`: purchases per
# week).
SAME_DROPOUT = "fit_same_dropout"
SAME_RATE = "fit_same_rate"
_ENGLISH = {
    NOT_CONVERGED: "The {model} fit did not converge (log-likelihood {log_likelihood})",
    INFINITE_MEAN_SPEND: "The Gamma-Gamma fit gives an infinite mean spend (q <= 1)",
}

# A mixing distribution counts as a point mass when its shape parameters pass this size
# (a + b for the beta, r or s for a gamma): its coefficient of variation is then under 1%.
POINT_MASS = 1e4
# At such an edge the search may stop without meeting the strict stationarity test of
# `stats._fit`; accepted when the projected gradient of the per-customer mean log-likelihood
# is below this, and going ten times further out gains less than `EDGE_GAIN` per customer.
EDGE_GRADIENT = 1e-4
# A search that stopped early far out along such an edge starts again this many times closer in.
EDGE_PULLBACK = 100.0
EDGE_GAIN = 1e-6


class FitFailed(Exception):
    """The optimiser did not find a usable maximum. `code` and `values` say why; the service
    layer words them in the reader's language, str() gives English for logs and the console."""

    def __init__(self, code: str, **values: float | str) -> None:
        self.code, self.values = code, values
        super().__init__(_ENGLISH[code].format(**values))


@dataclass(frozen=True)
class FitWarning:
    code: str  # SAME_DROPOUT or SAME_RATE
    values: dict[str, float | str]


@dataclass(frozen=True)
class Fit:
    model: str
    parameters: dict[str, float]
    log_likelihood: float
    n_customers: int
    warnings: tuple[FitWarning, ...] = ()


@dataclass(frozen=True)
class Scores:
    p_alive: Array
    expected_purchases: Array


def _params(model: str, parameters: Mapping[str, float]) -> Any:
    names = PARAMETER_NAMES[model]
    values = [float(parameters[name]) for name in names]
    if model == "bgnbd":
        return bgnbd.BGNBDParams(*values)
    if model == "mbgnbd":
        return mbgnbd.MBGNBDParams(*values)
    return paretonbd.ParetoNBDParams(*values)


_MODULES = {"bgnbd": bgnbd, "mbgnbd": mbgnbd, "paretonbd": paretonbd}


def _module(model: str) -> Any:
    if model not in MODELS:
        raise ValueError(f"Unknown model {model!r}; expected one of {', '.join(MODELS)}")
    return _MODULES[model]


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
    """Fit a purchase model on the distinct (x, t_x, T) rows with their counts as weights.

    Raises `FitFailed` when the search failed: a likelihood or parameter that is not a finite
    positive number, or a stop (iteration limit, failed line search) away from a maximum.

    A maximum at the edge of the parameter space is accepted, with a `FitWarning`. In the BG/NBD
    likelihood (Fader, Hardie & Lee 2005, eq. 6) the beta mixing distribution enters only
    through ``B(a, b+x)/B(a, b) = E[(1-p)^x]`` and ``a/(b+x-1) B(a, b+x)/B(a, b) =
    E[p (1-p)^(x-1)]``, with ``p ~ Beta(a, b)``. As ``a, b -> inf`` with ``a/(a+b) -> pi``
    the beta's variance ``pi(1-pi)/(a+b+1)`` goes to 0, so it tends to the point mass at ``pi``
    and eq. 6 tends to the likelihood of customers who all drop out with the same probability
    ``pi`` after each purchase: a nested model, the closure of the parameter space. When the
    data are better described by that model than by any beta, the likelihood rises towards its
    value there and has its supremum in that limit, which is then the maximum-likelihood
    estimate (an estimate on the boundary, Self & Liang 1987, JASA 82, 605-610). The same
    holds for the gamma of the purchase rate, ``Gamma(r, alpha) -> point mass at r/alpha`` as
    ``r -> inf`` (eq. 6's NBD part becomes the Poisson), and for the Pareto/NBD's two gammas
    (Schmittlein, Morrison & Colombo 1987). Such a fit is kept when the gradient is small and
    going ten times further out along that direction does not raise the likelihood: its
    predictions are those of the limit. The MBG/NBD (Batislam, Denizel & Filiztekin 2007) has
    the same beta and gamma, entering through ``E[(1-p)^(x+1)]`` and ``E[p (1-p)^x]``, and the
    same limits. Every other stop short of convergence fails.
    """
    module = _module(model)
    rows = compress(x, t_x, T)
    result = module.fit(rows.x, rows.t_x, rows.T, rows.weight)
    values = _values(model, result.params)
    numbers = [result.log_likelihood, *values.values()]
    if not all(np.isfinite(v) for v in numbers) or min(values.values()) <= 0:
        raise FitFailed(NOT_CONVERGED, model=model, log_likelihood=result.log_likelihood)
    edges = _edges(model, values)
    if edges and result.gradient > EDGE_GRADIENT and result.iterations < _fit.MAX_ITERATIONS:
        result = _edge_restart(model, module, result, edges, rows)
        values = _values(model, result.params)
        edges = _edges(model, values)
    if edges:
        further = dict(values)
        for names, _warning in edges:
            for name in names:
                further[name] *= 10.0
        gain = (
            module.log_likelihood(_params(model, further), rows.x, rows.t_x, rows.T, rows.weight)
            - result.log_likelihood
        )
        at_maximum = result.gradient <= EDGE_GRADIENT and gain <= EDGE_GAIN * rows.n_customers
        if not at_maximum:
            raise FitFailed(NOT_CONVERGED, model=model, log_likelihood=result.log_likelihood)
        warnings = tuple(warning for _names, warning in edges)
        logger.warning("%s fit at the edge of the parameter space: %s", model, values)
        return Fit(model, values, float(result.log_likelihood), rows.n_customers, warnings)
    if not result.converged:
        raise FitFailed(NOT_CONVERGED, model=model, log_likelihood=result.log_likelihood)
    return Fit(model, values, float(result.log_likelihood), rows.n_customers)


def _values(model: str, params: Any) -> dict[str, float]:
    """A fit's parameters by name, as plain floats."""
    return {name: float(getattr(params, name)) for name in PARAMETER_NAMES[model]}


def _edge_restart(
    model: str,
    module: Any,
    result: Any,
    edges: list[tuple[tuple[str, str], FitWarning]],
    rows: Any,
) -> Any:
    """Search again from a point `EDGE_PULLBACK` times closer in along the edge.

    Far out along an edge the likelihood is nearly flat in the edge's direction, and L-BFGS-B
    may stop there on its relative-reduction test before the other parameters (the purchase
    rate's, say) are at their maximum: where it stops depends on rounding, so on the CPU.
    Started again closer in, with its curvature memory empty, it walks the ridge once more
    and settles the other parameters. The new point is kept when its gradient is smaller and
    it loses less likelihood than the edge test allows (`EDGE_GAIN` per customer): both points
    then predict as the limit does.
    """
    values = _values(model, result.params)
    closer = dict(values)
    for names, _warning in edges:
        for name in names:  # towards 1 on the log scale: a huge value shrinks, a tiny one grows
            closer[name] *= EDGE_PULLBACK ** (-np.sign(np.log(closer[name])))
    again = module.fit(rows.x, rows.t_x, rows.T, rows.weight, initial=_params(model, closer))
    loss = result.log_likelihood - again.log_likelihood
    if again.gradient < result.gradient and loss <= EDGE_GAIN * rows.n_customers:
        return again
    return result


def _edges(model: str, values: Mapping[str, float]) -> list[tuple[tuple[str, str], FitWarning]]:
    """The mixing distributions that have become a point mass, each with the two parameters
    that grow together (their ratio fixed) and the warning that says so."""
    edges: list[tuple[tuple[str, str], FitWarning]] = []
    common: dict[str, float | str]
    rate = ("r", "alpha")
    if values["r"] > POINT_MASS:
        common = {"model": model, "rate": values["r"] / values["alpha"]}
        edges.append((rate, FitWarning(SAME_RATE, common)))
    if model in ("bgnbd", "mbgnbd") and values["a"] + values["b"] > POINT_MASS:
        common = {"model": model, "dropout": values["a"] / (values["a"] + values["b"])}
        edges.append((("a", "b"), FitWarning(SAME_DROPOUT, common)))
    if model == "paretonbd" and values["s"] > POINT_MASS:
        common = {"model": model, "dropout": values["s"] / values["beta"]}
        edges.append((("s", "beta"), FitWarning(SAME_DROPOUT, common)))
    return edges


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
    values = _values("gammagamma", result.params)
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
