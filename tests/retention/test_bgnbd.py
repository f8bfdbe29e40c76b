"""BG/NBD closed forms against brute-force integration, gradient, and numerical safety."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.special import betaln, gammaln, hyp2f1

from clientela.retention.stats import bgnbd
from clientela.retention.stats._kernel import build_layout

from .brute import beta_mean, bgnbd_individual, bgnbd_mean
from .cdnow import summary_csv

CDNOW = bgnbd.BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])

params = st.builds(
    bgnbd.BGNBDParams,
    r=st.floats(0.2, 3.0),
    alpha=st.floats(0.5, 20.0),
    a=st.floats(0.3, 4.0),
    b=st.floats(0.3, 6.0),
)


@st.composite
def small_customers(draw: st.DrawFn) -> tuple[float, float, float]:
    x = draw(st.integers(0, 5))
    T = draw(st.floats(1.0, 40.0))
    t_x = draw(st.floats(0.05, 1.0)) * T if x > 0 else 0.0
    return float(x), t_x, T


@SLOW
@given(params, small_customers())
def test_likelihood_and_p_alive_match_integration_over_lambda_and_p(
    p: bgnbd.BGNBDParams, customer: tuple[float, float, float]
) -> None:
    x, t_x, T = customer
    total = bgnbd_mean(bgnbd_individual(x, t_x, T), p.r, p.alpha, p.a, p.b, x)
    alive = bgnbd_mean(
        lambda lam, q: (1 - q) ** x * lam**x * math.exp(-lam * T), p.r, p.alpha, p.a, p.b, x
    )
    assert bgnbd.log_likelihood(p, [x], [t_x], [T]) == pytest.approx(math.log(total), abs=1e-8)
    assert bgnbd.p_alive(p, [x], [t_x], [T])[0] == pytest.approx(alive / total, rel=1e-8)


@SLOW
@given(params, small_customers(), st.floats(0.5, 80.0))
def test_conditional_expectation_matches_integration(
    p: bgnbd.BGNBDParams, customer: tuple[float, float, float], t: float
) -> None:
    x, t_x, T = customer

    def future(lam: float, q: float) -> float:
        # Alive at T, then purchases until dropout: (1 - exp(-lam q t)) / q in (T, T + t].
        after = -math.expm1(-lam * q * t) / q if q > 0 else lam * t
        return (1 - q) ** x * lam**x * math.exp(-lam * T) * after

    expected = bgnbd_mean(future, p.r, p.alpha, p.a, p.b, x + 1) / bgnbd_mean(
        bgnbd_individual(x, t_x, T), p.r, p.alpha, p.a, p.b, x
    )
    got = bgnbd.conditional_expected_purchases(p, t, [x], [t_x], [T])[0]
    assert got == pytest.approx(expected, rel=1e-7)


@settings(max_examples=40, deadline=None)
@given(params, st.floats(0.01, 1e4))
def test_unconditional_expectation_matches_integration_and_eq_9(
    p: bgnbd.BGNBDParams, t: float
) -> None:
    def mean_given_p(q: float) -> float:
        return -math.expm1(-p.r * math.log1p(q * t / p.alpha)) / q if q > 0 else p.r * t / p.alpha

    got = float(bgnbd.expected_purchases(p, t))
    assert got == pytest.approx(beta_mean(mean_given_p, p.a, p.b), rel=1e-8)
    z = t / (p.alpha + t)
    if abs(p.a - 1) > 0.05 and z < 0.95 and p.a + p.b > 1.5:  # where scipy's 2F1 is reliable
        eq9 = (
            (p.a + p.b - 1)
            / (p.a - 1)
            * (1 - (p.alpha / (p.alpha + t)) ** p.r * hyp2f1(p.r, p.b, p.a + p.b - 1, z))
        )
        assert got == pytest.approx(eq9, rel=1e-7)


def test_probability_of_x_purchases_sums_to_one_and_has_the_right_mean() -> None:
    n = np.arange(400)
    probs = bgnbd.purchase_probability(CDNOW, n, 39.0)
    assert probs.sum() == pytest.approx(1.0, abs=1e-10)
    assert n @ probs == pytest.approx(float(bgnbd.expected_purchases(CDNOW, 39.0)), rel=1e-8)
    # P(X(t) = 0) by integration over lambda and p.
    zero = bgnbd_mean(
        lambda lam, q: math.exp(-lam * 39.0), CDNOW.r, CDNOW.alpha, CDNOW.a, CDNOW.b, 0
    )
    assert probs[0] == pytest.approx(zero, rel=1e-8)


def test_gradient_matches_finite_differences() -> None:
    d = summary_csv()
    layout = build_layout(d.x, d.t_x, d.T, np.ones(d.x.shape))
    for theta in (np.log(CDNOW.as_array()), np.log([2.0, 1.0, 3.0, 0.5])):
        _, grad = bgnbd._loglik(theta, layout)
        step = 1e-6
        numeric = [
            (bgnbd._loglik(theta + e, layout)[0] - bgnbd._loglik(theta - e, layout)[0]) / (2 * step)
            for e in np.eye(4) * step
        ]
        assert grad == pytest.approx(numeric, rel=1e-5, abs=1e-4)


def test_weights_are_the_same_as_repeated_rows() -> None:
    x, t_x, T = np.array([0.0, 2.0, 5.0]), np.array([0.0, 3.5, 20.0]), np.array([30.0, 10.0, 25.0])
    weights = np.array([3, 1, 2])
    repeated = bgnbd.log_likelihood(CDNOW, *(np.repeat(v, weights) for v in (x, t_x, T)))
    assert bgnbd.log_likelihood(CDNOW, x, t_x, T, weights) == pytest.approx(repeated, rel=1e-13)


def test_first_likelihood_term_is_eq_6() -> None:
    # One customer, written out from FHL (2005) eq. 6.
    x, t_x, T = 3.0, 20.0, 35.0
    r, alpha, a, b = CDNOW.as_array()
    a1 = gammaln(r + x) - gammaln(r) + r * math.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * math.log(alpha + T)
    a4 = math.log(a / (b + x - 1)) - (r + x) * math.log(alpha + t_x)
    by_hand = a1 + a2 + math.log(math.exp(a3) + math.exp(a4))
    assert bgnbd.log_likelihood(CDNOW, [x], [t_x], [T]) == pytest.approx(by_hand, rel=1e-13)


@st.composite
def extreme_customers(draw: st.DrawFn) -> tuple[float, float, float]:
    x = float(draw(st.integers(0, 10_000)))
    T = draw(st.floats(1e-3, 7305.0))
    if x == 0:
        return x, 0.0, T
    t_x = draw(st.one_of(st.just(T), st.floats(1e-3, 1.0).map(lambda f: f * T)))
    return x, t_x, T


wide_params = st.builds(
    bgnbd.BGNBDParams,
    r=st.floats(1e-2, 1e2),
    alpha=st.floats(1e-2, 1e4),
    a=st.floats(1e-2, 1e2),
    b=st.floats(1e-2, 1e2),
)


@settings(max_examples=150, deadline=None)
@given(wide_params, st.lists(extreme_customers(), min_size=1, max_size=5), st.floats(0, 7305))
def test_no_nan_or_inf_at_the_extremes(
    p: bgnbd.BGNBDParams, customers: list[tuple[float, float, float]], t: float
) -> None:
    x, t_x, T = (np.array(col) for col in zip(*customers, strict=True))
    layout = build_layout(x, t_x, T, np.ones(x.shape))
    value, grad = bgnbd._loglik(np.log(p.as_array()), layout)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    alive = bgnbd.p_alive(p, x, t_x, T)
    assert np.all((alive >= 0) & (alive <= 1))
    future = bgnbd.conditional_expected_purchases(p, t, x, t_x, T)
    assert np.all(np.isfinite(future) & (future >= 0))
    assert np.isfinite(float(bgnbd.expected_purchases(p, t)))


def test_score_is_p_alive_and_conditional_expectation() -> None:
    d = summary_csv()
    scores = bgnbd.score(CDNOW, d.x, d.t_x, d.T, horizon=39.0)
    assert np.array_equal(scores.p_alive, bgnbd.p_alive(CDNOW, d.x, d.t_x, d.T))
    assert scores.expected_purchases == pytest.approx(
        bgnbd.conditional_expected_purchases(CDNOW, 39.0, d.x, d.t_x, d.T), rel=1e-12
    )


def test_quad_reference_for_one_customer_by_hand() -> None:
    # A second, explicit check of the integration helper itself: Gamma-Poisson marginal.
    r, alpha, t = 0.5, 2.0, 3.0
    p0, _ = quad(lambda lam: math.exp(-lam * t) * lam ** (r - 1) * math.exp(-alpha * lam), 0, 80)
    closed = (alpha / (alpha + t)) ** r
    assert p0 * alpha**r / math.gamma(r) == pytest.approx(closed, rel=1e-6)


# Where a validation fit stopped at the point-mass edge (engine.fit accepts it with a
# warning): a + b ~ 1e11, so Beta(a, b + x) is the point mass at a / (a + b + x) to within
# a relative spread of ~3e-6.
EDGE = bgnbd.BGNBDParams(r=0.8145, alpha=1.8202, a=4.7388e10, b=5.0457e10)


def test_at_the_point_mass_edge_the_conditional_expectation_is_its_limit() -> None:
    # The power series of eq. 10 overflowed here (its terms grow by a factor of ~a z per
    # term) and the quadrature that followed lost four digits to B(a, b) of size 1e11.
    x, t_x, T = np.array([0.0, 1, 2, 3]), np.array([0.0, 1.4, 2.9, 4.3]), np.full(4, 15.0)
    t = 15 / 7
    with np.errstate(over="raise", invalid="raise"):
        got = bgnbd.conditional_expected_purchases(EDGE, t, x, t_x, T)
        unconditional = float(bgnbd.expected_purchases(EDGE, t))
    # The limit: P(alive) * (1 - (1 + pi t/(alpha+T))^-(r+x)) / pi, pi = a/(a+b+x); the
    # beta's variance changes it by ~1e-11.
    pi = EDGE.a / (EDGE.a + EDGE.b + x)
    after = -np.expm1(-(EDGE.r + x) * np.log1p(pi * t / (EDGE.alpha + T))) / pi
    limit = bgnbd.p_alive(EDGE, x, t_x, T) * after
    assert got == pytest.approx(limit, rel=1e-9)
    pi0 = EDGE.a / (EDGE.a + EDGE.b)
    assert unconditional == pytest.approx(
        -math.expm1(-EDGE.r * math.log1p(pi0 * t / EDGE.alpha)) / pi0, rel=1e-9
    )
