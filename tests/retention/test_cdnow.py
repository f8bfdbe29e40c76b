"""The published CDNOW estimates, reproduced from the shipped summary and from raw transactions.

Published values: BG/NBD and Gamma-Gamma from Fader, Hardie & Lee (2005) and note 025 (the
data README); Pareto/NBD from Fader, Hardie & Lee's MATLAB note. The summary CSV rounds t_x, T
and zbar to cents of a week / a dollar, so its estimates may differ from the raw-data ones in
the last printed digit where the likelihood is flat; the raw-data fit is held to every digit.
"""

from __future__ import annotations

import numpy as np
import pytest

from clientela.retention.stats import bgnbd, gammagamma, paretonbd

from .cdnow import summary_csv, summary_raw

BGNBD_PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PARETO_PUBLISHED = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
GG_PUBLISHED = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def _rounded(params: object, published: dict[str, float]) -> dict[str, float]:
    digits = {name: len(f"{value}".split(".")[1]) for name, value in published.items()}
    return {name: round(getattr(params, name), digits[name]) for name in published}


def _data(source: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    if source == "csv":
        d = summary_csv()
        return d.x, d.t_x, d.T, d.zbar
    s = summary_raw()
    return s.x, s.t_x, s.T, s.monetary


@pytest.mark.parametrize("source", ["csv", "raw"])
def test_bgnbd_reproduces_published_estimates(source: str) -> None:
    x, t_x, T, _ = _data(source)
    fit = bgnbd.fit(x, t_x, T)
    assert fit.converged
    assert _rounded(fit.params, BGNBD_PUBLISHED) == BGNBD_PUBLISHED
    assert round(fit.log_likelihood, 1) == -9582.4
    assert fit.n_customers == 2357


@pytest.mark.parametrize("source", ["csv", "raw"])
def test_pareto_nbd_reproduces_published_estimates(source: str) -> None:
    x, t_x, T, _ = _data(source)
    fit = paretonbd.fit(x, t_x, T)
    assert fit.converged
    assert round(fit.log_likelihood, 1) == -9595.0
    got = _rounded(fit.params, PARETO_PUBLISHED)
    if source == "raw":
        assert got == PARETO_PUBLISHED
    else:
        # From the rounded CSV the maximum sits at beta = 11.668 (LL -9594.97393 against
        # -9594.97401 at the published point): one unit in the last digit.
        assert got == {**PARETO_PUBLISHED, "beta": 11.668}


@pytest.mark.parametrize("source", ["csv", "raw"])
def test_gamma_gamma_reproduces_published_estimates(source: str) -> None:
    x, _, _, zbar = _data(source)
    fit = gammagamma.fit(x, zbar)
    assert fit.converged
    assert fit.n_customers == 946
    got = _rounded(fit.params, GG_PUBLISHED)
    if source == "raw":
        assert got == GG_PUBLISHED
    else:
        # The summary CSV rounds zbar to cents, which moves the maximum from gamma = 15.4435
        # (published 15.44, reproduced above from the raw transactions) to 15.4477: printed
        # to two decimals that is 15.45, not the published 15.44. p and q are unchanged.
        assert got == {**GG_PUBLISHED, "gamma": 15.45}
        assert round(fit.params.gamma, 4) == 15.4477


def test_published_parameters_give_published_log_likelihoods() -> None:
    x, t_x, T, _ = _data("csv")
    bg = bgnbd.log_likelihood(bgnbd.BGNBDParams(**BGNBD_PUBLISHED), x, t_x, T)
    pn = paretonbd.log_likelihood(paretonbd.ParetoNBDParams(**PARETO_PUBLISHED), x, t_x, T)
    assert round(bg, 1) == -9582.4
    assert round(pn, 1) == -9595.0


def test_summary_csv_is_rebuilt_exactly_from_raw_transactions() -> None:
    csv, raw = summary_csv(), summary_raw()
    assert np.array_equal(raw.x, csv.x)
    assert np.array_equal(np.round(raw.t_x, 2), csv.t_x)
    assert np.array_equal(np.round(raw.T, 2), csv.T)
    assert np.max(np.abs(raw.monetary - csv.zbar)) <= 0.005 + 1e-9
    assert (raw.x.sum(), int((raw.x > 0).sum()), int((raw.x == 0).sum())) == (2457, 946, 1411)


def test_holdout_facts_of_the_readme() -> None:
    raw = summary_raw()
    assert raw.holdout_x.sum() == 1882
    assert raw.x.sum() + raw.holdout_x.sum() == 4339


# The README's facts, counted from the raw transactions (same-day purchases merged).
HOLDOUT_REPEAT = 1882  # weeks 40-78
CUMULATIVE_REPEAT = {39: 2457, 78: 4339}
HOLDOUT_WEEKS = 39.0


def _simulated_holdout_totals(params: bgnbd.BGNBDParams, draws: int) -> np.ndarray:
    """Holdout repeat purchases of the whole sample, simulated from the BG/NBD process itself
    (FHL 2005, section 2) given each customer's calibration data, as an independent check of
    the closed form (eq. 10). A customer is alive at T with P(alive) (FHL 2008 note); if so,
    the posterior is lambda ~ Gamma(r+x, alpha+T) and p ~ Beta(a, b+x) (the likelihood
    lambda^x e^(-lambda T) (1-p)^x of x purchases and survival to T, times the priors). Then
    N ~ Poisson(39 lambda) purchase chances, of which the customer makes min(N, L), leaving
    after the L-th, L ~ Geometric(p)."""
    raw = summary_raw()
    rng = np.random.default_rng(1882)
    alive = bgnbd.p_alive(params, raw.x, raw.t_x, raw.T)
    totals = np.empty(draws)
    for i in range(draws):
        lam = rng.gamma(params.r + raw.x, 1.0 / (params.alpha + raw.T))
        p = rng.beta(params.a, params.b + raw.x)
        made = np.minimum(rng.poisson(lam * HOLDOUT_WEEKS), rng.geometric(p))
        totals[i] = made[rng.random(raw.x.size) < alive].sum()
    return totals


def _holdout_forecast(params: bgnbd.BGNBDParams) -> float:
    raw = summary_raw()
    expected = bgnbd.conditional_expected_purchases(params, HOLDOUT_WEEKS, raw.x, raw.t_x, raw.T)
    return float(expected.sum())


def test_the_holdout_forecast_is_the_mean_of_the_published_model_simulated() -> None:
    published = bgnbd.BGNBDParams(**BGNBD_PUBLISHED)
    totals = _simulated_holdout_totals(published, draws=2000)
    standard_error = totals.std() / np.sqrt(totals.size)  # about 70 / sqrt(2000) = 1.6
    assert abs(_holdout_forecast(published) - totals.mean()) < 4 * standard_error


def test_the_holdout_forecast_against_the_actual_repeat_purchases() -> None:
    """BG/NBD fitted on weeks 1-39 against the 1,882 repeat purchases of weeks 40-78.

    The published model itself expects 1,654 (12.1% fewer than were made; the simulation
    above confirms that figure and gives a spread of about 70 around it): the CDNOW cohort
    buys more in the holdout than a stationary model of its first 39 weeks predicts (Fader &
    Hardie 2001, "Forecasting repeat sales at CDNOW", Interfaces 31(3), needed a time-varying
    component for the nonstationary repeat buying of a CDNOW cohort). The tolerance is
    therefore that shortfall and no more: a
    forecast more than 13% off 1,882, or above it, is not the published model's."""
    raw = summary_raw()
    fitted = bgnbd.fit(raw.x, raw.t_x, raw.T).params
    published = bgnbd.BGNBDParams(**BGNBD_PUBLISHED)
    for params in (fitted, published):
        forecast = _holdout_forecast(params)
        assert 0.87 * HOLDOUT_REPEAT < forecast < HOLDOUT_REPEAT
    # Our fit and the published parameters forecast the same to a purchase.
    assert abs(_holdout_forecast(fitted) - _holdout_forecast(published)) < 1.0


def test_the_cumulative_repeat_purchases_against_the_actual_at_weeks_39_and_78() -> None:
    """E[X(t)] summed over customers (FHL 2005, eq. 9), each observed T weeks at the end of
    week 39 and T + 39 at the end of week 78, against the README's 2,457 and 4,339. At week
    39 the model describes the data it was fitted on (within 2%); at week 78 it is short by
    the holdout shortfall above (4,166 against 4,339: 4.0%), within 5%."""
    raw = summary_raw()
    for params in (bgnbd.fit(raw.x, raw.t_x, raw.T).params, bgnbd.BGNBDParams(**BGNBD_PUBLISHED)):
        at_39 = float(bgnbd.expected_purchases(params, raw.T).sum())
        at_78 = float(bgnbd.expected_purchases(params, raw.T + HOLDOUT_WEEKS).sum())
        assert abs(at_39 - CUMULATIVE_REPEAT[39]) < 0.02 * CUMULATIVE_REPEAT[39]
        assert 0.95 * CUMULATIVE_REPEAT[78] < at_78 < CUMULATIVE_REPEAT[78]


def test_conditional_expectation_of_the_papers_example_customer() -> None:
    # FHL (2005), section 5: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks.
    params = bgnbd.BGNBDParams(**BGNBD_PUBLISHED)
    value = bgnbd.conditional_expected_purchases(params, 39.0, [2], [30.43], [38.86])
    assert round(float(value[0]), 3) == 1.226
