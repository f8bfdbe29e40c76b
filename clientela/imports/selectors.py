"""Reads of import jobs, always within one workspace (the import pages and the API)."""

from __future__ import annotations

from django.db.models import QuerySet

from clientela.accounts.models import Workspace
from clientela.imports.models import ImportJob


def import_jobs_recent(*, workspace: Workspace) -> QuerySet[ImportJob]:
    """The workspace's import jobs, newest first (the caller takes as many as it shows)."""
    return ImportJob.objects.for_workspace(workspace).order_by("-created_at", "-pk")


def import_job_get(*, workspace: Workspace, pk: int) -> ImportJob:
    """One job of the workspace, with its creator.

    Raises ImportJob.DoesNotExist for a job of another workspace as for a missing one:
    the caller answers 404 to both.
    """
    return ImportJob.objects.for_workspace(workspace).select_related("created_by").get(pk=pk)
