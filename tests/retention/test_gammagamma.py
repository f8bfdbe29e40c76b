"""Gamma-Gamma likelihood, conditional spend and CLV."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.special import gammaln
from scipy.stats import gamma as gamma_dist

from clientela.retention.stats import gammagamma

CDNOW = gammagamma.GammaGammaParams(p=6.25, q=3.74, gamma=15.44)

params = st.builds(
    gammagamma.GammaGammaParams,
    p=st.floats(0.5, 10.0),
    q=st.floats(1.5, 10.0),
    gamma=st.floats(1.0, 50.0),
)


def _nu_mean(
    f: Callable[[float], float], par: gammagamma.GammaGammaParams, x: float, zbar: float
) -> float:
    """E over nu ~ Gamma(q, gamma) of f(nu) times the density of zbar ~ Gamma(px, rate nu x)."""
    shape, rate = par.p * x, par.gamma + x * zbar
    log_const = (
        par.q * math.log(par.gamma)
        - gammaln(par.q)
        + shape * math.log(x)
        - gammaln(shape)
        + (shape - 1) * math.log(zbar)
    )
    # Integrate in v = rate * nu against the Gamma(q + px) density, so nothing underflows.
    k = par.q + shape
    upper = float(gamma_dist.isf(1e-18, k + 1))
    value, _ = quad(
        lambda v: f(v / rate) * math.exp((k - 1) * math.log(v) - v - gammaln(k)) if v > 0 else 0.0,
        0,
        upper,
        points=[k - 1],
        limit=200,
        epsrel=1e-11,
        epsabs=0,
    )
    log_const += gammaln(k) - k * math.log(rate)
    return float(value * math.exp(log_const))


@settings(max_examples=25, deadline=None)
@given(params, st.integers(1, 8), st.floats(1.0, 200.0))
def test_likelihood_and_conditional_spend_match_integration_over_nu(
    par: gammagamma.GammaGammaParams, x: int, zbar: float
) -> None:
    marginal = _nu_mean(lambda nu: 1.0, par, x, zbar)
    assert gammagamma.log_likelihood(par, [x], [zbar]) == pytest.approx(
        math.log(marginal), abs=1e-7
    )
    # E[Z | data] = E[p / nu | data]: the mean of Gamma(p, nu) under nu's posterior.
    posterior_mean = _nu_mean(lambda nu: par.p / nu, par, x, zbar) / marginal
    got = gammagamma.conditional_expected_spend(par, [x], [zbar])[0]
    assert got == pytest.approx(posterior_mean, rel=1e-7)


def test_customers_without_repeat_purchases_get_the_population_mean_and_no_likelihood() -> None:
    mean = CDNOW.p * CDNOW.gamma / (CDNOW.q - 1)
    assert gammagamma.conditional_expected_spend(CDNOW, [0], [0.0])[0] == pytest.approx(mean)
    with_zero = gammagamma.log_likelihood(CDNOW, [0, 2], [0.0, 30.0])
    assert with_zero == gammagamma.log_likelihood(CDNOW, [2], [30.0])


def test_conditional_spend_refuses_an_infinite_mean() -> None:
    with pytest.raises(ValueError, match="infinite"):
        gammagamma.conditional_expected_spend(gammagamma.GammaGammaParams(6, 0.9, 15), [1], [10])


def test_gradient_matches_finite_differences() -> None:
    data = gammagamma._prepare([1, 2, 5, 1], [10.0, 35.5, 12.0, 80.0], [3, 1, 2, 1])
    theta = np.log(CDNOW.as_array())
    _, grad = gammagamma._loglik(theta, data)
    numeric = [
        (gammagamma._loglik(theta + e, data)[0] - gammagamma._loglik(theta - e, data)[0]) / 2e-6
        for e in np.eye(3) * 1e-6
    ]
    assert grad == pytest.approx(numeric, rel=1e-6)


def test_clv_discounts_the_monthly_increments() -> None:
    spend = np.array([10.0, 20.0])

    def linear(t: float) -> np.ndarray:  # one purchase per period for both customers
        return np.array([t, t]) / 4.0

    result = gammagamma.clv(
        expected_spend=spend,
        cumulative_purchases=linear,
        periods=12,
        period_length=4.0,
        discount_rate=0.01,
        margin=0.3,
    )
    annuity = sum(1.01**-k for k in range(1, 13))
    assert result.discounted_purchases == pytest.approx([annuity, annuity], rel=1e-12)
    assert result.value == pytest.approx(0.3 * spend * annuity, rel=1e-12)


def test_clv_without_discount_is_margin_times_spend_times_purchases() -> None:
    result = gammagamma.clv(
        expected_spend=[50.0],
        cumulative_purchases=lambda t: np.array([math.sqrt(t)]),
        periods=6,
        period_length=2.0,
        discount_rate=0.0,
        margin=1.0,
    )
    assert result.value == pytest.approx([50.0 * math.sqrt(12.0)], rel=1e-12)
