"""An import job's status changes: queued, claimed once, then succeeded or failed, never back."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from clientela.imports.models import ImportJob, ImportJobStateError, ImportStatus

pytestmark = pytest.mark.django_db

NOW = "2026-12-01T10:00:00+00:00"


def _job(cast, status: str = ImportStatus.QUEUED) -> ImportJob:  # type: ignore[no-untyped-def]
    return ImportJob.objects.create(
        workspace=cast.shop, kind="customers", file_name="c.csv", status=status
    )


@time_machine.travel(NOW, tick=False)
def test_a_queued_job_is_claimed_once(cast):
    job = _job(cast)
    claimed = ImportJob.claim(job.pk)
    assert (claimed.pk, claimed.status, claimed.started_at) == (
        job.pk,
        ImportStatus.RUNNING,
        timezone.now(),
    )
    with pytest.raises(ImportJobStateError, match=f"Import job {job.pk} is running") as again:
        ImportJob.claim(job.pk)
    assert (again.value.job.pk, again.value.job.status) == (job.pk, ImportStatus.RUNNING)


@pytest.mark.parametrize("status", [ImportStatus.SUCCEEDED, ImportStatus.FAILED])
def test_a_finished_job_cannot_be_claimed(cast, status):
    job = _job(cast, status)
    with pytest.raises(ImportJobStateError):
        ImportJob.claim(job.pk)
    job.refresh_from_db()
    assert (job.status, job.started_at) == (status, None)


@time_machine.travel(NOW, tick=False)
def test_a_running_job_succeeds_or_fails_with_its_errors(cast):
    won, lost = _job(cast, ImportStatus.RUNNING), _job(cast, ImportStatus.RUNNING)
    won.succeed()
    lost.fail(errors=[{"line": 2, "column": "email", "reason": "bad"}], error_count=7)
    assert list(
        ImportJob.objects.order_by("pk").values_list(
            "status", "errors", "error_count", "finished_at"
        )
    ) == [
        (ImportStatus.SUCCEEDED, [], 0, timezone.now()),
        (ImportStatus.FAILED, [{"line": 2, "column": "email", "reason": "bad"}], 7, timezone.now()),
    ]


@pytest.mark.parametrize(
    "status", [ImportStatus.QUEUED, ImportStatus.SUCCEEDED, ImportStatus.FAILED]
)
def test_only_a_running_job_can_finish(cast, status):
    job = _job(cast, status)
    with pytest.raises(ImportJobStateError, match=f"is {status}; it cannot become succeeded"):
        job.succeed()
    with pytest.raises(ImportJobStateError, match=f"is {status}; it cannot become failed"):
        job.fail(errors=[], error_count=1)
    job.refresh_from_db()
    assert (job.status, job.finished_at) == (status, None)
