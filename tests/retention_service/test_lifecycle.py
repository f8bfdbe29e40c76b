"""The transitions of a run, called by name: each checks the state it leaves and the lease."""

from __future__ import annotations

import datetime as dt

import pytest

from clientela.clock.leases import LeaseLost
from clientela.retention.models import CustomerScore, RetentionRun, RunStatus, ValidationRun
from clientela.retention.services import retention_run_execute, retention_run_request
from clientela.retention.services.lifecycle import (
    RunStateError,
    retention_run_claim,
    retention_run_fail,
    retention_run_heartbeat,
    retention_run_publish,
    retention_run_refuse,
    retention_validation_claim,
    retention_validation_fail,
    retention_validation_succeed,
)
from clientela.timeline.models import Event

from .factories import simulated_shop

TODAY = dt.date(2026, 6, 30)
EXPIRED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _kinds(workspace):
    return list(
        Event.objects.for_workspace(workspace)
        .filter(kind__startswith="retention.")
        .order_by("pk")
        .values_list("kind", flat=True)
    )


@pytest.mark.django_db
def test_a_run_ends_only_from_running(cast):
    run = retention_run_request(workspace=cast.shop, actor=None)
    for end in (retention_run_fail, retention_run_refuse, retention_run_publish):
        with pytest.raises(RunStateError, match="is queued"):
            end(run)

    assert retention_run_claim(run) is True
    retention_run_fail(run, reason="disk full")
    with pytest.raises(RunStateError, match="is failed; it cannot become failed"):
        retention_run_fail(run)

    saved = RetentionRun.objects.get(pk=run.pk)
    assert (saved.status, saved.reason, saved.lease_until) == (RunStatus.FAILED, "disk full", None)
    assert _kinds(cast.shop) == ["retention.run_requested", "retention.run_failed"]


@pytest.mark.django_db
def test_a_worker_that_lost_its_run_can_neither_save_nor_end_it(cast):
    run = retention_run_request(workspace=cast.shop, actor=None)
    assert retention_run_claim(run) is True
    # It stalls past its lease, and another worker takes the run over.
    RetentionRun.objects.filter(pk=run.pk).update(lease_until=EXPIRED)
    taker = RetentionRun.objects.get(pk=run.pk)
    assert retention_run_claim(taker) is True

    run.progress_done = 99
    with pytest.raises(LeaseLost):
        retention_run_heartbeat(run, "progress_done")
    with pytest.raises(LeaseLost):
        retention_run_fail(run, reason="late")

    saved = RetentionRun.objects.get(pk=run.pk)
    assert (saved.status, saved.progress_done, saved.reason) == (RunStatus.RUNNING, 0, "")
    assert saved.lease_until == taker.lease_until
    assert _kinds(cast.shop) == ["retention.run_requested"]


@pytest.mark.django_db
def test_a_stalled_worker_writes_nothing_after_another_took_its_run_over(cast):
    simulated_shop(cast.shop, n=300, start=dt.date(2024, 7, 1), end=TODAY)
    run = retention_run_request(workspace=cast.shop, actor=None)
    taken_over = []

    def stall(done: int, total: int) -> None:
        # After its first chunk the worker stalls; its lease runs out and another worker
        # carries the run to the end meanwhile.
        if not taken_over:
            RetentionRun.objects.filter(pk=run.pk).update(lease_until=EXPIRED)
            other = RetentionRun.objects.get(pk=run.pk)
            taken_over.append(retention_run_execute(run=other, chunk_size=64, today=TODAY))

    stalled = retention_run_execute(run=run, chunk_size=64, today=TODAY, progress=stall)

    assert taken_over[0].status == RunStatus.SUCCEEDED
    # The stalled worker shows the run as the other left it, and failed nothing.
    assert (stalled.status, stalled.published, stalled.progress_done) == (
        RunStatus.SUCCEEDED,
        True,
        300,
    )
    assert CustomerScore.objects.filter(run=run).count() == 300
    assert _kinds(cast.shop) == ["retention.run_requested", "retention.run_succeeded"]


@pytest.mark.django_db
def test_a_validation_ends_only_from_running_and_only_by_its_holder(cast):
    validation = ValidationRun.objects.create(workspace=cast.shop, calibration_end=TODAY)
    with pytest.raises(RunStateError, match="is queued"):
        retention_validation_succeed(validation, result={})

    assert retention_validation_claim(validation) is True
    ValidationRun.objects.filter(pk=validation.pk).update(lease_until=EXPIRED)
    taker = ValidationRun.objects.get(pk=validation.pk)
    assert retention_validation_claim(taker) is True
    with pytest.raises(LeaseLost):
        retention_validation_fail(validation, code="no_holdout", values={})

    retention_validation_fail(taker, code="no_holdout", values={"x": float("nan")})
    saved = ValidationRun.objects.get(pk=validation.pk)
    assert (saved.status, saved.reason_code, saved.reason_values) == (
        RunStatus.FAILED,
        "no_holdout",
        {"x": None},
    )
    assert _kinds(cast.shop) == ["retention.validation_failed"]
