"""Uplift of a message against its holdout group: pure statistics, no Django.

Two effects are estimated, each as treated minus holdout with a 95 % interval:

- the repeat-purchase rate (a difference of two proportions), with Newcombe's hybrid score
  interval built from the two Wilson score intervals: R. G. Newcombe, "Interval estimation
  for the difference between independent proportions: comparison of eleven methods",
  Statistics in Medicine 17 (1998) 873-890, method 10. Unlike the Wald interval it stays
  inside [-1, 1] and behaves with small groups and rates near 0 or 1.
- revenue per recipient (a difference of two means with unequal variances), with Welch's t
  interval and the Welch-Satterthwaite degrees of freedom: B. L. Welch, "The generalization
  of 'Student's' problem when several different population variances are involved",
  Biometrika 34 (1947) 28-35.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


@dataclass(frozen=True)
class Uplift:
    sent_count: int
    holdout_count: int
    sent_rate: float
    holdout_rate: float
    rate_difference: Interval | None
    sent_revenue_per_recipient: float
    holdout_revenue_per_recipient: float
    revenue_difference: Interval | None


def wilson_interval(successes: int, total: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for one proportion (Wilson 1927)."""
    if total <= 0:
        raise ValueError("total must be positive")
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_difference(
    successes_a: int, total_a: int, successes_b: int, total_b: int, z: float = Z95
) -> Interval:
    """Newcombe's hybrid score interval for p_a - p_b (1998, method 10)."""
    p_a, p_b = successes_a / total_a, successes_b / total_b
    l_a, u_a = wilson_interval(successes_a, total_a, z)
    l_b, u_b = wilson_interval(successes_b, total_b, z)
    difference = p_a - p_b
    low = difference - math.sqrt((p_a - l_a) ** 2 + (u_b - p_b) ** 2)
    high = difference + math.sqrt((u_a - p_a) ** 2 + (p_b - l_b) ** 2)
    return Interval(difference, low, high)


def _mean_var(values: Sequence[float]) -> tuple[float, float]:
    n = len(values)
    mean = sum(values) / n
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, variance


def welch_difference(a: Sequence[float], b: Sequence[float], level: float = 0.95) -> Interval:
    """Welch's t interval for mean(a) - mean(b); needs at least two values in each group."""
    if len(a) < 2 or len(b) < 2:
        raise ValueError("each group needs at least two values")
    mean_a, var_a = _mean_var(a)
    mean_b, var_b = _mean_var(b)
    se2_a, se2_b = var_a / len(a), var_b / len(b)
    difference = mean_a - mean_b
    se = math.sqrt(se2_a + se2_b)
    if se == 0:
        return Interval(difference, difference, difference)
    df = (se2_a + se2_b) ** 2 / (se2_a**2 / (len(a) - 1) + se2_b**2 / (len(b) - 1))
    # Imported here: scipy.stats takes about a second of CPU to import, paid otherwise by
    # every process that loads the URLs (web server, checks) and never computes an uplift.
    from scipy import stats

    t = float(stats.t.ppf(0.5 + level / 2, df))
    return Interval(difference, difference - t * se, difference + t * se)


def uplift_compute(
    sent_revenue: Sequence[float],
    holdout_revenue: Sequence[float],
    sent_buyers: int,
    holdout_buyers: int,
) -> Uplift:
    """Rates and revenue per recipient for both groups; intervals when both groups allow."""
    n_s, n_h = len(sent_revenue), len(holdout_revenue)
    rate_s = sent_buyers / n_s if n_s else 0.0
    rate_h = holdout_buyers / n_h if n_h else 0.0
    rev_s = sum(sent_revenue) / n_s if n_s else 0.0
    rev_h = sum(holdout_revenue) / n_h if n_h else 0.0
    rate_ci = newcombe_difference(sent_buyers, n_s, holdout_buyers, n_h) if n_s and n_h else None
    revenue_ci = welch_difference(sent_revenue, holdout_revenue) if n_s >= 2 and n_h >= 2 else None
    return Uplift(n_s, n_h, rate_s, rate_h, rate_ci, rev_s, rev_h, revenue_ci)
