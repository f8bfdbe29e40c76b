"""ImportJob moved from customers to imports: a database at the old migrations keeps every row.

The database is taken back to where it was before the move (customers at 0004, no imports
app; the other apps are where the move found them), rows are written through the models of
that time, then every migration is applied and the rows are read through today's model.
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

from clientela.imports.models import ImportJob

BEFORE = ("customers", "0004_customer_drop_workspace_index")

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
    assert list(ImportJob.objects.order_by("pk").values()) == written
    assert ImportJob._meta.db_table == "imports_importjob"
    assert ContentType.objects.get(pk=job_type.pk).app_label == "imports"
    assert _permissions(job_type) == permissions
