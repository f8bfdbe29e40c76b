"""The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987).

References: D. C. Schmittlein, D. G. Morrison, R. Colombo, "Counting Your Customers: Who Are They
and What Will They Do Next?", Management Science 33(1), 1-24 (1987); P. S. Fader, B. G. S. Hardie,
K. L. Lee, "A Note on Implementing the Pareto/NBD Model in MATLAB" (2005); P. S. Fader,
B. G. S. Hardie, "A Note on Deriving the Pareto/NBD Model and Related Expressions" (2005,
note 009; the likelihood is eq. 18 with A_0 in eqs. 19-20).

While alive a customer buys at Poisson rate ``lambda ~ Gamma(r, alpha)`` and dies at an
exponential time with rate ``mu ~ Gamma(s, beta)``.

Likelihood, in the form used here. Mixing the individual likelihood
``lambda^x e^-(lambda+mu)T + lambda^x mu int_{t_x}^T e^-(lambda+mu)u du`` over the gammas gives
``L = Gamma(r+x) alpha^r beta^s / Gamma(r) * [(r+x) F'(T) + s F(t_x)]`` with
``F(y) = int_y^inf (alpha+u)^-(r+x) (beta+u)^-(s+1) du`` and
``F'(y) = int_y^inf (alpha+u)^-(r+x+1) (beta+u)^-s du``. (Integrating by parts,
``(alpha+T)^-(r+x) (beta+T)^-s - s F(T) = (r+x) F'(T)``, which turns the note's difference of
two 2F1 terms into a sum of two positive ones.) Each ``F`` is the note's
``2F1(r+s+x, .; r+s+x+1; .)`` term: for the larger of the two rates the argument is
``|alpha-beta| / (max(alpha, beta) + y)``, which is how the alpha >= beta and alpha < beta
branches of eqs. 19-20 appear below; the 2F1 itself is ``_special.log_g`` after Euler's
transformation. Everything is in log space, so no term can overflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt
from numpy.typing import ArrayLike, NDArray

from ._fit import maximize
from ._kernel import Layout, build_layout, layout_of, purchase_rate
from ._kernel import mixture_loglik as _mixture
from ._special import dot, expm1_ratio, gamma_differences, log_g

Array = NDArray[np.float64]


@dataclass(frozen=True)
class ParetoNBDParams:
    r: float
    alpha: float
    s: float
    beta: float

    def as_array(self) -> Array:
        return np.array([self.r, self.alpha, self.s, self.beta])


@dataclass(frozen=True)
class ParetoNBDFit:
    params: ParetoNBDParams
    log_likelihood: float
    n_customers: int
    n_rows: int
    iterations: int
    converged: bool
    gradient: float  # largest projected gradient per customer where the search stopped


@dataclass(frozen=True)
class Scores:
    p_alive: Array
    expected_purchases: Array  # in the next ``horizon`` time units


def log_likelihood(
    params: ParetoNBDParams,
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
    weights: ArrayLike | None = None,
) -> float:
    """Total log-likelihood (note 009, eqs. 18-20; the MATLAB note's LL), in the form given in
    the module docstring."""
    return _loglik(np.log(params.as_array()), layout_of(x, t_x, T, weights))[0]


def fit(
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    initial: ParetoNBDParams | None = None,
) -> ParetoNBDFit:
    """Maximum-likelihood estimate of (r, alpha, s, beta) on log-parameters, analytic gradient.

    Without ``weights`` the customers are first compressed to distinct (x, t_x, T) rows.
    """
    layout = layout_of(x, t_x, T, weights)
    start = initial or _initial_guess(layout)
    best = maximize(
        lambda theta: _loglik(theta, layout), np.log(start.as_array()), layout.n_customers
    )
    r, alpha, s, beta = np.exp(best.log_params)
    return ParetoNBDFit(
        params=ParetoNBDParams(float(r), float(alpha), float(s), float(beta)),
        log_likelihood=best.log_likelihood,
        n_customers=round(layout.n_customers),
        n_rows=int(layout.weight.size),
        iterations=best.iterations,
        converged=best.converged,
        gradient=best.gradient,
    )


def p_alive(params: ParetoNBDParams, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> Array:
    """P(alive at T | x, t_x, T) = (alpha+T)^-(r+x) (beta+T)^-s / [(r+x) F'(T) + s F(t_x)].

    The same quantity as note 009's (section 5.1)
    ``1 / (1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A_0)``.
    """
    x_, t_x_, T_ = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    layout = build_layout(x_, t_x_, T_, np.ones(x_.shape))
    theta = np.log(params.as_array())
    on_T, on_tx = _terms(theta, layout)
    r, alpha, s, beta = params.as_array()
    log_alive_T = -(r + layout.at_T.x) * np.log(alpha + layout.at_T.time) - s * np.log(
        beta + layout.at_T.time
    )
    log_total = np.logaddexp(on_T[0][layout.row_T], on_tx[0][layout.row_tx])
    return cast(
        "npt.NDArray[np.float64]", np.minimum(np.exp(log_alive_T[layout.row_T] - log_total), 1.0)
    )


def conditional_expected_purchases(
    params: ParetoNBDParams, t: float, x: ArrayLike, t_x: ArrayLike, T: ArrayLike
) -> Array:
    """E[Y(t) | x, t_x, T], expected purchases in (T, T+t] (note 009, eq. 41):
    ``P(alive) (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)]``.

    The bracket over ``s-1`` is evaluated without the 0/0 at ``s = 1`` (its limit is
    ``log(1 + t/(beta+T))``).
    """
    x_, T_ = np.asarray(x, dtype=float), np.asarray(T, dtype=float)
    r, alpha, s, beta = params.as_array()
    alive_mean = (
        (r + x_) * (beta + T_) / (alpha + T_) * expm1_ratio(s - 1.0, np.log1p(t / (beta + T_)))
    )
    return cast("npt.NDArray[np.float64]", p_alive(params, x, t_x, T) * alive_mean)


def score(
    params: ParetoNBDParams, x: ArrayLike, t_x: ArrayLike, T: ArrayLike, horizon: float
) -> Scores:
    """P(alive) and expected purchases in the next ``horizon`` for each customer."""
    alive = p_alive(params, x, t_x, T)
    x_, T_ = np.asarray(x, dtype=float), np.asarray(T, dtype=float)
    r, alpha, s, beta = params.as_array()
    alive_mean = (
        (r + x_)
        * (beta + T_)
        / (alpha + T_)
        * expm1_ratio(s - 1.0, np.log1p(horizon / (beta + T_)))
    )
    return Scores(p_alive=alive, expected_purchases=alive * alive_mean)


def expected_purchases(params: ParetoNBDParams, t: ArrayLike) -> Array:
    """E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)] (note 009, eq. 27)."""
    r, alpha, s, beta = params.as_array()
    t_ = np.asarray(t, dtype=float)
    return cast(
        "npt.NDArray[np.float64]", r * beta / alpha * expm1_ratio(s - 1.0, np.log1p(t_ / beta))
    )


def _log_tail(
    m: Array, n: Array, A: Array, B: Array, y: Array
) -> tuple[Array, Array, Array, Array, Array]:
    """``log F`` for ``F = int_y^inf (A+u)^-m (B+u)^-(n+1) du`` and its derivatives in m, n, A, B.

    ``F = (A+y)^-m (B+y)^-n K / (m+n)``. For ``A >= B``, ``K = G(m, n+1, z)`` with
    ``z = (A-B)/(A+y)``; for ``A < B``, ``K = (1-z) G(n+1, m, z)`` with ``z = (B-A)/(B+y)``.
    """
    Ay, By = A + y, B + y
    log_Ay, log_By = np.log(Ay), np.log(By)
    first = A >= B
    big, small = np.where(first, Ay, By), np.where(first, By, Ay)
    z = np.abs(A - B) / big
    p = np.where(first, m, n + 1.0)
    q = np.where(first, n + 1.0, m)
    log_G, G_p, G_q, G_z = log_g(p, q, z, small / big)
    inv_mn = 1.0 / (m + n)
    value = (
        np.where(
            first,
            -m * log_Ay - n * log_By,
            -(m - 1.0) * log_Ay - (n + 1.0) * log_By,
        )
        + log_G
        - np.log(m + n)
    )
    d_m = -log_Ay + np.where(first, G_p, G_q) - inv_mn
    d_n = -log_By + np.where(first, G_q, G_p) - inv_mn
    d_A = np.where(first, -m / Ay + G_z * By / Ay**2, -(m - 1.0) / Ay - G_z / By)
    d_B = np.where(first, -n / By - G_z / Ay, -(n + 1.0) / By + G_z * Ay / By**2)
    return value, d_m, d_n, d_A, d_B


def _terms(theta: Array, layout: Layout) -> tuple[tuple[Array, Array], tuple[Array, Array]]:
    """``log((r+x) F'(T))`` per (x, T) pair and ``log(s F(t_x))`` per (x, t_x) pair, with
    gradients in the log-parameters."""
    r, alpha, s, beta = np.exp(theta)
    xT, T = layout.at_T.x, layout.at_T.time
    ones = np.ones(T.shape)
    v, d_m, d_n, d_A, d_B = _log_tail(s * ones, r + xT, beta * ones, alpha * ones, T)
    on_T = (
        np.log(r + xT) + v,
        np.column_stack([r * (d_n + 1.0 / (r + xT)), alpha * d_B, s * d_m, beta * d_A]),
    )
    xt, t_x = layout.at_tx.x, layout.at_tx.time
    ones = np.ones(t_x.shape)
    v, d_m, d_n, d_A, d_B = _log_tail(r + xt, s * ones, alpha * ones, beta * ones, t_x)
    on_tx = (
        np.log(s) + v,
        np.column_stack([r * d_m, alpha * d_A, s * (d_n + 1.0 / s), beta * d_B]),
    )
    return on_T, on_tx


def _loglik(theta: Array, layout: Layout) -> tuple[float, Array]:
    r, alpha, s, beta = np.exp(theta)
    xs = layout.x
    lg_r, psi_r = gamma_differences(r, xs)
    c = lg_r + r * np.log(alpha) + s * np.log(beta)
    c_grad = np.column_stack(
        [
            r * (psi_r + np.log(alpha)),
            np.full(xs.shape, r),
            np.full(xs.shape, s * np.log(beta)),
            np.full(xs.shape, s),
        ]
    )
    on_T, on_tx = _terms(theta, layout)
    return _mixture(layout, (c, c_grad), on_T, on_tx)


def _initial_guess(layout: Layout) -> ParetoNBDParams:
    rows_T = layout.at_T.time[layout.row_T]
    mean_T = float(dot(layout.weight, rows_T)) / max(layout.n_customers, 1.0)
    rate = purchase_rate(layout)
    return ParetoNBDParams(r=1.0, alpha=1.0 / max(rate, 1e-6), s=1.0, beta=max(mean_T, 1e-6))
