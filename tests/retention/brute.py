"""Brute-force expectations over the mixing distributions, by adaptive quadrature.

Independent of the closed forms: every model quantity is written as an integral of the
individual-level expression (given lambda and p, or lambda and mu) against the Gamma and Beta
densities, and integrated numerically with scipy.integrate.quad (QAWS, which takes the
algebraic endpoint singularities of the densities as weights).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import stats
from scipy.integrate import quad
from scipy.special import betaln, gammaln

Fn = Callable[[float], float]


def gamma_mean(f: Fn, shape: float, rate: float, extra_shape: float = 0.0) -> float:
    """E[f(L)] for L ~ Gamma(shape, rate); ``extra_shape`` widens the range when f carries
    its own power of L."""
    upper = float(stats.gamma.isf(1e-18, shape + extra_shape + 1.0, scale=1.0 / rate))
    value, _ = quad(
        lambda lam: f(lam) * np.exp(-rate * lam),
        0.0,
        upper,
        weight="alg",
        wvar=(shape - 1.0, 0.0),
        limit=400,
        epsabs=0.0,
        epsrel=1e-11,
    )
    return float(value * np.exp(shape * np.log(rate) - gammaln(shape)))


def beta_mean(f: Fn, a: float, b: float) -> float:
    """E[f(P)] for P ~ Beta(a, b)."""
    value, _ = quad(
        f, 0.0, 1.0, weight="alg", wvar=(a - 1.0, b - 1.0), limit=400, epsabs=0.0, epsrel=1e-11
    )
    return float(value / np.exp(betaln(a, b)))


def bgnbd_mean(
    f: Callable[[float, float], float], r: float, alpha: float, a: float, b: float, x: float
) -> float:
    """E[f(lambda, p)] over lambda ~ Gamma(r, alpha), p ~ Beta(a, b)."""
    return beta_mean(lambda p: gamma_mean(lambda lam: f(lam, p), r, alpha, x), a, b)


def pareto_mean(
    f: Callable[[float, float], float], r: float, alpha: float, s: float, beta: float, x: float
) -> float:
    """E[f(lambda, mu)] over lambda ~ Gamma(r, alpha), mu ~ Gamma(s, beta)."""
    return gamma_mean(lambda mu: gamma_mean(lambda lam: f(lam, mu), r, alpha, x), s, beta, 1.0)


def bgnbd_individual(x: float, t_x: float, T: float) -> Callable[[float, float], float]:
    """FHL (2005) eq. 3: the likelihood of (x, t_x, T) given lambda and p."""

    def likelihood(lam: float, p: float) -> float:
        alive = (1.0 - p) ** x * lam**x * np.exp(-lam * T)
        died = p * (1.0 - p) ** (x - 1.0) * lam**x * np.exp(-lam * t_x) if x > 0 else 0.0
        return float(alive + died)

    return likelihood


def pareto_individual(x: float, t_x: float, T: float) -> Callable[[float, float], float]:
    """SMC (1987): the likelihood of (x, t_x, T) given lambda and mu."""

    def likelihood(lam: float, mu: float) -> float:
        rate = lam + mu
        # mu * integral of exp(-rate u) over (t_x, T]
        span = -np.expm1(-rate * (T - t_x)) / rate if rate > 0 else T - t_x
        died = mu * np.exp(-rate * t_x) * span
        return float(lam**x * (np.exp(-rate * T) + died))

    return likelihood
