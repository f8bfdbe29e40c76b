"""Special functions the retention models need, evaluated in log space.

Only the hypergeometric functions that the models actually use are implemented, each in the
form whose series has positive terms, so there is no cancellation and nothing to overflow:

* ``log_g`` — ``G(p, q, z) = 2F1(1, p; p + q; z) = E[1 / (1 - z*U)]`` with ``U ~ Beta(p, q)``
  (Euler's integral, DLMF 15.6.1). The Pareto/NBD terms ``2F1(a, b; a + 1; z)`` of Fader &
  Hardie's note 009 (eqs. 19-20) equal ``(1 - z)**(1 - b) * G(a + 1 - b, b, z)`` by Euler's
  transformation (DLMF 15.8.1).
* ``expm1_ratio`` — ``(1 - exp(-k*u)) / k`` with its limit ``u`` at ``k = 0``, the shape of
  every "1 - (base)**power over power" expression in the closed forms.
* ``log_gamma_ratio`` and ``digamma_difference`` — ``log Gamma(z+x) - log Gamma(z)`` and
  ``psi(z+x) - psi(z)`` without the cancellation of two huge values for large ``z`` (the
  log beta ratios of the BG/NBD and the NBD parts of both purchase models).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt
from numpy.typing import NDArray
from scipy.special import digamma, gammaln, logsumexp

Array = NDArray[np.float64]

# Above this argument the series of G needs more than ~400 terms; quadrature takes over.
_SERIES_MAX_Z = 0.9
_SERIES_TOL = 1e-17
_QUADRATURE_CHUNK = 1024
# How far below its peak (in log) a Beta weight must fall before quadrature may stop there.
_WINDOW_DROP = 100.0

# From this argument on, lgamma and psi differences are taken from Stirling's series; below it
# scipy's own values are differenced (their rounding, ~1e-16 * |lgamma(z)|, is then small).
_STIRLING_MIN_Z = 10.0
# B_2k / (2k (2k-1)) and B_2k / (2k) for k = 1..8: B_2 .. B_16 = 1/6, -1/30, 1/42, -1/30,
# 5/66, -691/2730, 7/6, -3617/510 (Abramowitz & Stegun 23.2). At z >= 10 the first omitted
# terms, B_18 / (18*17 z^17) and B_18 / (18 z^18), are below 2e-18 and 4e-18.
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)
_LGAMMA_COEF = tuple(b / (2 * k * (2 * k - 1)) for k, b in enumerate(_BERNOULLI, start=1))
_PSI_COEF = tuple(b / (2 * k) for k, b in enumerate(_BERNOULLI, start=1))


def expm1_ratio(k: Array | float, u: Array | float) -> Array:
    """Return ``(1 - exp(-k*u)) / k`` for ``u >= 0``, continuous through ``k = 0`` (value ``u``)."""
    k_arr, u_arr = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(u, dtype=float))
    small = np.abs(k_arr * u_arr) < 1e-8
    safe_k = np.where(small, 1.0, k_arr)
    exact = -np.expm1(-safe_k * u_arr) / safe_k
    series = u_arr * (1.0 - 0.5 * k_arr * u_arr)
    return cast("npt.NDArray[np.float64]", np.where(small, series, exact))


def gamma_differences(z: Array | float, x: Array | float) -> tuple[Array, Array]:
    """Return ``log Gamma(z + x) - log Gamma(z)`` and ``psi(z + x) - psi(z)`` for ``z > 0``,
    ``x >= 0``, accurate to a few units in the last place of each result also where
    ``log Gamma(z)`` and ``psi(z)`` are huge next to the difference.

    Differencing ``gammaln`` loses ``~1e-16 * z log z`` absolute: at ``z = 1e9`` that is 5e-7
    per term, which swamped the BG/NBD likelihood near the point-mass edge of the beta (5000
    customers: the log-likelihood along ``a/(a+b)`` fixed jumped by +-0.02 at ``a+b = 5e9``
    where its true change is 1e-8). For ``z >= 10`` the asymptotic series of ``log Gamma``
    (Stirling, Abramowitz & Stegun 6.1.41) and of ``psi`` (A&S 6.3.18),
    ``log Gamma(z) = (z - 1/2) log z - z + log(2 pi)/2 + sum_k B_2k / (2k (2k-1) z^(2k-1))``,
    ``psi(z) = log z - 1/(2z) - sum_k B_2k / (2k z^2k)``,
    are differenced term by term. With ``L = log1p(x/z)``, ``v = z/(z+x)``, ``d = x/(z+x)``
    and ``S_m = 1 + v + ... + v^(m-1)`` (so ``v^m - 1 = -d S_m``, all terms positive):
    ``lgamma: (z - 1/2) L + x log(z+x) - x - d sum_k B_2k / (2k (2k-1)) z^(1-2k) S_(2k-1)``,
    ``psi: L + d / (2z) + d sum_k B_2k / (2k) z^(-2k) S_2k``.
    The sums stop once a term is below 1e-17 of the result for the smallest ``z``.
    """
    z_arr, x_arr = np.asarray(z, dtype=float), np.asarray(x, dtype=float)
    if z_arr.ndim == 0 and z_arr >= _STIRLING_MIN_Z:  # the likelihoods' case: one z, many x
        return _stirling_differences(z_arr, x_arr)
    if z_arr.ndim:
        z_arr, x_arr = np.broadcast_arrays(z_arr, x_arr)
    big = z_arr >= _STIRLING_MIN_Z
    lg = np.asarray(gammaln(z_arr + x_arr) - gammaln(z_arr), dtype=np.float64)
    psi = np.asarray(digamma(z_arr + x_arr) - digamma(z_arr), dtype=np.float64)
    if z_arr.ndim and np.any(big):
        lg[big], psi[big] = _stirling_differences(z_arr[big], x_arr[big])
    return lg, psi


def log_gamma_ratio(z: Array | float, x: Array | float) -> Array:
    """``log Gamma(z + x) - log Gamma(z)``; see `gamma_differences`."""
    return gamma_differences(z, x)[0]


def digamma_difference(z: Array | float, x: Array | float) -> Array:
    """``psi(z + x) - psi(z)``; see `gamma_differences`."""
    return gamma_differences(z, x)[1]


def _stirling_differences(z: Array, x: Array) -> tuple[Array, Array]:
    log1p_u = np.log1p(x / z)
    d = x / (z + x)
    v = z / (z + x)
    lg = (z - 0.5) * log1p_u + (x * np.log(z + x) - x)
    psi = log1p_u + d / (2.0 * z)
    if lg.size == 0:
        return lg, psi
    z_min = float(np.min(z))
    inv_z2 = 1.0 / (z * z)
    z_pow = 1.0 / z  # z^(1-2k)
    v_pow = np.ones(lg.shape)  # v^(2k-2)
    s_even = np.zeros(lg.shape)  # S_(2k-2)
    lg_sum, psi_sum = np.zeros(lg.shape), np.zeros(lg.shape)
    for k, (c_lg, c_psi) in enumerate(zip(_LGAMMA_COEF, _PSI_COEF, strict=True), start=1):
        if abs(c_psi) * 2 * k * z_min ** (-2 * k) < 1e-17:
            break
        s_odd = s_even + v_pow
        s_even = s_odd + v_pow * v
        lg_sum += c_lg * z_pow * s_odd
        psi_sum += c_psi * z_pow / z * s_even
        z_pow = z_pow * inv_z2
        v_pow = v_pow * v * v
    return lg - d * lg_sum, psi + d * psi_sum


def log_g(p: Array, q: Array, z: Array, one_minus_z: Array) -> tuple[Array, Array, Array, Array]:
    """Return ``log G(p, q, z)`` and its partial derivatives in ``p``, ``q`` and ``z``.

    ``G(p, q, z) = 2F1(1, p; p + q; z) = sum_n (p)_n / (p + q)_n * z**n`` for ``p, q > 0`` and
    ``0 <= z < 1``. Every term is positive and the ratio of consecutive terms is below ``z``,
    so up to ``z = 0.9`` the series is summed directly (at most ~400 terms, derivatives summed
    alongside). Nearer to 1 the series is slow, and the value comes from tanh-sinh quadrature of
    Euler's integral ``E[1 / (1 - z*U)]``, ``U ~ Beta(p, q)`` (Takahasi & Mori 1974), with the
    step shrunk as ``1 - z`` shrinks so the knee of the integrand near ``U = 1`` stays resolved.
    ``one_minus_z`` must be given separately (computed without cancellation by the caller).
    """
    p, q, z, eps = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (p, q, z, one_minus_z))
    )
    out = [np.zeros(p.shape) for _ in range(4)]
    easy = z <= _SERIES_MAX_Z
    for mask, method in ((easy, _log_g_series), (~easy, _log_g_quadrature)):
        if mask.any():
            for target, value in zip(
                out, method(p[mask], q[mask], z[mask], eps[mask]), strict=True
            ):
                target[mask] = value
    return out[0], out[1], out[2], out[3]


def _log_g_series(p: Array, q: Array, z: Array, eps: Array) -> tuple[Array, Array, Array, Array]:
    # Sums S, dS/dp, dS/dq, dS/dz; every 16 terms the converged elements leave the loop.
    out = np.zeros((4, p.size))
    live = np.arange(p.size)
    term, total = np.ones(p.size), np.ones(p.size)
    dp_acc, dq_acc = np.zeros(p.size), np.zeros(p.size)  # d log(term) / dp, dq
    sums = np.zeros((3, p.size))  # dS/dp, dS/dq, dS/dz
    n = 0
    while live.size:
        pp, qq, zz = p[live], q[live], z[live]
        for _ in range(16):
            ratio = (pp + n) / (pp + qq + n)
            sums[2] += (n + 1) * term * ratio
            dp_acc += 1.0 / (pp + n) - 1.0 / (pp + qq + n)
            dq_acc -= 1.0 / (pp + qq + n)
            term = term * ratio * zz
            total += term
            sums[0] += term * dp_acc
            sums[1] += term * dq_acc
            n += 1
        # The tail is below term * z / (1 - z).
        done = term * zz <= _SERIES_TOL * total * eps[live]
        out[0, live[done]] = total[done]
        out[1:, live[done]] = sums[:, done]
        keep = ~done
        live, term, total = live[keep], term[keep], total[keep]
        dp_acc, dq_acc, sums = dp_acc[keep], dq_acc[keep], sums[:, keep]
    return np.log(out[0]), out[1] / out[0], out[2] / out[0], out[3] / out[0]


def _log_g_quadrature(
    p: Array, q: Array, z: Array, eps: Array
) -> tuple[Array, Array, Array, Array]:
    """``G = E[h]``, ``h = 1/(1 - z*U)``, as ``int w h / int w`` over the logit of ``U`` with the
    Beta weight ``w`` relative to its peak (`beta_log_ratios`), both integrals on one grid; the
    derivatives in ``p`` and ``q`` are the differences of the means of ``log U`` (``log(1-U)``)
    under ``w h`` and under ``w``, taken relative to the peak. Normalising by ``B(p, q)`` and
    its digammas instead cancelled terms of size ``p``: five digits lost at ``p + q = 1e11``."""
    if p.size > _QUADRATURE_CHUNK:  # bound the (rows x nodes) work arrays
        parts = [
            _log_g_quadrature(p[i:j], q[i:j], z[i:j], eps[i:j])
            for i, j in _chunks(p.size, _QUADRATURE_CHUNK)
        ]
        # the tuple has the three arrays of `_log_g_quadrature`; mypy sees a tuple of any length.
        return tuple(np.concatenate(c) for c in zip(*parts, strict=True))  # type: ignore[return-value]
    knee = float(np.max(-np.log(eps)))
    grid = tanh_sinh_grid(
        knee=knee,
        reach_left=45.0 / float(np.min(p)),
        reach_right=knee + 45.0 / float(np.min(q)),
        p=p,
        q=q,
    )
    col = (slice(None), None)
    rel_u, rel_1mu = beta_log_ratios(p[col], q[col], grid.logit)
    log_w = p[col] * rel_u + q[col] * rel_1mu + grid.log_dlogit
    # 1 - z*u = (1 - u) + eps*u, summed in log space.
    log_den = np.logaddexp(grid.log_1mu, np.log(eps)[col] + grid.log_u)
    lse_w, lse_wh = logsumexp(log_w, axis=1), logsumexp(log_w - log_den, axis=1)
    w = np.exp(log_w - lse_w[col])
    wh = np.exp(log_w - log_den - lse_wh[col])
    d_p = np.sum((wh - w) * rel_u, axis=1)
    d_q = np.sum((wh - w) * rel_1mu, axis=1)
    d_z = np.sum(wh * np.exp(grid.log_u - log_den), axis=1)
    return lse_wh - lse_w, d_p, d_q, d_z


@dataclass(frozen=True)
class Grid:
    """Nodes of the tanh-sinh rule in ``theta``, evenly spaced: a mean under a weight ``w`` on
    ``(0, 1)`` is ``sum w_j f_j J_j / sum w_j J_j`` with ``J = d logit / d theta``."""

    log_u: Array
    log_1mu: Array
    logit: Array  # log(u / (1-u)) = pi sinh(theta)
    log_dlogit: Array  # log J


def tanh_sinh_grid(
    *, knee: float, reach_left: float, reach_right: float, p: Array, q: Array
) -> Grid:
    """Nodes for a mean over ``u`` in (0, 1) under ``Beta(p, q)`` weights (tanh-sinh rule,
    Takahasi & Mori 1974).

    ``u = 1/(1 + exp(-pi sinh(theta)))`` on an even grid in ``theta``; per node ``log u``,
    ``log(1-u)``, the logit and ``log(d logit/d theta)``, all without underflow. The grid
    reaches ``log(1/u) = reach_left`` and ``log(1/(1-u)) = reach_right``. The step resolves
    a knee of width ~1 in ``log(1/u)`` or ``log(1/(1-u))`` at ``knee``, and a ``Beta(p, q)``
    weight concentrated in the interior (large ``p`` and ``q``).

    The grid covers only the window where some row's Beta weight is within
    ``_WINDOW_DROP + knee`` of its peak (`beta_window`): outside it the integrands, which rise
    at most about ``e^knee`` times above their value at the peak, add nothing a double holds.
    For a concentrated Beta (``p + q = 1e11`` at the point-mass edge of a fit) the step is a
    fraction of its width, and without the window the grid spanned all of (0, 1) at that step:
    a million nodes where a hundred do.
    """
    knee = max(knee, 1.0)
    step = min(1.0 / 16.0, 0.33 / knee)
    # The Beta's sd, sqrt(m(1-m)/(p+q+1)) with m = p/(p+q), in theta at its logit log(p/q)
    # (d logit/d theta = pi cosh(theta) = hypot(pi, logit)); finite also where m rounds to 1.
    width = np.sqrt((1.0 / p + 1.0 / q) * (p + q) / (p + q + 1.0)) / np.hypot(np.pi, np.log(p / q))
    step = min(step, float(np.min(width)) / 2.0)
    reach = max(reach_left, reach_right)
    theta_max = float(np.arcsinh(reach / np.pi)) + 0.5
    low, high = beta_window(p, q, _WINDOW_DROP + knee)
    first = max(-theta_max, float(np.arcsinh(low / np.pi)))
    last = min(theta_max, float(np.arcsinh(high / np.pi)))
    theta = np.arange(first, last + step, step)
    logit = np.pi * np.sinh(theta)
    return Grid(
        log_u=-np.logaddexp(0.0, -logit),
        log_1mu=-np.logaddexp(0.0, logit),
        logit=logit,
        log_dlogit=np.log(np.pi * np.cosh(theta)),
    )


def beta_log_ratios(p: Array | float, q: Array | float, logit: Array) -> tuple[Array, Array]:
    """``log(u/u*)`` and ``log((1-u)/(1-u*))`` at ``log(u/(1-u)) = logit``, ``u* = p/(p+q)``.

    In the logit of ``u`` the ``Beta(p, q)`` density is proportional to ``u^p (1-u)^q``, a
    concave weight with its peak at ``logit = log(p/q)``, i.e. at ``u*``; relative to the peak
    its log is ``p log(u/u*) + q log((1-u)/(1-u*))``. Near the peak each ratio is the ``log1p``
    of ``u/u* - 1 = -(q/p) expm1(-delta) u`` (and of its mirror), ``delta`` the distance
    from the peak, so no logarithm of size ``log u`` is multiplied by ``p`` and then cancelled
    (at ``p = 5e10`` that cancellation cost five digits). Elsewhere the plain difference of
    logarithms is exact enough and finite for any ``logit``.
    """
    p_, q_ = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    delta = logit - np.log(p_ / q_)
    log_u, log_1mu = -np.logaddexp(0.0, -logit), -np.logaddexp(0.0, logit)
    near = np.abs(delta) <= 30.0  # keeps expm1 finite
    shift = np.where(near, delta, 0.0)
    to_u = np.where(near, -np.expm1(-shift) * np.exp(log_u) * (q_ / p_), 1.0)
    to_1mu = np.where(near, -np.expm1(shift) * np.exp(log_1mu) * (p_ / q_), 1.0)
    small_u, small_1mu = np.abs(to_u) < 0.5, np.abs(to_1mu) < 0.5
    rel_u = np.where(small_u, np.log1p(np.where(small_u, to_u, 0.0)), log_u + np.log1p(q_ / p_))
    rel_1mu = np.where(
        small_1mu, np.log1p(np.where(small_1mu, to_1mu, 0.0)), log_1mu + np.log1p(p_ / q_)
    )
    return np.asarray(rel_u, dtype=np.float64), np.asarray(rel_1mu, dtype=np.float64)


def beta_window(p: Array, q: Array, drop: float) -> tuple[float, float]:
    """The logit interval outside which every row's ``Beta(p, q)`` weight lies more than
    ``drop`` below its peak, in log (see `beta_log_ratios`).

    The log-weight is concave with curvature ``pq/(p+q)`` at the peak. Each side starts from
    the distance ``d0`` at which a Gaussian of that curvature has fallen by ``drop``; where the
    true weight has fallen less at ``d0`` (skewed, small ``p`` or ``q``), concavity bounds
    the fall at ``d >= d0`` below by ``d/d0`` times the fall at ``d0``, so the side is
    stretched by that ratio.
    """
    mode = np.log(p / q)
    d0 = np.sqrt(2.0 * drop * (1.0 / p + 1.0 / q))
    sides = []
    for sign in (-1.0, 1.0):
        rel_u, rel_1mu = beta_log_ratios(p, q, mode + sign * d0)
        fall = -(p * rel_u + q * rel_1mu)
        reach = d0 * np.maximum(1.0, drop / np.maximum(fall, 1e-300))
        sides.append(mode + sign * reach)
    return float(np.min(sides[0])), float(np.max(sides[1]))


def dot(w: Array, m: Array) -> Array:
    """``w @ m`` summed over the first axis without BLAS.

    OpenBLAS starts threads for these matrix-vector products; on a busy two-core machine the
    threads cost several times more than the arithmetic (measured: BG/NBD fit at 100,000
    customers 2.6 s with BLAS threads, 0.45 s without).
    """
    return np.asarray(np.einsum("i,i...->...", w, m), dtype=np.float64)


def _chunks(n: int, size: int) -> list[tuple[int, int]]:
    return [(i, min(i + size, n)) for i in range(0, n, size)]
