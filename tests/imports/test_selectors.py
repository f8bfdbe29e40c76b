"""Reads of import jobs: only the workspace's own, newest first."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clientela.imports.models import ImportJob
from clientela.imports.selectors import import_job_get, import_jobs_recent

pytestmark = pytest.mark.django_db


def _job(workspace, day: int) -> ImportJob:  # type: ignore[no-untyped-def]
    return ImportJob.objects.create(
        workspace=workspace,
        kind="customers",
        file_name=f"{day}.csv",
        created_at=datetime(2026, 11, day, tzinfo=UTC),
    )


def test_the_recent_jobs_are_the_workspaces_own_newest_first(cast):
    old, new, same_day = _job(cast.shop, 1), _job(cast.shop, 2), _job(cast.shop, 2)
    _job(cast.other_shop, 3)
    assert list(import_jobs_recent(workspace=cast.shop)) == [same_day, new, old]


def test_a_job_is_found_in_its_workspace_only(cast, django_assert_num_queries):
    job = ImportJob.objects.create(
        workspace=cast.shop, kind="orders", file_name="o.csv", created_by=cast.manager
    )
    with django_assert_num_queries(1):  # the creator comes with the job
        found = import_job_get(workspace=cast.shop, pk=job.pk)
        assert (found, found.created_by) == (job, cast.manager)
    with pytest.raises(ImportJob.DoesNotExist):
        import_job_get(workspace=cast.other_shop, pk=job.pk)
