"""The import jobs: one row per CSV import, its file, progress and outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.accounts.scoping import WorkspaceScoped


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    ORDERS = "orders", _("Orders")


# A job is created QUEUED (an upload, run by a worker) or RUNNING (the CLI, run at once);
# QUEUED becomes RUNNING by `ImportJob.claim`, RUNNING ends by `succeed` or `fail`. No
# other code assigns a status.
class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Rejected")


class ImportJobStateError(Exception):
    """A job was asked for a status change that its current status does not allow."""

    def __init__(self, job: ImportJob, wanted: str) -> None:
        super().__init__(f"Import job {job.pk} is {job.status}; it cannot become {wanted}.")
        self.job = job  # as it is now, read from the database


class ImportJob(WorkspaceScoped):
    """One CSV import: its file, progress and outcome. Rows are all imported or none."""

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

    @classmethod
    def claim(cls, pk: int) -> ImportJob:
        """QUEUED to RUNNING, for one caller only; the job, with its workspace and creator.

        A conditional UPDATE: of two workers handed the same job, one changes the row and
        runs it; the other gets ImportJobStateError, which carries the job as it is.
        """
        claimed = cls.objects.filter(pk=pk, status=ImportStatus.QUEUED).update(
            status=ImportStatus.RUNNING, started_at=timezone.now()
        )
        job = cls.objects.select_related("workspace", "created_by").get(pk=pk)
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
        # Only the claim can race: a RUNNING job has one runner, the caller.
        if self.status != ImportStatus.RUNNING:
            raise ImportJobStateError(self, status)
        self.status = status
        self.errors = errors
        self.error_count = error_count
        self.finished_at = timezone.now()
        self.save()

    @property
    def progress_percent(self) -> int:
        if self.status == ImportStatus.SUCCEEDED:
            return 100
        if not self.total_bytes:
            return 0
        return min(99, int(100 * self.processed_bytes / self.total_bytes))
