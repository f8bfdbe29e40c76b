"""ImportJob moved from customers to imports: a database at the old migrations keeps every row.

The database is taken back to where it was before the move (customers at 0004, no imports
app; the other apps are where the move found them), rows are written through the models of
that time, then every migration is applied and the rows are read through today's model.
A task the old code queued is found again under the task's new path.
Migrations need the database outside a transaction, hence `transaction=True`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.apps.registry import Apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from clientela.imports.models import ImportJob
from clientela.imports.tasks import import_execute_task

BEFORE = ("customers", "0004_customer_drop_workspace_index")
TASKS = ("django_tasks_database", "0021_conditional_partial_index_ordering")
OLD_TASK = "clientela.customers.tasks.import_execute_task"

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


def _latest() -> list[tuple[str, str | None]]:
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _permissions(content_type: ContentType) -> set[tuple[int, str]]:
    return set(Permission.objects.filter(content_type=content_type).values_list("pk", "codename"))


def _old_jobs(apps: Apps) -> list[dict[str, Any]]:
    """Three jobs through the model of customers 0004, every field away from its default."""
    workspace = apps.get_model("accounts", "Workspace").objects.create(name="Shop", slug="shop")
    user = apps.get_model("accounts", "User").objects.create(email="ana@example.com")
    Job = apps.get_model("customers", "ImportJob")
    at = datetime(2026, 11, 30, 9, 15, 42, 123456, tzinfo=UTC)
    Job.objects.create(
        workspace=workspace,
        kind="customers",
        file_name="clienți.csv",
        file_path="/data/imports/abc.csv",
        created_by=user,
        created_at=at,
        total_bytes=5_000_000_000,
        language="ro",
    )
    Job.objects.create(
        workspace=workspace,
        kind="orders",
        status="succeeded",
        file_name="comenzi.csv",
        created_by=user,
        created_at=at,
        started_at=at,
        finished_at=at,
        total_bytes=120,
        processed_bytes=120,
        rows_read=3,
        created_count=2,
        updated_count=1,
        unchanged_count=4,
        language="en",
    )
    Job.objects.create(
        workspace=workspace,
        kind="orders",
        status="failed",
        file_name="rău.csv",
        created_at=at,
        started_at=at,
        finished_at=at,
        errors=[{"line": 2, "column": "total", "reason": "nu este o sumă"}],
        error_count=1500,
    )
    return list(Job.objects.order_by("pk").values())


def _queue_old_tasks(apps: Apps, job_id: int) -> None:
    """The import's task as the old code queued it, and a task of another app."""
    results = apps.get_model("django_tasks_database", "DBTaskResult").objects
    for path, queue in [(OLD_TASK, "imports"), ("clientela.retention.tasks.other", "retention")]:
        results.create(
            args_kwargs={"args": [job_id], "kwargs": {}},
            task_path=path,
            queue_name=queue,
            backend_name="default",
            run_after=datetime(2026, 11, 30, tzinfo=UTC),
            exception_class_path="",
            traceback="",
        )


def test_every_import_job_and_field_survives_the_move_to_the_imports_app():
    latest = _latest()
    job_type = ContentType.objects.get_for_model(ImportJob)
    permissions = _permissions(job_type)
    assert len(permissions) == 4  # add, change, delete, view
    try:
        old = _migrate([BEFORE, ("imports", None)])
        assert ContentType.objects.get(pk=job_type.pk).app_label == "customers"
        written = _old_jobs(old.loader.project_state(BEFORE).apps)
    finally:
        _migrate(latest)  # also when the test fails: the next tests need today's schema
    assert len(written) == 3
    assert list(ImportJob.objects.order_by("pk").values(*written[0])) == written
    # The fields added since hold their defaults.
    added = ImportJob.objects.values_list(
        "lease_until", "attempts", "failure", "encoding", "file_format"
    )
    assert list(added) == [(None, 0, "", "", "")] * 3
    assert ImportJob._meta.db_table == "imports_importjob"
    assert ContentType.objects.get(pk=job_type.pk).app_label == "imports"
    assert _permissions(job_type) == permissions


def test_a_task_queued_before_the_move_names_the_task_where_it_is_now():
    latest = _latest()
    try:
        old = _migrate([BEFORE, ("imports", None)])
        apps = old.loader.project_state([BEFORE, TASKS]).apps
        _queue_old_tasks(apps, _old_jobs(apps)[0]["id"])
    finally:
        _migrate(latest)
    queued = DBTaskResult.objects.order_by("queue_name").values_list("queue_name", "task_path")
    assert list(queued) == [
        ("imports", "clientela.imports.tasks.import_execute_task"),
        ("retention", "clientela.retention.tasks.other"),
    ]
    assert import_string(queued[0][1]) is import_execute_task
