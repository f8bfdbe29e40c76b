"""Holdout validation: fit on the calibration period, compare with what customers then did.

Two views, as in Fader, Hardie & Lee (2005, figures 2 and 4): the conditional expectation of
holdout purchases grouped by the number of calibration repeat purchases (0..7+), and the
cumulative repeat purchases of the cohort week by week against the model's sum of E[X(t)].

`retention_validate` computes the report in the calling process. On a large shop that takes
longer than a web request may, so the page and the API ask for a `ValidationRun`
(`retention_validation_request`, queued by `tasks.retention_validation_enqueue`); a
worker computes it (`retention_validation_execute`),
records each step done for the page's progress bar, and keeps the report as JSON.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db import IntegrityError, transaction

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.clock.leases import LeaseLost
from clientela.retention import engine
from clientela.retention.models import RetentionModel, RunStatus, ValidationRun
from clientela.retention.policy import RETENTION_VALIDATE
from clientela.retention.reasons import NO_HOLDOUT, NUMERICAL_ERROR, UNKNOWN_MODEL
from clientela.retention.selectors import (
    day_number,
    last_purchase_day,
    purchase_days,
    purchase_summary,
)
from clientela.retention.services.lifecycle import (
    retention_validation_claim,
    retention_validation_fail,
    retention_validation_step,
    retention_validation_succeed,
)
from clientela.retention.services.runs import RetentionError
from clientela.retention.services.scoring import ModelInputs, model_inputs
from clientela.retention.stats import rfm
from clientela.timeline.services import event_record

logger = logging.getLogger(__name__)

MAX_GROUP = 7  # the last group is "7 or more"


@dataclass(frozen=True)
class ConditionalRow:
    purchases: int  # repeat purchases in calibration; MAX_GROUP means "or more"
    customers: int
    actual: float  # mean holdout purchases
    predicted: float


@dataclass(frozen=True)
class WeeklyPoint:
    week: int  # weeks since the cohort's first purchase day; week 1 ends on day 7
    actual: int  # cumulative repeat purchases by the end of the week
    expected: float


@dataclass(frozen=True)
class ValidationReport:
    model: str
    parameters: dict[str, float]
    log_likelihood: float
    calibration_end: dt.date
    holdout_end: dt.date
    start: dt.date
    customers: int
    holdout_weeks: float
    calibration_weeks: int
    conditional: tuple[ConditionalRow, ...]
    weekly: tuple[WeeklyPoint, ...]


def retention_validate(
    *,
    workspace: Workspace,
    calibration_end: dt.date,
    holdout_end: dt.date | None = None,
    model: str = RetentionModel.BGNBD,
    step: Callable[[], None] | None = None,
) -> ValidationReport:
    """Fit on purchases up to `calibration_end`, predict up to `holdout_end` (by default the
    last purchase day). Raises RetentionError when the data cannot support the comparison or
    the fit fails on it. `step` is called after each of the `ValidationRun.STEPS` steps."""
    step = step or (lambda: None)
    if model not in RetentionModel.values:
        raise RetentionError(UNKNOWN_MODEL, model=model)
    holdout_end = holdout_end or last_purchase_day(workspace)
    if holdout_end is None or holdout_end <= calibration_end:
        raise RetentionError(NO_HOLDOUT)
    calibration = purchase_summary(workspace, as_of=calibration_end)
    step()
    inputs = model_inputs(calibration)
    readiness = rfm.fit_readiness(inputs.x, inputs.t_x, inputs.T, unit="weeks")
    if not readiness.ok:
        assert readiness.code is not None
        raise RetentionError(readiness.code, **readiness.values)
    fit = _fit(model, inputs)
    step()
    horizon = (holdout_end - calibration_end).days / engine.UNIT_DAYS
    predicted = engine.conditional_expected(
        model, fit.parameters, horizon, inputs.x, inputs.t_x, inputs.T
    )
    ids, days = purchase_days(workspace, as_of=holdout_end)
    known = np.isin(ids, calibration.customer_id)
    ids, days = ids[known], days[known]
    row = np.searchsorted(calibration.customer_id, ids)
    actual = np.bincount(
        row[days > day_number(calibration_end)], minlength=calibration.size
    ).astype(float)
    step()
    start_day = int(calibration.first_day.min())
    weeks = (day_number(holdout_end) - start_day) // 7 + 1
    weekly = _weekly(model, fit.parameters, calibration.first_day, row, days, weeks)
    step()
    return ValidationReport(
        model=model,
        parameters=fit.parameters,
        log_likelihood=fit.log_likelihood,
        calibration_end=calibration_end,
        holdout_end=holdout_end,
        start=dt.date(1970, 1, 1) + dt.timedelta(days=start_day),
        customers=calibration.size,
        holdout_weeks=horizon,
        calibration_weeks=(day_number(calibration_end) - start_day) // 7 + 1,
        conditional=_conditional(inputs.x, actual, predicted),
        weekly=weekly,
    )


def _fit(model: str, inputs: ModelInputs) -> engine.Fit:
    try:
        return engine.fit(model, inputs.x, inputs.t_x, inputs.T)
    except engine.FitFailed as exc:
        raise RetentionError(exc.code, **exc.values) from exc
    except ArithmeticError as exc:
        raise RetentionError(NUMERICAL_ERROR) from exc


def _conditional(
    x: np.ndarray, actual: np.ndarray, predicted: np.ndarray
) -> tuple[ConditionalRow, ...]:
    group = np.minimum(x, MAX_GROUP).astype(int)
    rows = []
    for g in range(MAX_GROUP + 1):
        members = group == g
        n = int(members.sum())
        if n:
            rows.append(
                ConditionalRow(
                    g, n, float(actual[members].mean()), float(predicted[members].mean())
                )
            )
    return tuple(rows)


def _weekly(
    model: str,
    parameters: dict[str, float],
    first_day: np.ndarray,
    row: np.ndarray,
    days: np.ndarray,
    weeks: int,
) -> tuple[WeeklyPoint, ...]:
    start = int(first_day.min())
    repeat = days > first_day[row]
    per_week = np.bincount((days[repeat] - start) // 7, minlength=weeks)[:weeks]
    cumulative = np.cumsum(per_week)
    # Customers who started on the same day share E[X(t)]: evaluate once per first day.
    firsts, counts = np.unique(first_day, return_counts=True)
    points = []
    for week in range(1, weeks + 1):
        end = start + 7 * week - 1  # the week's last day
        elapsed = np.maximum(end - firsts, 0) / engine.UNIT_DAYS
        expected = float(counts @ engine.expected_cumulative(model, parameters, elapsed))
        points.append(WeeklyPoint(week, int(cumulative[week - 1]), expected))
    return tuple(points)


ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


def retention_validation_request(
    *,
    workspace: Workspace,
    actor: User | None,
    calibration_end: dt.date,
    model: str = RetentionModel.BGNBD,
    on_queued: Callable[[int], object] | None = None,
) -> ValidationRun:
    """A queued validation for the workspace, or the one already queued or running (one at
    a time per workspace). `on_queued` receives the id of a new one once it commits: the
    caller's way to start a worker (this module does not know the tasks, they know it)."""
    permit(actor=actor, workspace=workspace, rule=RETENTION_VALIDATE)
    if model not in RetentionModel.values:
        raise RetentionError(UNKNOWN_MODEL, model=model)
    active = ValidationRun.objects.for_workspace(workspace).filter(status__in=ACTIVE).first()
    if active is not None:
        return active
    try:
        with transaction.atomic():
            validation = ValidationRun.objects.create(
                workspace=workspace,
                model=model,
                calibration_end=calibration_end,
                requested_by=actor,
            )
            event_record(
                workspace=workspace,
                actor=actor,
                kind="retention.validation_requested",
                subject=validation,
                new={"model": model, "calibration_end": calibration_end.isoformat()},
            )
    except IntegrityError:
        # Someone else queued one between our check and our insert: theirs is ours.
        return ValidationRun.objects.for_workspace(workspace).get(status__in=ACTIVE)
    if on_queued is not None:
        pk = validation.pk
        transaction.on_commit(lambda: on_queued(pk))
    return validation


def retention_validation_execute(*, validation: ValidationRun) -> ValidationRun:
    """Compute the validation if this process can take it (queued, or left by a worker whose
    lease expired); a validation held by a live worker or already finished is returned as is."""
    if not retention_validation_claim(validation):
        return validation
    try:
        _compute(validation)
    except LeaseLost:
        # Our lease ran out and another worker took the validation over: it computes it.
        logger.warning("Retention validation %s was taken over by another worker", validation.pk)
        validation.refresh_from_db()
    return validation


def _compute(validation: ValidationRun) -> None:
    try:
        report = retention_validate(
            workspace=validation.workspace,
            calibration_end=validation.calibration_end,
            model=validation.model,
            step=lambda: retention_validation_step(validation),
        )
    except LeaseLost:
        raise
    except RetentionError as exc:
        retention_validation_fail(validation, code=exc.code, values=exc.values)
    except Exception:
        logger.exception("Retention validation %s failed", validation.pk)
        retention_validation_fail(validation, code=NUMERICAL_ERROR, values={})
    else:
        retention_validation_succeed(validation, result=dataclasses.asdict(report))


def validation_report(validation: ValidationRun) -> ValidationReport | None:
    """The stored report of a succeeded validation, as `retention_validate` returned it."""
    if validation.status != RunStatus.SUCCEEDED or not validation.result:
        return None
    data = dict(validation.result)
    for name in ("calibration_end", "holdout_end", "start"):
        data[name] = dt.date.fromisoformat(data[name])
    data["conditional"] = tuple(ConditionalRow(**row) for row in data["conditional"])
    data["weekly"] = tuple(WeeklyPoint(**point) for point in data["weekly"])
    return ValidationReport(**data)
