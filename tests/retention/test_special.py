"""The hypergeometric function G of the Pareto/NBD likelihood, against scipy and quadrature."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.special import hyp2f1

from clientela.retention.stats._special import expm1_ratio, log_g


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


def test_expm1_ratio_is_continuous_at_zero() -> None:
    u = 2.5
    assert expm1_ratio(0.0, u) == pytest.approx(u)
    assert expm1_ratio(1e-12, u) == pytest.approx(u, rel=1e-11)
    assert expm1_ratio(-0.5, u) == pytest.approx(math.expm1(0.5 * u) / 0.5)
