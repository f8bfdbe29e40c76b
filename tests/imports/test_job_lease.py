"""A job whose worker died: run again from its stored file, or failed with the reason
and retried by hand; a worker that lost its lease cannot finish the job."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from clientela.accounts.policy import NotPermitted
from clientela.clock.leases import LeaseLost
from clientela.customers.models import Customer
from clientela.imports.models import ImportFailure, ImportJob, ImportStatus
from clientela.imports.services import (
    MAX_ATTEMPTS,
    ImportRetryError,
    import_create,
    import_execute,
    import_recover,
    import_retry,
)
from clientela.timeline.models import Event
from tests.imports.helpers import write_csv

CUSTOMERS = "id;prenume;email\nC1;Ana;ana@example.com\nC2;Dan;dan@example.com\n"
LEASE = timedelta(seconds=600)


@pytest.fixture
def job(cast, tmp_path, settings):
    settings.DATA_DIR = tmp_path / "data"
    upload = write_csv(tmp_path, CUSTOMERS)
    return import_create(
        workspace=cast.shop,
        kind="customers",
        source_path=upload,
        file_name="clienti.csv",
        actor=cast.manager,
    )


def _die_holding(job: ImportJob) -> None:
    """A worker claims the job and dies before the end (nothing of its run is saved)."""
    ImportJob.claim(job.pk)


def test_a_job_whose_worker_died_is_run_again_from_its_file_once(cast, job):
    _die_holding(job)
    assert import_recover() == []  # its lease has not run out yet
    with time_machine.travel(timezone.now() + LEASE + timedelta(seconds=1)):
        assert import_recover() == [job.pk]
        done = import_execute(job.pk)
    assert (done.status, done.created_count, done.rows_read, done.attempts) == (
        ImportStatus.SUCCEEDED,
        2,
        2,
        2,
    )
    assert Customer.objects.for_workspace(cast.shop).count() == 2
    assert not Path(done.file_path).exists()
    assert import_recover() == []


def test_a_job_whose_worker_keeps_dying_fails_with_the_reason_and_is_retried(cast, job):
    moment = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        with time_machine.travel(moment):
            _die_holding(job)
        moment += LEASE + timedelta(seconds=1)
    with time_machine.travel(moment):
        assert import_recover() == []
    job.refresh_from_db()
    assert (job.status, job.failure, job.attempts, job.retryable, job.file_kept) == (
        ImportStatus.FAILED,
        ImportFailure.WORKER_STOPPED,
        MAX_ATTEMPTS,
        True,
        True,
    )
    failed = Event.objects.get(kind="import.failed")
    assert (failed.subject_id, failed.old, failed.new) == (
        job.pk,
        {"status": "running"},
        {"status": "failed", "failure": "worker_stopped"},
    )
    with pytest.raises(NotPermitted):
        import_retry(job=job, actor=cast.viewer)
    retried = import_retry(job=job, actor=cast.manager)
    assert (retried.status, retried.failure, retried.attempts) == (ImportStatus.QUEUED, "", 0)
    assert Event.objects.filter(kind="import.retried", actor=cast.manager).count() == 1
    done = import_execute(job.pk)
    assert (done.status, done.created_count) == (ImportStatus.SUCCEEDED, 2)
    with pytest.raises(ImportRetryError):
        import_retry(job=done, actor=cast.manager)


def test_a_job_whose_file_is_gone_fails_with_the_reason(cast, job):
    _die_holding(job)
    Path(job.file_path).unlink()
    with time_machine.travel(timezone.now() + LEASE + timedelta(seconds=1)):
        assert import_recover() == []
    job.refresh_from_db()
    assert (job.status, job.failure, job.retryable) == (
        ImportStatus.FAILED,
        ImportFailure.FILE_MISSING,
        False,
    )
    assert Customer.objects.count() == 0


def test_a_command_import_that_was_killed_is_failed_not_left_running(cast):
    job = ImportJob.objects.create(workspace=cast.shop, kind="orders", file_name="o.csv")
    ImportJob.claim(job.pk)  # the command holds it, then is killed
    with time_machine.travel(timezone.now() + LEASE + timedelta(seconds=1)):
        assert import_recover() == []
    job.refresh_from_db()
    assert (job.status, job.failure) == (ImportStatus.FAILED, ImportFailure.COMMAND_STOPPED)


def test_a_worker_that_lost_its_lease_cannot_finish_the_job(cast, job):
    slow = ImportJob.claim(job.pk)
    with time_machine.travel(timezone.now() + LEASE + timedelta(seconds=1)):
        taker = ImportJob.claim(job.pk)
        with pytest.raises(LeaseLost):
            slow.succeed()
        taker.succeed()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ImportStatus.SUCCEEDED, 2)
