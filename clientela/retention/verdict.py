"""What a holdout validation means for planning, in figures a sentence can carry.

The model's forecast of the holdout is the sum over the calibration customers of their
conditional expectation E[Y(t) | x, t_x, T] (Fader, Hardie & Lee 2005, eq. 10; the
comparison of their figure 4, added up): what the scores' "expected purchases" would have
said on the last day of calibration. Against it stand the purchases those customers made.
"""

from __future__ import annotations

from dataclasses import dataclass

from clientela.retention.services.validation import ValidationReport

# Within this share of the actual purchases the forecast is called right for planning.
CLOSE_PERCENT = 5


@dataclass(frozen=True)
class HoldoutVerdict:
    weeks: int  # the holdout's length, whole weeks
    expected: int  # purchases the model expected, rounded
    actual: int
    off_percent: int  # |expected - actual| / actual, rounded
    adjust_percent: int  # what to add to (under) or take off (over) a forecast
    direction: str  # "under", "over" or "close"


def holdout_verdict(report: ValidationReport) -> HoldoutVerdict | None:
    """The holdout in one verdict; None when nobody bought in it (no share to speak of)."""
    expected = sum(row.predicted * row.customers for row in report.conditional)
    actual = round(sum(row.actual * row.customers for row in report.conditional))
    if actual <= 0 or expected <= 0:
        return None
    off = round(100 * abs(expected - actual) / actual)
    adjust = round(100 * abs(actual / expected - 1))
    direction = "close" if off <= CLOSE_PERCENT else ("under" if expected < actual else "over")
    return HoldoutVerdict(
        weeks=round(report.holdout_weeks),
        expected=round(expected),
        actual=actual,
        off_percent=off,
        adjust_percent=adjust,
        direction=direction,
    )
