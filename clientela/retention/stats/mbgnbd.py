"""The MBG/NBD model of repeat purchasing (Batislam, Denizel & Filiztekin 2007).

Reference: E. P. Batislam, M. Denizel, A. Filiztekin, "Empirical validation and comparison of
models for customer base analysis", International Journal of Research in Marketing 24(3),
201-209 (2007), with the corrections of U. Wagner & D. Hoppe, "Erratum on the MBG/NBD model",
IJRM 25(3), 225-226 (2008). The same model is the "central variant" CBG/NBD of D. Hoppe &
U. Wagner, "Customer base analysis: the case for a central variant of the Betageometric/NBD
model", Marketing - Journal of Research and Management 3(2), 75-90 (2007).

It is the BG/NBD (Fader, Hardie & Lee 2005, `bgnbd`) with one change: a customer may drop out
with probability ``p`` right after the first purchase too (at time 0), not only after each
repeat purchase. So a one-time buyer whose purchase is long past is likely gone, where the
BG/NBD holds every customer without a repeat purchase alive with certainty.

While alive a customer buys at Poisson rate ``lambda ~ Gamma(r, alpha)``; at time 0 and after
each repeat purchase they drop out with probability ``p ~ Beta(a, b)``. Data per customer:
``x`` repeat purchases, the last at ``t_x`` (0 if none), observed for ``T`` since the first.
Given lambda and p the likelihood is
``(1-p)^(x+1) lambda^x e^(-lambda T) + p (1-p)^x lambda^x e^(-lambda t_x)``: alive at T after
surviving x+1 chances to leave, or gone right after the x-th repeat purchase (the first
purchase when x = 0). Times are in any unit, the same for all arguments.

The closed forms of BDF (2007, section 2 and appendix) and of the erratum, each derived again
here from that individual likelihood and the two mixing distributions (the derivation is in
each function's docstring) and checked against numerical integration in the tests; with
``A(t) = Gamma(r+x) alpha^r / (Gamma(r) (alpha+t)^(r+x))``:

* likelihood: ``B(a, b+x+1)/B(a, b) A(T) + B(a+1, b+x)/B(a, b) A(t_x)``, i.e.
  ``B(a, b+x+1)/B(a, b) [A(T) + a/(b+x) A(t_x)]``;
* P(alive): ``1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x))``;
* E[X(t)]: ``b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))]``;
* E[Y(t) | x, t_x, T]: ``(a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
  2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))] P(alive)``.

The hypergeometric brackets are the BG/NBD's with ``b`` raised by one, and are evaluated by the
same stable code (`bgnbd._alive_expectation`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt
from numpy.typing import ArrayLike, NDArray
from scipy.special import betainc, expit, gammaln

from ._fit import maximize
from ._kernel import Layout, as_floats, layout_of, mixture_loglik, purchase_rate
from ._special import gamma_differences, log_gamma_ratio
from .bgnbd import Scores, _alive_expectation, _log_beta_ratio
from .summary import distinct_rows

Array = NDArray[np.float64]

__all__ = [
    "MBGNBDFit",
    "MBGNBDParams",
    "Scores",
    "conditional_expected_purchases",
    "expected_purchases",
    "fit",
    "log_likelihood",
    "p_alive",
    "purchase_probability",
    "score",
]


@dataclass(frozen=True)
class MBGNBDParams:
    r: float
    alpha: float
    a: float
    b: float

    def as_array(self) -> Array:
        return np.array([self.r, self.alpha, self.a, self.b])


@dataclass(frozen=True)
class MBGNBDFit:
    params: MBGNBDParams
    log_likelihood: float
    n_customers: int
    n_rows: int  # distinct (x, t_x, T) rows the likelihood was evaluated on
    iterations: int
    converged: bool
    gradient: float  # largest projected gradient per customer where the search stopped


def log_likelihood(
    params: MBGNBDParams,
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
    weights: ArrayLike | None = None,
) -> float:
    """Total log-likelihood of BDF (2007), as corrected by Wagner & Hoppe (2008), summed over
    customers, in log form.

    ``L = B(a, b+x+1)/B(a, b) * Gamma(r+x) alpha^r / Gamma(r)
    * [(alpha+T)^-(r+x) + a/(b+x) (alpha+t_x)^-(r+x)]``; unlike the BG/NBD the second term is
    there for x = 0 as well (dropout right after the first purchase).
    """
    layout = layout_of(x, t_x, T, weights)
    return _loglik(np.log(params.as_array()), layout)[0]


def fit(
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    initial: MBGNBDParams | None = None,
) -> MBGNBDFit:
    """Maximum-likelihood estimate of (r, alpha, a, b).

    Without ``weights`` the customers are first compressed to distinct (x, t_x, T) rows. The
    search runs on log-parameters (L-BFGS-B) with the analytic gradient of the log-likelihood.
    """
    layout = layout_of(x, t_x, T, weights)
    start = initial or _initial_guess(layout)
    best = maximize(
        lambda theta: _loglik(theta, layout), np.log(start.as_array()), layout.n_customers
    )
    r, alpha, a, b = np.exp(best.log_params)
    return MBGNBDFit(
        params=MBGNBDParams(float(r), float(alpha), float(a), float(b)),
        log_likelihood=best.log_likelihood,
        n_customers=round(layout.n_customers),
        n_rows=int(layout.weight.size),
        iterations=best.iterations,
        converged=best.converged,
        gradient=best.gradient,
    )


def p_alive(params: MBGNBDParams, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> Array:
    """P(alive at T | x, t_x, T) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)) (BDF 2007):
    by Bayes' theorem the share of the likelihood's first term (alive at T) in the whole.

    Below 1 also for x = 0 (``1 / (1 + a/b ((alpha+T)/alpha)^r)``), falling as T grows.
    Evaluated as a logistic function of the log-odds: no overflow or NaN for any t_x <= T.
    """
    x_, t_x_, T_ = as_floats(x, t_x, T)
    r, alpha, a, b = params.as_array()
    log_odds = np.log(a) - np.log(b + x_) + (r + x_) * np.log1p((T_ - t_x_) / (alpha + t_x_))
    return np.asarray(expit(-log_odds), dtype=np.float64)


def conditional_expected_purchases(
    params: MBGNBDParams, t: float, x: ArrayLike, t_x: ArrayLike, T: ArrayLike
) -> Array:
    """E[Y(t) | x, t_x, T]: expected purchases in (T, T+t] (BDF 2007, as corrected
    by Wagner & Hoppe 2008).

    A customer alive at T has the posterior ``lambda ~ Gamma(r+x, alpha+T)``,
    ``p ~ Beta(a, b+x+1)`` (the first term of the likelihood times the priors) and makes
    ``(1 - exp(-lambda p t)) / p`` purchases on average before leaving or reaching T+t; so the
    expectation is P(alive) times ``E_p[(1 - ((alpha+T)/(alpha+T+p*t))^(r+x)) / p]``, the
    closed form's bracket. That mean depends on (x, T) only: computed once per distinct pair.
    """
    x_, t_x_, T_ = as_floats(x, t_x, T)
    r, alpha, a, b = params.as_array()
    (px, pT), _, inverse = distinct_rows(x_, T_)
    alive_mean = _alive_expectation(r + px, a, b + px + 1.0, t / (alpha + pT))
    return p_alive(params, x_, t_x_, T_) * alive_mean[inverse]


def score(
    params: MBGNBDParams, x: ArrayLike, t_x: ArrayLike, T: ArrayLike, horizon: float
) -> Scores:
    """P(alive) and expected purchases in the next ``horizon`` for each customer."""
    alive = p_alive(params, x, t_x, T)
    x_, _, T_ = as_floats(x, t_x, T)
    r, alpha, a, b = params.as_array()
    (px, pT), _, inverse = distinct_rows(x_, T_)
    alive_mean = _alive_expectation(r + px, a, b + px + 1.0, horizon / (alpha + pT))
    return Scores(p_alive=alive, expected_purchases=alive * alive_mean[inverse])


def expected_purchases(params: MBGNBDParams, t: ArrayLike) -> Array:
    """E[X(t)] repeat purchases of a new customer by time t after the first (BDF 2007):
    ``b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))]``.

    The customer survives time 0 with probability 1-p and then buys ``(1 - exp(-lambda p t))/p``
    times on average; ``E[(1-p) f(p)]`` over ``Beta(a, b)`` is ``b/(a+b) E[f(p)]`` over
    ``Beta(a, b+1)``, whose mean of f is the bracket above times ``(a+b)/(a-1)``. (As t grows
    it tends to ``E[(1-p)/p] = b/(a-1)`` for a > 1, the mean number of repeat purchases.)
    """
    t_ = np.asarray(t, dtype=float)
    r, alpha, a, b = params.as_array()
    ones = np.ones(np.broadcast(t_).shape)
    mean = _alive_expectation(r * ones, a, (b + 1.0) * ones, t_ / alpha)
    return np.asarray(b / (a + b) * mean, dtype=np.float64)


def purchase_probability(params: MBGNBDParams, n: ArrayLike, t: ArrayLike) -> Array:
    """P(X(t) = n) repeat purchases by time t after the first.

    Given lambda and p: ``[n=0] p + (1-p)^(n+1) Poisson(n; lambda t)
    + [n>0] p (1-p)^n P(Poisson(lambda t) >= n)`` (gone at time 0; alive at t after n
    purchases; gone right after the n-th). Mixed over the gammas and betas:
    ``[n=0] a/(a+b) + B(a, b+n+1)/B(a, b) NB(n) + [n>0] B(a+1, b+n)/B(a, b) I_(t/(alpha+t))(n, r)``
    with ``NB`` the negative binomial of the NBD (as in FHL 2005 eq. 8).
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
        alive = np.exp(_log_beta_ratio(a, b, n_ + 1.0) + log_nb)
        # B(a+1, b+n)/B(a, b) = a/(a+b+n) B(a, b+n)/B(a, b).
        gone = (
            a
            / (a + b + n_)
            * np.exp(_log_beta_ratio(a, b, n_))
            * betainc(np.maximum(n_, 1.0), r, t_ / (alpha + t_))
        )
    return cast("npt.NDArray[np.float64]", np.where(n_ > 0, alive + gone, a / (a + b) + alive))


def _loglik(theta: Array, layout: Layout) -> tuple[float, Array]:
    r, alpha, a, b = np.exp(theta)
    xs = layout.x
    # log B(a, b+x+1) - log B(a, b) = [lgamma(b+x+1) - lgamma(b)] - [lgamma(a+b+x+1) -
    # lgamma(a+b)], each bracket without cancellation (a+b reaches 1e9 at the point-mass edge).
    lg_r, psi_r = gamma_differences(r, xs)
    lg_b, psi_b = gamma_differences(b, xs + 1.0)
    lg_ab, psi_ab = gamma_differences(a + b, xs + 1.0)
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
    log_at = np.log(alpha + t_x)
    b_shift = b + t_x_x
    b_val = np.log(a) - np.log(b_shift) - (r + t_x_x) * log_at
    b_grad = np.column_stack(
        [-r * log_at, -alpha * (r + t_x_x) / (alpha + t_x), np.ones(t_x.shape), -b / b_shift]
    )
    return mixture_loglik(layout, (c, c_grad), (a_val, a_grad), (b_val, b_grad))


def _initial_guess(layout: Layout) -> MBGNBDParams:
    rate = purchase_rate(layout)
    return MBGNBDParams(r=1.0, alpha=1.0 / max(rate, 1e-6), a=1.0, b=1.0)
