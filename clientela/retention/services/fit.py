"""The fit phase of a refresh: summarise the orders in SQL, check there is enough to fit,
choose the purchase model (`choosing`), fit it and the spend model, and save what the write
phase needs on the run.

Too little data: the fit is *refused* and the reason stored; the run still writes RFM scores
and segments, unless the current scores come from a fitted model, which then stay. A fit that
does not converge *fails*: nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.utils import timezone, translation

from clientela.accounts.models import Workspace
from clientela.retention import engine
from clientela.retention.models import RetentionRun
from clientela.retention.reasons import NUMERICAL_ERROR, reason_text
from clientela.retention.selectors import PurchaseSummary, data_fingerprint, purchase_summary
from clientela.retention.services.choosing import model_alternatives, model_choose
from clientela.retention.services.lifecycle import (
    finite_values,
    retention_run_fail,
    retention_run_heartbeat,
    retention_run_refuse,
)
from clientela.retention.services.scoring import ModelInputs, model_inputs
from clientela.retention.services.settings import retention_settings_for
from clientela.retention.stats import rfm


def local_today(workspace: Workspace) -> dt.date:
    return timezone.now().astimezone(ZoneInfo(workspace.time_zone)).date()


def fit_phase(run: RetentionRun, today: dt.date) -> PurchaseSummary | None:
    """Summarise and fit. Returns the summary to write, or None when the run is over."""
    fingerprint, max_order_id = data_fingerprint(run.workspace)
    summary = purchase_summary(run.workspace, as_of=today, max_order_id=max_order_id)
    run.as_of, run.max_order_id, run.data_fingerprint = today, max_order_id, fingerprint
    run.progress_total = summary.size
    inputs = model_inputs(summary)
    readiness = rfm.fit_readiness(inputs.x, inputs.t_x, inputs.T, unit="weeks")
    if not readiness.ok:
        assert readiness.code is not None
        _set_reason(run, readiness.code, readiness.values)
        current = RetentionRun.objects.current(run.workspace)
        if current is not None and current.fitted:
            retention_run_refuse(run)  # the fitted model's scores stay current
            return None
        retention_run_heartbeat(
            run,
            "as_of",
            "max_order_id",
            "data_fingerprint",
            "progress_total",
            "reason",
            "reason_code",
            "reason_values",
        )
        return summary
    # The model: requested, pinned, or the best on the shop's holdout, refitted below on the
    # whole history, which is what the scores use.
    model_choose(run, summary, today)
    try:
        fit = _fit_chosen(run, inputs)
    except engine.FitFailed as exc:
        _set_reason(run, exc.code, exc.values)
        retention_run_fail(run)
        return None
    except (ArithmeticError, ValueError) as exc:
        _set_reason(run, NUMERICAL_ERROR, {})
        retention_run_fail(run, reason=f"{type(exc).__name__}: {exc}")
        return None
    run.fitted, run.parameters, run.log_likelihood = True, fit.parameters, fit.log_likelihood
    run.warnings = [{"code": w.code, "values": w.values} for w in fit.warnings]
    run.spend_parameters = _spend_parameters(inputs.x, inputs.zbar)
    settings = retention_settings_for(run.workspace)
    run.clv_margin, run.clv_annual_discount = settings.clv_margin, settings.clv_annual_discount
    retention_run_heartbeat(
        run,
        "clv_margin",
        "clv_annual_discount",
        "as_of",
        "max_order_id",
        "data_fingerprint",
        "progress_total",
        "model",
        "model_choice",
        "fitted",
        "parameters",
        "log_likelihood",
        "warnings",
        "spend_parameters",
    )
    return summary


def _fit_chosen(run: RetentionRun, inputs: ModelInputs) -> engine.Fit:
    """Fit the chosen model on the whole history. An automatic choice whose model fails there
    (it fitted the shorter calibration) falls to the next best of the comparison; the last
    failure is raised."""
    models = [run.model, *model_alternatives(run)]
    for i, model in enumerate(models):
        try:
            fit = engine.fit(model, inputs.x, inputs.t_x, inputs.T)
        except (engine.FitFailed, ArithmeticError, ValueError):
            if i == len(models) - 1:
                raise
            continue
        if i:
            run.model_choice = {**run.model_choice, "chosen": model, "refit_failed": models[:i]}
            run.model = model
        return fit
    raise AssertionError("unreachable")  # pragma: no cover


def _set_reason(run: RetentionRun, code: str, values: dict[str, Any]) -> None:
    # The code and numbers are worded for each reader; the English text is for the timeline
    # and the logs, which are read by whoever runs the install.
    run.reason_code = code
    run.reason_values = finite_values(values)
    with translation.override("en"):
        run.reason = reason_text(code, values)


def _spend_parameters(x: np.ndarray, zbar: np.ndarray) -> dict[str, float]:
    # Without a spend model, CLV uses each customer's own mean spend (see scoring._spend).
    if int(((x > 0) & (zbar > 0)).sum()) < rfm.MIN_REPEAT_CUSTOMERS:
        return {}
    try:
        spend = engine.spend_fit(x, zbar)
    except (engine.FitFailed, ArithmeticError, ValueError):
        return {}
    return {**spend.parameters, "log_likelihood": spend.log_likelihood}
