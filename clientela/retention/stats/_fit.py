"""Maximum likelihood on log-parameters with L-BFGS-B and an analytic gradient."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

# exp(+-25) keeps every parameter finite and positive while never binding on real data.
_LOG_BOUND = 25.0
# Largest per-customer gradient (in log-parameters) still taken as a maximum.
_STATIONARY = 1e-6
# Iterations of L-BFGS-B before the search counts as failed.
MAX_ITERATIONS = 1000


@dataclass(frozen=True)
class Optimum:
    log_params: Array
    log_likelihood: float
    iterations: int
    converged: bool
    # The largest component of the projected gradient of the per-customer mean log-likelihood
    # (w.r.t. the log-parameters) where the search stopped: a component at a bound that
    # points outwards counts as 0.
    gradient: float


def maximize(
    loglik: Callable[[Array], tuple[float, Array]], log_params0: Array, n_customers: float
) -> Optimum:
    """Maximize ``loglik(log_params)`` (value, gradient w.r.t. the log-parameters).

    The objective is scaled to a per-customer mean so that the tolerances mean the same thing
    for 100 customers and for a million.
    """
    # Imported here: scipy.optimize costs half a second of CPU to import, and every process
    # of the app imports this module at start, most of them never to fit anything.
    from scipy.optimize import minimize

    scale = 1.0 / max(n_customers, 1.0)

    def objective(theta: Array) -> tuple[float, Array]:
        value, grad = loglik(theta)
        return -value * scale, -grad * scale

    result = minimize(
        objective,
        np.asarray(log_params0, dtype=float),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-_LOG_BOUND, _LOG_BOUND)] * len(log_params0),
        options={"maxiter": MAX_ITERATIONS, "ftol": 1e-13, "gtol": 1e-9, "maxcor": 20},
    )
    # L-BFGS-B can stop with "abnormal termination in line search" when rounding leaves no
    # decrease to find; at a stationary point that is convergence all the same.
    theta, ascent = np.asarray(result.x, dtype=float), -np.asarray(result.jac, dtype=float)
    blocked = ((theta >= _LOG_BOUND) & (ascent > 0)) | ((theta <= -_LOG_BOUND) & (ascent < 0))
    gradient = float(np.max(np.abs(np.where(blocked, 0.0, ascent)), initial=0.0))
    if not np.isfinite(gradient):
        gradient = float("inf")
    stationary = gradient < _STATIONARY
    return Optimum(
        log_params=np.asarray(result.x, dtype=float),
        log_likelihood=float(-result.fun / scale),
        iterations=int(result.nit),
        converged=bool(result.success) or stationary,
        gradient=gradient,
    )
