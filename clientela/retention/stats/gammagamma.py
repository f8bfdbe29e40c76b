"""The Gamma-Gamma model of spend per transaction, and customer lifetime value.

References: P. S. Fader, B. G. S. Hardie, K. L. Lee, "RFM and CLV: Using Iso-Value Curves for
Customer Base Analysis", Journal of Marketing Research 42(4), 415-430 (2005); P. S. Fader,
B. G. S. Hardie, "The Gamma-Gamma Model of Monetary Value" (2013, note 025).

A customer's transaction values are ``Gamma(p, nu)``, with ``nu ~ Gamma(q, gamma)`` across
customers, independent of the purchase process. The data per customer are ``x >= 1`` repeat
transactions and their mean value ``zbar``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt
from numpy.typing import ArrayLike, NDArray
from scipy.special import digamma, gammaln

from ._fit import maximize
from ._special import dot
from .summary import distinct_rows

Array = NDArray[np.float64]


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    gamma: float

    def as_array(self) -> Array:
        return np.array([self.p, self.q, self.gamma])


@dataclass(frozen=True)
class GammaGammaFit:
    params: GammaGammaParams
    log_likelihood: float
    n_customers: int  # customers with x > 0 and zbar > 0, the ones the model describes
    iterations: int
    converged: bool
    gradient: float  # largest projected gradient per customer where the search stopped


@dataclass(frozen=True)
class CLV:
    value: Array  # margin * expected spend * discounted expected purchases
    discounted_purchases: Array


@dataclass(frozen=True)
class _Spend:
    """Rows with x > 0, zbar > 0 and the sums the likelihood needs that do not move with the
    parameters."""

    x: Array
    x_zbar: Array
    weight: Array
    wx: Array  # weight * x
    x_u: Array
    x_code: NDArray[np.int64]
    x_weight: Array
    const_p: float  # sum w x (log zbar + log x)
    const: float  # sum w log zbar


def log_likelihood(
    params: GammaGammaParams, x: ArrayLike, zbar: ArrayLike, weights: ArrayLike | None = None
) -> float:
    """Sum of ``log f(zbar | p, q, gamma; x)`` over customers with ``x > 0`` (note 025):
    ``Gamma(px+q) / (Gamma(px) Gamma(q)) gamma^q x^(px) zbar^(px-1)
    / (gamma + x zbar)^(px+q)``.
    """
    return _loglik(np.log(params.as_array()), _prepare(x, zbar, weights))[0]


def fit(
    x: ArrayLike,
    zbar: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    initial: GammaGammaParams | None = None,
) -> GammaGammaFit:
    """Maximum-likelihood (p, q, gamma); customers with ``x = 0`` or ``zbar <= 0`` are left out
    (the model has nothing to say about them). Log-parameters, L-BFGS-B, analytic gradient."""
    data = _prepare(x, zbar, weights)
    n = float(data.weight.sum())
    mean = float(dot(data.weight, (data.x_zbar / data.x))) / max(n, 1.0)
    start = initial or GammaGammaParams(p=1.0, q=2.0, gamma=max(mean, 1e-6))
    best = maximize(lambda theta: _loglik(theta, data), np.log(start.as_array()), n)
    p, q, gamma = np.exp(best.log_params)
    return GammaGammaFit(
        params=GammaGammaParams(float(p), float(q), float(gamma)),
        log_likelihood=best.log_likelihood,
        n_customers=round(n),
        iterations=best.iterations,
        converged=best.converged,
        gradient=best.gradient,
    )


def conditional_expected_spend(params: GammaGammaParams, x: ArrayLike, zbar: ArrayLike) -> Array:
    """E[Z | x, zbar] = p (gamma + x zbar) / (p x + q - 1) (note 025, eq. 5; FHL 2005 JMR).

    A weighted mean of the population mean ``p gamma / (q - 1)`` and the customer's own
    ``zbar``; for ``x = 0`` it is the population mean. Needs ``q > 1`` (otherwise the mean
    spend is infinite).
    """
    p, q, gamma = params.as_array()
    if q <= 1.0:
        raise ValueError(f"q = {q:.4g} <= 1: the model's mean spend per transaction is infinite")
    x_ = np.asarray(x, dtype=float)
    zbar_ = np.where(x_ > 0, np.asarray(zbar, dtype=float), 0.0)
    return cast("npt.NDArray[np.float64]", p * (gamma + x_ * zbar_) / (p * x_ + q - 1.0))


def clv(
    *,
    expected_spend: ArrayLike,
    cumulative_purchases: Callable[[float], Array],
    periods: int,
    period_length: float,
    discount_rate: float,
    margin: float,
) -> CLV:
    """Discounted value of each customer's expected future purchases.

    ``cumulative_purchases(t)`` is the conditional expected number of purchases in the next
    ``t`` (``bgnbd.conditional_expected_purchases`` or the Pareto/NBD one, bound to the fitted
    parameters and the customers). The expected purchases of period ``k`` are the increment
    ``E[Y(k*L)] - E[Y((k-1)*L)]``, discounted at the end of the period by ``(1+d)^-k``:
    ``CLV = margin * E[Z] * sum_{k=1..K} (E[Y(kL)] - E[Y((k-1)L)]) / (1+d)^k``. This is the
    discrete-time counterpart of the discounted expected residual transactions of FHL (2005
    JMR, eq. 2 with continuous discounting); with ``L`` a month and ``d`` a monthly rate it
    is the usual monthly computation. Spend and purchases multiply because the Gamma-Gamma
    model assumes spend independent of the purchase process.
    """
    spend = np.asarray(expected_spend, dtype=float)
    discounted = np.zeros(spend.shape)
    previous = np.zeros(spend.shape)
    for k in range(1, periods + 1):
        current = np.asarray(cumulative_purchases(k * period_length), dtype=float)
        discounted = discounted + (current - previous) / (1.0 + discount_rate) ** k
        previous = current
    return CLV(value=margin * spend * discounted, discounted_purchases=discounted)


def _prepare(x: ArrayLike, zbar: ArrayLike, weights: ArrayLike | None) -> _Spend:
    x_ = np.asarray(x, dtype=float).ravel()
    z_ = np.asarray(zbar, dtype=float).ravel()
    w_ = np.ones(x_.shape) if weights is None else np.asarray(weights, dtype=float).ravel()
    keep = (x_ > 0) & (z_ > 0)
    x_, z_, w_ = x_[keep], z_[keep], w_[keep]
    (x_u,), x_weight, x_code = distinct_rows(x_)
    x_weight = np.bincount(x_code, weights=w_, minlength=x_u.size).astype(np.float64)
    log_z = np.log(z_)
    return _Spend(
        x=x_,
        x_zbar=x_ * z_,
        weight=w_,
        wx=w_ * x_,
        x_u=x_u,
        x_code=x_code,
        x_weight=x_weight,
        const_p=float(dot((w_ * x_), (log_z + np.log(x_)))),
        const=float(dot(w_, log_z)),
    )


def _loglik(theta: Array, d: _Spend) -> tuple[float, Array]:
    p, q, gamma = np.exp(theta)
    xs, xw = d.x_u, d.x_weight
    log_den = np.log(gamma + d.x_zbar)
    inv_den = 1.0 / (gamma + d.x_zbar)
    s_log, sx_log = dot(d.weight, log_den), dot(d.wx, log_den)
    s_inv, sx_inv = dot(d.weight, inv_den), dot(d.wx, inv_den)
    n = float(xw.sum())
    value = (
        dot(xw, (gammaln(p * xs + q) - gammaln(p * xs)))
        - n * gammaln(q)
        + n * q * np.log(gamma)
        + p * d.const_p
        - d.const
        - p * sx_log
        - q * s_log
    )
    psi_pxq = digamma(p * xs + q)
    d_p = dot((xw * xs), (psi_pxq - digamma(p * xs))) + d.const_p - sx_log
    d_q = dot(xw, psi_pxq) - n * digamma(q) + n * np.log(gamma) - s_log
    d_gamma = n * q / gamma - p * sx_inv - q * s_inv
    return float(value), np.array([p * d_p, q * d_q, gamma * d_gamma])
