"""Pareto/NBD closed forms against brute-force integration, gradient, and numerical safety."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.special import gammaln, hyp2f1

from clientela.retention.stats import paretonbd
from clientela.retention.stats._kernel import build_layout

from .brute import pareto_individual, pareto_mean
from .cdnow import summary_csv

CDNOW = paretonbd.ParetoNBDParams(r=0.553, alpha=10.578, s=0.606, beta=11.669)
SLOW = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])

params = st.builds(
    paretonbd.ParetoNBDParams,
    r=st.floats(0.3, 3.0),
    alpha=st.floats(0.5, 20.0),
    s=st.floats(0.3, 3.0),
    beta=st.floats(0.5, 30.0),
)


@st.composite
def small_customers(draw: st.DrawFn) -> tuple[float, float, float]:
    x = draw(st.integers(0, 4))
    T = draw(st.floats(1.0, 30.0))
    t_x = draw(st.floats(0.05, 1.0)) * T if x > 0 else 0.0
    return float(x), t_x, T


@SLOW
@given(params, small_customers())
def test_likelihood_and_p_alive_match_integration_over_lambda_and_mu(
    p: paretonbd.ParetoNBDParams, customer: tuple[float, float, float]
) -> None:
    x, t_x, T = customer
    total = pareto_mean(pareto_individual(x, t_x, T), p.r, p.alpha, p.s, p.beta, x)
    alive = pareto_mean(
        lambda lam, mu: lam**x * math.exp(-(lam + mu) * T), p.r, p.alpha, p.s, p.beta, x
    )
    assert paretonbd.log_likelihood(p, [x], [t_x], [T]) == pytest.approx(math.log(total), abs=1e-8)
    assert paretonbd.p_alive(p, [x], [t_x], [T])[0] == pytest.approx(alive / total, rel=1e-8)


@SLOW
@given(params, small_customers(), st.floats(0.5, 60.0))
def test_conditional_expectation_matches_integration(
    p: paretonbd.ParetoNBDParams, customer: tuple[float, float, float], t: float
) -> None:
    x, t_x, T = customer

    def future(lam: float, mu: float) -> float:
        after = lam * -math.expm1(-mu * t) / mu if mu > 0 else lam * t
        return lam**x * math.exp(-(lam + mu) * T) * after

    expected = pareto_mean(future, p.r, p.alpha, p.s, p.beta, x + 1) / pareto_mean(
        pareto_individual(x, t_x, T), p.r, p.alpha, p.s, p.beta, x
    )
    got = paretonbd.conditional_expected_purchases(p, t, [x], [t_x], [T])[0]
    assert got == pytest.approx(expected, rel=1e-7)


def test_likelihood_matches_the_notes_2f1_form_in_both_branches() -> None:
    # Note 009 eqs. 19-20 with scipy's hyp2f1, for a moderate customer where it is accurate.
    x, t_x, T = 3.0, 12.0, 30.0
    for p in (CDNOW, paretonbd.ParetoNBDParams(0.8, 15.0, 1.2, 6.0)):
        r, alpha, s, beta = p.as_array()
        big, a2 = (alpha, s + 1) if alpha >= beta else (beta, r + x)
        z_tx, z_T = (abs(alpha - beta) / (big + y) for y in (t_x, T))
        rsx = r + s + x
        a0 = (
            hyp2f1(rsx, a2, rsx + 1, z_tx) / (big + t_x) ** rsx
            - hyp2f1(rsx, a2, rsx + 1, z_T) / (big + T) ** rsx
        )
        log_l = (
            gammaln(r + x)
            - gammaln(r)
            + r * math.log(alpha)
            + s * math.log(beta)
            + math.log((alpha + T) ** -(r + x) * (beta + T) ** -s + s / rsx * a0)
        )
        assert paretonbd.log_likelihood(p, [x], [t_x], [T]) == pytest.approx(log_l, rel=1e-12)


def test_unconditional_expectation_has_its_limit_at_s_equal_one() -> None:
    near = paretonbd.ParetoNBDParams(0.5, 10.0, 1.0 + 1e-10, 12.0)
    exact = 0.5 * 12.0 / 10.0 * math.log1p(39.0 / 12.0)
    assert float(paretonbd.expected_purchases(near, 39.0)) == pytest.approx(exact, rel=1e-9)


def test_gradient_matches_finite_differences() -> None:
    d = summary_csv()
    layout = build_layout(d.x, d.t_x, d.T, np.ones(d.x.shape))
    for theta in (np.log(CDNOW.as_array()), np.log([2.0, 1.0, 0.3, 50.0]), np.log([1, 8, 2, 2])):
        _, grad = paretonbd._loglik(theta, layout)
        step = 1e-6
        numeric = [
            (paretonbd._loglik(theta + e, layout)[0] - paretonbd._loglik(theta - e, layout)[0])
            / (2 * step)
            for e in np.eye(4) * step
        ]
        assert grad == pytest.approx(numeric, rel=1e-5, abs=1e-4)


@st.composite
def extreme_customers(draw: st.DrawFn) -> tuple[float, float, float]:
    x = float(draw(st.integers(0, 10_000)))
    T = draw(st.floats(1e-3, 7305.0))
    if x == 0:
        return x, 0.0, T
    t_x = draw(st.one_of(st.just(T), st.floats(1e-3, 1.0).map(lambda f: f * T)))
    return x, t_x, T


wide_params = st.builds(
    paretonbd.ParetoNBDParams,
    r=st.floats(1e-2, 1e2),
    alpha=st.floats(1e-2, 1e4),
    s=st.floats(1e-2, 1e2),
    beta=st.floats(1e-2, 1e4),
)


@settings(max_examples=150, deadline=None)
@given(wide_params, st.lists(extreme_customers(), min_size=1, max_size=5), st.floats(0, 7305))
def test_no_nan_or_inf_at_the_extremes(
    p: paretonbd.ParetoNBDParams, customers: list[tuple[float, float, float]], t: float
) -> None:
    x, t_x, T = (np.array(col) for col in zip(*customers, strict=True))
    layout = build_layout(x, t_x, T, np.ones(x.shape))
    value, grad = paretonbd._loglik(np.log(p.as_array()), layout)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    alive = paretonbd.p_alive(p, x, t_x, T)
    assert np.all((alive >= 0) & (alive <= 1))
    future = paretonbd.conditional_expected_purchases(p, t, x, t_x, T)
    assert np.all(np.isfinite(future) & (future >= 0))
    assert np.isfinite(float(paretonbd.expected_purchases(p, t)))


def test_p_alive_is_one_for_a_customer_who_just_bought() -> None:
    alive = paretonbd.p_alive(CDNOW, [5.0, 0.0], [20.0, 0.0], [20.0, 1e-9])
    assert alive == pytest.approx([1.0, 1.0], abs=1e-9)
