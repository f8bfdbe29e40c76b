"""The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005).

Reference: P. S. Fader, B. G. S. Hardie, K. L. Lee, "'Counting Your Customers' the Easy Way: An
Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275-284 (2005); P(alive) from
Fader, Hardie & Lee, "Computing P(alive) Using the BG/NBD Model" (2008 note).

While alive a customer buys at Poisson rate ``lambda ~ Gamma(r, alpha)``; after each repeat
purchase they drop out with probability ``p ~ Beta(a, b)``. Data per customer: ``x`` repeat
purchases, the last at ``t_x``, observed for ``T``. Times are in any unit, the same for all
arguments (``alpha`` then carries that unit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt
from numpy.typing import ArrayLike, NDArray
from scipy.special import betainc, expit, gammaln, logsumexp

from ._fit import maximize
from ._kernel import Layout, as_floats, layout_of, mixture_loglik, purchase_rate
from ._special import (
    beta_log_ratios,
    expm1_ratio,
    gamma_differences,
    log_gamma_ratio,
    tanh_sinh_grid,
)
from .summary import distinct_rows

Array = NDArray[np.float64]

# Terms of the eq. 10 series before quadrature takes over (z near 1, small x).
_SERIES_TERMS = 400


@dataclass(frozen=True)
class BGNBDParams:
    r: float
    alpha: float
    a: float
    b: float

    def as_array(self) -> Array:
        return np.array([self.r, self.alpha, self.a, self.b])


@dataclass(frozen=True)
class BGNBDFit:
    params: BGNBDParams
    log_likelihood: float
    n_customers: int
    n_rows: int  # distinct (x, t_x, T) rows the likelihood was evaluated on
    iterations: int
    converged: bool
    gradient: float  # largest projected gradient per customer where the search stopped


@dataclass(frozen=True)
class Scores:
    p_alive: Array
    expected_purchases: Array  # in the next ``horizon`` time units


def log_likelihood(
    params: BGNBDParams,
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
    weights: ArrayLike | None = None,
) -> float:
    """Total log-likelihood, FHL (2005) eq. 6 summed over customers (eq. 7), in log form.

    ``L = B(a, b+x)/B(a, b) * Gamma(r+x) alpha^r / Gamma(r)
    * [(alpha+T)^-(r+x) + [x>0] a/(b+x-1) (alpha+t_x)^-(r+x)]``.
    """
    layout = layout_of(x, t_x, T, weights)
    return _loglik(np.log(params.as_array()), layout)[0]


def fit(
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    initial: BGNBDParams | None = None,
) -> BGNBDFit:
    """Maximum-likelihood estimate of (r, alpha, a, b).

    Without ``weights`` the customers are first compressed to distinct (x, t_x, T) rows. The
    search runs on log-parameters (L-BFGS-B) with the analytic gradient of eq. 6.
    """
    layout = layout_of(x, t_x, T, weights)
    start = initial or _initial_guess(layout)
    best = maximize(
        lambda theta: _loglik(theta, layout), np.log(start.as_array()), layout.n_customers
    )
    r, alpha, a, b = np.exp(best.log_params)
    return BGNBDFit(
        params=BGNBDParams(float(r), float(alpha), float(a), float(b)),
        log_likelihood=best.log_likelihood,
        n_customers=round(layout.n_customers),
        n_rows=int(layout.weight.size),
        iterations=best.iterations,
        converged=best.converged,
        gradient=best.gradient,
    )


def p_alive(params: BGNBDParams, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> Array:
    """P(alive at T | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).

    From the FHL (2008) P(alive) note; evaluated as a logistic function of the log-odds, so
    it neither overflows nor returns NaN for any x, t_x <= T.
    """
    x_, t_x_, T_ = as_floats(x, t_x, T)
    r, alpha, a, b = params.as_array()
    with np.errstate(divide="ignore"):
        log_odds = (
            np.log(a)
            - np.log(np.maximum(b + x_ - 1.0, 0.0))
            + (r + x_) * np.log1p((T_ - t_x_) / (alpha + t_x_))
        )
    return np.where(x_ > 0, expit(-log_odds), 1.0)


def conditional_expected_purchases(
    params: BGNBDParams, t: float, x: ArrayLike, t_x: ArrayLike, T: ArrayLike
) -> Array:
    """E[Y(t) | x, t_x, T]: expected purchases in (T, T+t], FHL (2005) eq. 10.

    Equal to P(alive) times ``E_p[(1 - ((alpha+T)/(alpha+T+p*t))^(r+x)) / p]`` with
    ``p ~ Beta(a, b+x)``, which is how eq. 10 arises; see ``_alive_expectation`` for how its
    2F1 is summed. The hypergeometric part depends on (x, T) only, so it is computed once per
    distinct pair.
    """
    x_, t_x_, T_ = as_floats(x, t_x, T)
    r, alpha, a, b = params.as_array()
    (px, pT), _, inverse = distinct_rows(x_, T_)
    alive_mean = _alive_expectation(r + px, a, b + px, t / (alpha + pT))
    return p_alive(params, x_, t_x_, T_) * alive_mean[inverse]


def score(
    params: BGNBDParams, x: ArrayLike, t_x: ArrayLike, T: ArrayLike, horizon: float
) -> Scores:
    """P(alive) and expected purchases in the next ``horizon`` for each customer."""
    alive = p_alive(params, x, t_x, T)
    x_, _, T_ = as_floats(x, t_x, T)
    r, alpha, a, b = params.as_array()
    (px, pT), _, inverse = distinct_rows(x_, T_)
    alive_mean = _alive_expectation(r + px, a, b + px, horizon / (alpha + pT))
    return Scores(p_alive=alive, expected_purchases=alive * alive_mean[inverse])


def expected_purchases(params: BGNBDParams, t: ArrayLike) -> Array:
    """E[X(t)] for a new customer, FHL (2005) eq. 9:
    ``(a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]``.
    """
    t_ = np.asarray(t, dtype=float)
    r, alpha, a, b = params.as_array()
    shape = np.broadcast(t_).shape
    ones = np.ones(shape)
    return _alive_expectation(r * ones, a, b * ones, t_ / alpha)


def purchase_probability(params: BGNBDParams, n: ArrayLike, t: ArrayLike) -> Array:
    """P(X(t) = n), FHL (2005) eq. 8.

    The finite sum ``1 - sum_{j<n} NB(j)`` of eq. 8 is the negative-binomial upper tail, i.e.
    the regularized incomplete beta ``I_{t/(alpha+t)}(n, r)``.
    """
    n_, t_ = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(t, dtype=float))
    r, alpha, a, b = params.as_array()
    with np.errstate(invalid="ignore", divide="ignore"):
        log_q = np.log(t_) - np.log(alpha + t_)
        log_nb = (
            log_gamma_ratio(r, n_)
            - gammaln(n_ + 1.0)
            - r * np.log1p(t_ / alpha)
            + np.where(n_ > 0, n_ * log_q, 0.0)
        )
        # B(a, b+n)/B(a, b) and B(a+1, b+n-1)/B(a, b) = a/(a+b+n-1) B(a, b+n-1)/B(a, b).
        first = np.exp(_log_beta_ratio(a, b, n_) + log_nb)
        m = np.maximum(n_ - 1.0, 0.0)
        tail = (
            a
            / (a + b + m)
            * np.exp(_log_beta_ratio(a, b, m))
            * betainc(np.maximum(n_, 1.0), r, t_ / (alpha + t_))
        )
    return cast("npt.NDArray[np.float64]", np.where(n_ > 0, first + tail, first))


def _log_beta_ratio(a: float, b: float, x: Array) -> Array:
    """``log B(a, b+x) - log B(a, b) = log E[(1-p)^x]``, ``p ~ Beta(a, b)``, also for huge a, b."""
    return log_gamma_ratio(b, x) - log_gamma_ratio(a + b, x)


def _alive_expectation(k: Array, a: float, bx: Array, tau: Array) -> Array:
    """``E_p[(1 - (1 + p*tau)^-k) / p]`` for ``p ~ Beta(a, bx)``, i.e. the bracket of eq. 10.

    With ``c = a+bx-1`` and ``z = tau/(1+tau)`` the closed form is
    ``c/(a-1) [1 - (1-z)^k 2F1(k, bx; c; z)]``. Euler's transformation turns the 2F1 into
    ``(1-z)^(a-1-k) 2F1(c-k, a-1; c; z)``, whose series starts with 1 and carries the factor
    ``a-1`` in every later term. Dividing that out gives, without the 0/0 at ``a = 1`` and
    without the huge ``(1-z)^-k`` for large x,
    ``c * [(1 - (1-z)^(a-1))/(a-1) - (1-z)^(a-1) sum_{n>=1} (c-k)_n (a)_(n-1) / ((c)_n n!) z^n]``.
    Where ``c <= 1/2`` (only when x = 0 and a+b < 1.5) the mean is first split with
    ``E_{a,b} = a/(a+b) E_{a+1,b} + b/(a+b) E_{a,b+1}``, which raises ``c`` by one.
    """
    k, bx, tau = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (k, bx, tau)))
    shape = k.shape
    k, bx, tau = (np.ravel(v) for v in (k, bx, tau))
    low = a + bx - 1.0 <= 0.5
    if np.any(low):
        out = np.empty(k.shape)
        out[~low] = _alive_expectation(k[~low], a, bx[~low], tau[~low])
        kl, bl, tl = k[low], bx[low], tau[low]
        w = a / (a + bl)
        out[low] = w * _alive_expectation(kl, a + 1.0, bl, tl) + (1.0 - w) * _alive_expectation(
            kl, a, bl + 1.0, tl
        )
        return out.reshape(shape)
    return _alive_series(k, a, bx, tau).reshape(shape)


def _alive_series(k: Array, a: float, bx: Array, tau: Array) -> Array:
    value = np.empty(k.shape)
    done = _series_can_finish(k, a, bx, tau)
    if np.any(done):
        value[done], done[done] = _alive_power_series(k[done], a, bx[done], tau[done])
    if not np.all(done):
        value[~done] = _alive_quadrature(k[~done], a, bx[~done], tau[~done])
    return value


def _series_can_finish(k: Array, a: float, bx: Array, tau: Array) -> NDArray[np.bool_]:
    """False where the terms of `_alive_power_series` still grow halfway through its
    ``_SERIES_TERMS`` terms, so it cannot converge in time.

    The ratio of consecutive terms tends to ``z`` but starts near ``(a-1) z / 2``: for large
    ``a`` (``a + b`` of 1e10 and more at the point-mass edge of a fit) the terms grow for about
    ``(a-1) tau`` terms, by a factor of up to ``a z`` per term, and overflowed between two of
    the loop's rescalings before the element was handed to quadrature anyway.
    """
    n = _SERIES_TERMS // 2
    c = a + bx - 1.0
    z = tau / (1.0 + tau)
    return np.abs((c - k + n) * (a + n - 1.0) / ((c + n) * (n + 1.0)) * z) < 1.0


def _alive_power_series(
    k: Array, a: float, bx: Array, tau: Array
) -> tuple[Array, NDArray[np.bool_]]:
    """The series of ``_alive_expectation``; elements not converged after ``_SERIES_TERMS``
    terms (``z`` near 1 with small x) are flagged for quadrature."""
    c = a + bx - 1.0
    log_1mz = -np.log1p(tau)
    z = tau / (1.0 + tau)
    phi = expm1_ratio(a - 1.0, -log_1mz)
    term = (c - k) * z / c
    total = term.copy()
    log_scale = np.zeros(k.shape)
    done = np.zeros(k.shape, dtype=bool)
    for n in range(1, _SERIES_TERMS):
        ratio = (c - k + n) * (a + n - 1.0) / ((c + n) * (n + 1.0)) * z
        term = term * ratio
        total += term
        if n % 8:
            continue
        big = np.abs(total) > 1e250  # large a: terms grow like (1-z)^-(a-1) before they fall
        if np.any(big):
            term[big] *= 1e-250
            total[big] *= 1e-250
            log_scale[big] += 250.0 * np.log(10.0)
        bound = np.maximum(np.abs(ratio), z)
        done = (bound < 1.0) & (np.abs(term) * bound <= 1e-17 * np.abs(total) * (1.0 - bound))
        if np.all(done):
            break
    with np.errstate(divide="ignore"):
        scaled = np.sign(total) * np.exp(np.log(np.abs(total)) + log_scale + (a - 1.0) * log_1mz)
    return np.maximum(c * (phi - scaled), 0.0), done


def _alive_quadrature(k: Array, a: float, bx: Array, tau: Array) -> Array:
    """``E_p[(1 - (1+p*tau)^-k) / p]``, ``p ~ Beta(a, bx)``, by tanh-sinh quadrature in log
    space (Takahasi & Mori 1974); the step shrinks with ``log(tau)`` so the knee of the
    integrand at ``p ~ 1/tau`` is resolved.

    The mean is taken as ``int w h / int w`` over the logit of ``p``, both integrals on the same
    nodes, with ``w`` the Beta weight relative to its peak (`beta_log_ratios`). Normalising by
    ``B(a, bx)`` instead meant adding terms of size ``a log p`` and ``log B(a, bx)`` that
    cancel: at the point-mass edge of a fit (``a + b ~ 1e11``) that left four digits.
    """
    log_tau = np.log(tau)
    knee = float(np.max(log_tau))
    grid = tanh_sinh_grid(
        knee=knee,
        reach_left=knee + 45.0 / a,
        reach_right=45.0 / float(np.min(bx)),
        p=np.full(bx.shape, a),
        q=bx,
    )
    col = (slice(None), None)
    log_p = grid.log_u
    log_u = log_p + log_tau[col]  # log(p * tau)
    u = np.exp(np.minimum(log_u, 700.0))
    with np.errstate(divide="ignore"):
        log_h = (
            np.where(
                log_u < -30.0,
                np.log(k)[col] + log_u,
                np.log(-np.expm1(-k[col] * np.log1p(u))),
            )
            - log_p
        )
    rel_p, rel_1mp = beta_log_ratios(a, bx[col], grid.logit)
    log_w = a * rel_p + bx[col] * rel_1mp + grid.log_dlogit
    return cast(
        "npt.NDArray[np.float64]",
        np.exp(logsumexp(log_w + log_h, axis=1) - logsumexp(log_w, axis=1)),
    )


def _loglik(theta: Array, layout: Layout) -> tuple[float, Array]:
    r, alpha, a, b = np.exp(theta)
    xs = layout.x
    # log B(a, b+x) - log B(a, b) = [lgamma(b+x) - lgamma(b)] - [lgamma(a+b+x) - lgamma(a+b)],
    # each bracket without cancellation: near the point-mass edge a+b reaches 1e9 and more.
    lg_r, psi_r = gamma_differences(r, xs)
    lg_b, psi_b = gamma_differences(b, xs)
    lg_ab, psi_ab = gamma_differences(a + b, xs)
    c = lg_r + r * np.log(alpha) + lg_b - lg_ab
    c_grad = np.column_stack(
        [r * (psi_r + np.log(alpha)), np.full(xs.shape, r), -a * psi_ab, b * (psi_b - psi_ab)]
    )
    T_x, T = layout.at_T.x, layout.at_T.time
    log_aT = np.log(alpha + T)
    a_val = -(r + T_x) * log_aT
    zeros_T = np.zeros(T.shape)
    a_grad = np.column_stack([-r * log_aT, -alpha * (r + T_x) / (alpha + T), zeros_T, zeros_T])
    t_x_x, t_x = layout.at_tx.x, layout.at_tx.time
    repeat = t_x_x > 0
    b_shift = np.where(repeat, b + t_x_x - 1.0, 1.0)
    log_at = np.log(alpha + t_x)
    b_val = np.where(repeat, np.log(a) - np.log(b_shift) - (r + t_x_x) * log_at, -np.inf)
    b_grad = np.column_stack(
        [-r * log_at, -alpha * (r + t_x_x) / (alpha + t_x), np.ones(t_x.shape), -b / b_shift]
    )
    return mixture_loglik(layout, (c, c_grad), (a_val, a_grad), (b_val, b_grad))


def _initial_guess(layout: Layout) -> BGNBDParams:
    rate = purchase_rate(layout)
    return BGNBDParams(r=1.0, alpha=1.0 / max(rate, 1e-6), a=1.0, b=1.0)
