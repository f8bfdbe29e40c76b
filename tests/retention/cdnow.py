"""Loaders for the CDNOW 1/10 sample shipped in the repository (see its README.md)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from clientela.retention.stats.summary import CustomerSummary, summarize

DATA = Path(__file__).resolve().parents[2] / "clientela" / "demo" / "data" / "cdnow"


@dataclass(frozen=True)
class SummaryCSV:
    x: NDArray[np.float64]
    t_x: NDArray[np.float64]
    T: NDArray[np.float64]
    zbar: NDArray[np.float64]


@cache
def summary_csv() -> SummaryCSV:
    """cdnow_customers_summary_with_transactions.csv: weeks, rounded to 2 decimals."""
    table = np.loadtxt(
        DATA / "cdnow_customers_summary_with_transactions.csv", delimiter=",", skiprows=1
    )
    return SummaryCSV(x=table[:, 1], t_x=table[:, 2], T=table[:, 3], zbar=table[:, 4])


@cache
def raw_sample() -> tuple[NDArray[np.int64], NDArray[np.datetime64], NDArray[np.float64]]:
    """CDNOW_sample.txt: master id, sample id, YYYYMMDD, CDs, dollars; no header."""
    rows = np.loadtxt(DATA / "CDNOW_sample.txt", dtype=str)
    stamp = rows[:, 2]
    dates = np.array([f"{d[:4]}-{d[4:6]}-{d[6:]}" for d in stamp], dtype="datetime64[D]")
    return rows[:, 1].astype(np.int64), dates, rows[:, 4].astype(float)


@cache
def summary_raw() -> CustomerSummary:
    """The calibration summary rebuilt from the raw transactions, weeks, unrounded."""
    ids, dates, amounts = raw_sample()
    return summarize(
        ids, dates, amounts, calibration_end="1997-09-30", holdout_end="1998-06-30", unit="weeks"
    )
