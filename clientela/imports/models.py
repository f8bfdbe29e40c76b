"""The import jobs: one row per CSV import, its file, progress and outcome."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.accounts.scoping import WorkspaceScoped
from clientela.clock.leases import LeasedRun, LeaseLost, lease_claim, lease_release, lease_renew


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    ORDERS = "orders", _("Orders")


# A job is created QUEUED (an upload, run by a worker) or RUNNING (the CLI, run at once,
# under a lease it takes itself). A worker claims it under a lease (`LeasedRun`,
# `services.import_claim`): QUEUED, or RUNNING whose worker stopped renewing its lease (it
# died: the job is run again from its stored file). RUNNING ends by `succeed` or `fail`, or
# by `services.import_recover` when its worker died too often or its file is gone; a FAILED
# job whose file is kept goes back to QUEUED by `services.import_retry`.
class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Rejected")


def import_lease() -> timedelta:
    """How long a worker holds a job without renewing: it renews with its progress (about
    every second while the file is read) and once more before writing. A worker silent for
    this long is dead. The write of SQLite's path renews nothing (the write lock is its own),
    so the lease covers the longest write: a million orders take about a minute."""
    return timedelta(seconds=getattr(settings, "CLIENTELA_IMPORT_LEASE_SECONDS", 600))


class ImportFailure(models.TextChoices):
    """Why a job failed when no row is at fault (its worker, its file)."""

    WORKER_STOPPED = (
        "worker_stopped",
        _(
            "The import stopped before its end several times (its worker was stopped or ran "
            "out of memory). Nothing was imported."
        ),
    )
    FILE_MISSING = (
        "file_missing",
        _("The uploaded file is no longer on the server: upload it again. Nothing was imported."),
    )
    COMMAND_STOPPED = (
        "command_stopped",
        _("The import command stopped before its end. Nothing was imported."),
    )


class ImportJobStateError(Exception):
    """A job was asked for a status change that its current status does not allow."""

    def __init__(self, job: ImportJob, wanted: str) -> None:
        super().__init__(f"Import job {job.pk} is {job.status}; it cannot become {wanted}.")
        self.job = job  # as it is now, read from the database


class ImportJob(WorkspaceScoped, LeasedRun):
    """One CSV import: its file, progress and outcome. Rows are all imported or none.

    Carried by one worker at a time under a lease (`LeasedRun`): a worker that dies leaves
    nothing written (its transaction goes with it) and the job is run again from its file.
    """

    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    file_name = models.CharField(max_length=255)
    file_path = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total_bytes = models.BigIntegerField(default=0)
    processed_bytes = models.BigIntegerField(default=0)
    rows_read = models.IntegerField(default=0)
    created_count = models.IntegerField(default=0)
    updated_count = models.IntegerField(default=0)
    unchanged_count = models.IntegerField(default=0)
    # [{"line": 12, "column": "email", "reason": "..."}], capped; error_count is the full count.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.IntegerField(default=0)
    # The uploader's language: the worker writes the error reasons in it, not in the server's.
    language = models.CharField(max_length=10, blank=True, default="")
    # The file's text encoding: chosen on the page, or "" to detect it; once read, the one
    # it was read in (`encodings.ENCODINGS`).
    encoding = models.CharField(max_length=12, blank=True, default="")
    # The layout recognised by the header (`formats.Format.slug`): "shopify-orders", ...
    file_format = models.CharField(max_length=40, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)  # claims of it by a worker
    failure = models.CharField(max_length=20, choices=ImportFailure.choices, blank=True, default="")

    @classmethod
    def claim(cls, pk: int) -> ImportJob:
        """Take the job for this process under a lease: QUEUED, or RUNNING whose worker
        stopped renewing its lease; the job, with its workspace and creator, its progress
        set back to nothing (the run starts again from the file).

        A conditional UPDATE (`clock.leases`): of two workers handed the same job, one
        changes the row and runs it; the other gets ImportJobStateError with the job as it is.
        """
        now = timezone.now()
        job = cls.objects.select_related("workspace", "created_by").get(pk=pk)
        claimed = lease_claim(
            job,
            lease=import_lease(),
            now=now,
            started_at=now,
            attempts=models.F("attempts") + 1,
            processed_bytes=0,
            rows_read=0,
        )
        if not claimed:
            raise ImportJobStateError(job, ImportStatus.RUNNING)
        return job

    def succeed(self) -> None:
        """RUNNING to SUCCEEDED; saves the job with the figures of its run."""
        self._finish(ImportStatus.SUCCEEDED, errors=[], error_count=0)

    def fail(self, *, errors: list[dict[str, int | str]], error_count: int) -> None:
        """RUNNING to FAILED, keeping `errors` (the first ones) and the count of all of them."""
        self._finish(ImportStatus.FAILED, errors=errors, error_count=error_count)

    def _finish(self, status: str, *, errors: list[dict[str, int | str]], error_count: int) -> None:
        """End the run this process holds (LeaseLost if a worker took it over meanwhile),
        saving every field: the figures of the run are set on the instance on its way."""
        if self.status != ImportStatus.RUNNING:
            raise ImportJobStateError(self, status)
        now = timezone.now()
        with transaction.atomic():
            if not (
                lease_release(self, status=status, finished_at=now)
                or self._finish_unleased(status, now)
            ):
                raise LeaseLost(f"Import job {self.pk} is no longer held by this process")
            self.status, self.finished_at = status, now
            self.errors = errors
            self.error_count = error_count
            self.save()

    def progress_save(self, *, strict: bool = True) -> None:
        """Save `rows_read` and `processed_bytes`, renewing the lease this process holds.

        LeaseLost when another worker has taken the job over (its lease ran out): this
        run must stop. With `strict` off (a thread of the run whose connection may not see
        the job's row yet, see `pipeline`) a renewal that matches nothing is let go: the
        end of the run checks the lease again in any case.
        """
        values: dict[str, Any] = {
            "rows_read": self.rows_read,
            "processed_bytes": self.processed_bytes,
        }
        if self.lease_until is None:  # run in place, without a lease
            ImportJob.objects.filter(pk=self.pk).update(**values)
            return
        if not lease_renew(self, lease=import_lease(), **values) and strict:
            raise LeaseLost(f"Import job {self.pk} is no longer held by this process")

    def _finish_unleased(self, status: str, now: datetime) -> bool:
        """End a job that no worker holds under a lease (one run in place, without a
        claim): only while it is still running with no lease on it."""
        ended = ImportJob.objects.filter(
            pk=self.pk, status=ImportStatus.RUNNING, lease_until__isnull=True
        ).update(status=status, finished_at=now)
        return ended == 1

    @property
    def file_kept(self) -> bool:
        """Whether the uploaded file is still on the server (a retry needs it)."""
        from pathlib import Path

        return bool(self.file_path) and Path(self.file_path).is_file()

    @property
    def retryable(self) -> bool:
        return self.status == ImportStatus.FAILED and self.failure == ImportFailure.WORKER_STOPPED

    @property
    def stalled(self) -> bool:
        """Running, but its worker has stopped renewing its lease: it will be run again."""
        return (
            self.status == ImportStatus.RUNNING
            and self.lease_until is not None
            and self.lease_until < timezone.now()
        )

    @property
    def progress_percent(self) -> int:
        if self.status == ImportStatus.SUCCEEDED:
            return 100
        if not self.total_bytes:
            return 0
        return min(99, int(100 * self.processed_bytes / self.total_bytes))
