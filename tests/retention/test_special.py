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
    hp, hq, hz = 1e-6 * p, 1e-6 * q, 1e-6 * min(z, 1 - z)
    assert d_p == pytest.approx(
        (_log_g(p + hp, q, z) - _log_g(p - hp, q, z)) / (2 * hp), rel=1e-4, abs=1e-6
    )
    assert d_q == pytest.approx(
        (_log_g(p, q + hq, z) - _log_g(p, q - hq, z)) / (2 * hq), rel=1e-4, abs=1e-6
    )
    assert d_z == pytest.approx(
        (_log_g(p, q, z + hz) - _log_g(p, q, z - hz)) / (2 * hz), rel=1e-4, abs=1e-6
    )


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
