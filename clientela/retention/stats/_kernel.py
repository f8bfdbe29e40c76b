"""The shared shape of the BG/NBD and Pareto/NBD log-likelihoods, evaluated on pairs.

Both likelihoods (Fader, Hardie & Lee 2005, eq. 6; Fader & Hardie note 009) have, per customer,
the form ``c(x) + log(exp(A(x, T)) + exp(B(x, t_x)))``: a part that depends on ``x`` only, and
two terms that each depend on ``x`` and one time. The expensive functions (logs, lgamma,
hypergeometric series) are therefore computed once per distinct ``x``, ``(x, T)`` and
``(x, t_x)`` — a few thousand values for daily data whatever the number of customers — and each
customer row only pays for a gather, a ``logaddexp`` and two weighted bincounts. The gradient
follows by the chain rule: the row's weight on ``A`` is ``sigmoid(A - B)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

from ._special import dot
from .summary import compress, distinct_rows, factorize

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Pairs:
    """Distinct (x, time) pairs; ``x_index`` points into ``Layout.x``."""

    x: Array
    time: Array
    x_index: IntArray


@dataclass(frozen=True)
class Layout:
    """Rows of (x, t_x, T, weight) indexed by their distinct x and (x, time) pairs."""

    x: Array  # distinct x
    x_weight: Array  # total weight per distinct x
    at_T: Pairs
    at_tx: Pairs
    row_T: IntArray  # per row, index into at_T
    row_tx: IntArray  # per row, index into at_tx
    weight: Array

    @property
    def n_customers(self) -> float:
        return float(self.weight.sum())


def build_layout(x: Array, t_x: Array, T: Array, weight: Array) -> Layout:
    x_u, x_code = factorize(x)
    at_T, row_T = _pairs(x_u, x_code, T)
    at_tx, row_tx = _pairs(x_u, x_code, t_x)
    x_weight = np.bincount(x_code, weights=weight, minlength=x_u.size).astype(np.float64)
    return Layout(x_u, x_weight, at_T, at_tx, row_T, row_tx, weight)


def as_floats(*arrays: ArrayLike) -> tuple[Array, ...]:
    return tuple(np.asarray(v, dtype=float) for v in arrays)


def layout_of(x: ArrayLike, t_x: ArrayLike, T: ArrayLike, weights: ArrayLike | None) -> Layout:
    """The layout of customer rows; without ``weights`` they are first compressed to distinct
    (x, t_x, T) rows with their counts as weights (every model's fit and likelihood)."""
    if weights is None:
        rows = compress(x, t_x, T)
        return build_layout(rows.x, rows.t_x, rows.T, rows.weight)
    arrays = [np.asarray(v, dtype=float).ravel() for v in (x, t_x, T, weights)]
    return build_layout(*arrays)


def purchase_rate(layout: Layout) -> float:
    """Repeat purchases per unit of time over all customers: the start of every fit's search
    (alpha = 1 / rate with r = 1 gives the gamma that mean)."""
    rows_T = layout.at_T.time[layout.row_T]
    rows_x = layout.at_T.x[layout.row_T]
    return float(dot(layout.weight, rows_x)) / max(float(dot(layout.weight, rows_T)), 1e-12)


def _pairs(x_u: Array, x_code: IntArray, time: Array) -> tuple[Pairs, IntArray]:
    (xi, t_u), _, row_index = distinct_rows(x_code, time)
    index = xi.astype(np.int64)
    return Pairs(x=x_u[index], time=t_u, x_index=index), row_index


def mixture_loglik(
    layout: Layout,
    c: tuple[Array, Array],
    a: tuple[Array, Array],
    b: tuple[Array, Array],
) -> tuple[float, Array]:
    """Sum over rows of ``weight * (c[x] + logaddexp(a[x, T], b[x, t_x]))`` and its gradient.

    Each argument is ``(value, gradient)``: values per distinct x / pair, gradients with one
    column per parameter. ``b`` may be ``-inf`` (a term that is absent, e.g. ``x = 0``); its
    gradient there is ignored.
    """
    a_row = a[0][layout.row_T]
    b_row = b[0][layout.row_tx]
    with np.errstate(invalid="ignore"):
        total = np.logaddexp(a_row, b_row)
        on_a = layout.weight * expit(a_row - b_row)
    on_b = layout.weight - on_a
    w_a = np.bincount(layout.row_T, weights=on_a, minlength=a[0].size).astype(np.float64)
    w_b = np.bincount(layout.row_tx, weights=on_b, minlength=b[0].size).astype(np.float64)
    value = float(dot(layout.x_weight, c[0]) + dot(layout.weight, total))
    b_grad = np.where(np.isfinite(b[0])[:, None], b[1], 0.0)
    grad: Array = dot(layout.x_weight, c[1]) + dot(w_a, a[1]) + dot(w_b, b_grad)
    return value, grad
