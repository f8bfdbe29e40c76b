"""The hypergeometric function G of the Pareto/NBD likelihood, against scipy and quadrature;
the lgamma and digamma differences, against a high-precision reference."""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.special import digamma, gammaln, hyp2f1

from clientela.retention.stats._special import (
    digamma_difference,
    expm1_ratio,
    log_g,
    log_gamma_ratio,
    tanh_sinh_grid,
)


def _log_g(p: float, q: float, z: float) -> float:
    return float(log_g(np.array([p]), np.array([q]), np.array([z]), np.array([1 - z]))[0][0])


@settings(max_examples=200, deadline=None)
@given(st.floats(0.05, 50.0), st.floats(0.05, 50.0), st.floats(0.0, 0.995))
def test_g_is_scipys_2f1_of_1_p_p_plus_q(p: float, q: float, z: float) -> None:
    assert _log_g(p, q, z) == pytest.approx(math.log(hyp2f1(1.0, p, p + q, z)), abs=1e-11)


@settings(max_examples=100, deadline=None)
@given(st.floats(0.05, 20.0), st.floats(0.05, 20.0), st.floats(0.01, 0.9999))
def test_g_gradient_matches_finite_differences(p: float, q: float, z: float) -> None:
    assume(abs(z - 0.9) > 1e-4)  # a stencil across the series/quadrature switch measures the seam
    _, d_p, d_q, d_z = (v[0] for v in log_g(*(np.array([v]) for v in (p, q, z, 1 - z))))
    # The z step: 1 - z is passed separately, and near z = 1 its rounding (1e-16 absolute)
    # dominates a step of 1e-6 * (1 - z) (at z = 0.9999 the stencil was off by 1e-4
    # relative, while the gradient agrees with the series below to 1e-13).
    hp, hq, hz = 1e-6 * p, 1e-6 * q, 1e-4 * min(z, 1 - z)
    assert d_p == pytest.approx(
        (_log_g(p + hp, q, z) - _log_g(p - hp, q, z)) / (2 * hp), rel=1e-4, abs=1e-6
    )
    assert d_q == pytest.approx(
        (_log_g(p, q + hq, z) - _log_g(p, q - hq, z)) / (2 * hq), rel=1e-4, abs=1e-6
    )
    assert d_z == pytest.approx(
        (_log_g(p, q, z + hz) - _log_g(p, q, z - hz)) / (2 * hz), rel=1e-4, abs=1e-6
    )


def _series_reference(p: float, q: float, z: float) -> tuple[float, float, float, float]:
    """log G and its gradient from the defining series of 2F1(1, p; p + q; z), summed with
    math.fsum: the n-th term is (p)_n / (p + q)_n z^n, whose derivatives in p and q carry the
    digamma differences sum_k 1/(p + k) - 1/(p + q + k) and -sum_k 1/(p + q + k)."""
    term, dp_sum, dq_sum = 1.0, 0.0, 0.0
    f, fp, fq, fz = [], [], [], []
    for n in range(200_000):
        zn = z**n
        f.append(term * zn)
        fp.append(term * zn * dp_sum)
        fq.append(-term * zn * dq_sum)
        fz.append(n * term * z ** (n - 1) if n else 0.0)
        dp_sum += 1 / (p + n) - 1 / (p + q + n)
        dq_sum += 1 / (p + q + n)
        term *= (p + n) / (p + q + n)
    total = math.fsum(f)
    return math.log(total), math.fsum(fp) / total, math.fsum(fq) / total, math.fsum(fz) / total


@pytest.mark.parametrize(("p", "q", "z"), [(1.0, 6.0, 0.9999), (2.5, 3.0, 0.95), (0.7, 4.0, 0.5)])
def test_g_and_its_gradient_match_the_summed_series(p: float, q: float, z: float) -> None:
    # (1.0, 6.0, 0.9999) is the point where a too-small finite-difference step misled.
    got = [v[0] for v in log_g(*(np.array([v]) for v in (p, q, z, 1 - z)))]
    assert got == pytest.approx(list(_series_reference(p, q, z)), rel=1e-11, abs=1e-13)


def test_series_and_quadrature_agree_at_the_switch() -> None:
    below, above = _log_g(2.5, 0.7, 0.9), _log_g(2.5, 0.7, 0.9 + 1e-12)
    assert above == pytest.approx(below, abs=1e-10)


def test_the_notes_2f1_is_g_after_eulers_transformation() -> None:
    # 2F1(a, b; a+1; z) = (1-z)^(1-b) G(a+1-b, b, z), as used for the Pareto/NBD terms.
    a, b, z = 3.2, 1.6, 0.4
    via_g = (1 - b) * math.log(1 - z) + _log_g(a + 1 - b, b, z)
    assert via_g == pytest.approx(math.log(hyp2f1(a, b, a + 1, z)), rel=1e-13)


def test_g_stays_finite_when_z_is_within_rounding_of_one() -> None:
    value = log_g(np.array([0.6]), np.array([0.3]), np.array([1.0]), np.array([1e-300]))[0][0]
    assert np.isfinite(value)


def test_g_at_the_point_mass_edge_is_its_limit_on_a_hundred_nodes() -> None:
    # Beta(p, q) with p + q = 1e11 is the point mass at p/(p+q) to within ~3e-6, so G is
    # 1/(1 - z p/(p+q)). Normalised by B(p, q) of size 1e11 the quadrature lost five digits,
    # on a grid over all of (0, 1) at a fraction of the beta's width: a million nodes.
    p, q, z = 4.7e10, 5.0e10, 0.97
    value = log_g(np.array([p]), np.array([q]), np.array([z]), np.array([1 - z]))[0][0]
    assert value == pytest.approx(-math.log1p(-z * p / (p + q)), rel=1e-9)
    grid = tanh_sinh_grid(
        knee=1.0, reach_left=1.0, reach_right=1.0, p=np.array([p]), q=np.array([q])
    )
    assert grid.logit.size < 200


def test_expm1_ratio_is_continuous_at_zero() -> None:
    u = 2.5
    assert expm1_ratio(0.0, u) == pytest.approx(u)
    assert expm1_ratio(1e-12, u) == pytest.approx(u, rel=1e-11)
    assert expm1_ratio(-0.5, u) == pytest.approx(math.expm1(0.5 * u) / 0.5)


def _even_bernoulli(count: int) -> list[Fraction]:
    """B_2, B_4, ..., B_2count, exactly (Akiyama-Tanigawa algorithm)."""
    row: list[Fraction] = []
    out = []
    for m in range(2 * count + 1):
        row.append(Fraction(1, m + 1))
        for j in range(m, 0, -1):
            row[j - 1] = j * (row[j - 1] - row[j])
        if m >= 2 and m % 2 == 0:
            out.append(row[0])
    return out


_B = [Decimal(b.numerator) / Decimal(b.denominator) for b in _even_bernoulli(20)]


def _reference(z: float, x: float) -> tuple[float, float]:
    """lgamma(z+x) - lgamma(z) and psi(z+x) - psi(z) in decimal arithmetic, from Stirling's
    series (A&S 6.1.41, 6.3.18) to B_40 at w = z + n >= 30, brought back to z by the
    recurrences lgamma(z+1) = lgamma(z) + log z, psi(z+1) = psi(z) + 1/z. The series'
    remainder there is below 1e-45; the precision covers the digits of z and of a tiny x."""

    def stirling(z: Decimal) -> tuple[Decimal, Decimal]:  # lgamma(z) - log(2 pi)/2, psi(z)
        n = max(0, math.ceil(30 - float(z)))
        w = z + n
        lgamma, psi = (w - Decimal("0.5")) * w.ln() - w, w.ln() - 1 / (2 * w)
        for k, b in enumerate(_B, start=1):
            lgamma += b / (2 * k * (2 * k - 1)) / w ** (2 * k - 1)
            psi -= b / (2 * k) / w ** (2 * k)
        for j in range(n):
            lgamma -= (z + j).ln()
            psi -= 1 / (z + j)
        return lgamma, psi

    with localcontext() as ctx:
        ctx.prec = 60 + (max(0, -math.floor(math.log10(x))) if x > 0 else 0)
        zd, xd = Decimal(z), Decimal(x)
        (lg0, psi0), (lg1, psi1) = stirling(zd), stirling(zd + xd)
        return float(lg1 - lg0), float(psi1 - psi0)


def test_the_reference_agrees_with_known_values() -> None:
    lg, psi = _reference(0.5, 3.0)  # Gamma(3.5)/Gamma(0.5) = 15/8; psi: 2 + 2/3 + 2/5
    assert lg == pytest.approx(math.log(15 / 8), rel=1e-15)
    assert psi == pytest.approx(2 + 2 / 3 + 2 / 5, rel=1e-15)
    assert _reference(1e15, 1.0)[0] == pytest.approx(math.log(1e15), rel=1e-15)


_EPS = np.finfo(float).eps


@settings(max_examples=300, deadline=None)
@given(
    st.floats(1e-3, 1e15),
    st.one_of(st.just(0.0), st.integers(1, 10_000).map(float), st.floats(0.0, 1e4)),
)
def test_lgamma_and_digamma_differences_are_accurate_for_any_size(z: float, x: float) -> None:
    """Relative accuracy 1e-14, or a few units in the last place of the terms' size where the
    result is tiny. Differencing scipy's gammaln at z = 1e15 is off by ~8 (eps * z log z), and
    its digamma by ~1e-14 absolute however small the difference."""
    lg, psi = _reference(z, x)
    got_lg, got_psi = float(log_gamma_ratio(z, x)), float(digamma_difference(z, x))
    assert abs(got_lg - lg) <= 1e-14 * abs(lg) + 4 * _EPS * (1 + abs(math.log(z)))
    assert abs(got_psi - psi) <= 1e-14 * abs(psi) + 4 * _EPS * (1 + 1 / z)


def test_plain_differences_fail_the_accuracy_test_for_large_z() -> None:
    # The test above can fail: this is what the helpers replace.
    z, x = 4.2e9, 3.0
    lg, psi = _reference(z, x)
    assert abs(float(gammaln(z + x) - gammaln(z)) - lg) > 1e-6
    assert abs(float(digamma(z + x) - digamma(z)) - psi) > 1e-8 * abs(psi)
    assert float(log_gamma_ratio(z, x)) == pytest.approx(lg, rel=1e-15)
    assert float(digamma_difference(z, x)) == pytest.approx(psi, rel=1e-14)


def test_the_differences_are_vectorised_and_exact_at_zero() -> None:
    z = np.array([0.01, 5.0, 50.0, 1e12])
    x = np.array([[0.0], [7.0]])
    lg, psi = log_gamma_ratio(z, x), digamma_difference(z, x)
    assert lg.shape == psi.shape == (2, 4)
    assert np.all(lg[0] == 0.0) and np.all(psi[0] == 0.0)
    assert lg[1] == pytest.approx([_reference(v, 7.0)[0] for v in z], rel=1e-14)
    assert psi[1] == pytest.approx([_reference(v, 7.0)[1] for v in z], rel=1e-14)
