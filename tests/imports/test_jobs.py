"""Queued imports (web and API), the task, the size limit, progress and the CLI."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tasks_db.models import DBTaskResult

from clientela.commerce.models import Order
from clientela.customers.models import Customer
from clientela.imports import passes, pipeline
from clientela.imports.models import ImportJob, ImportStatus
from clientela.imports.services import (
    ImportFileError,
    import_execute,
    import_run_file,
)
from clientela.imports.tasks import import_execute_task, import_start
from tests.imports.helpers import counts, write_csv

CUSTOMERS = "id;prenume;email\nC1;Ana;ana@example.com\nC2;Dan;dan@example.com\n"


@pytest.mark.django_db(transaction=True)
def test_a_started_import_is_kept_privately_queued_and_run_by_the_worker(cast, tmp_path, settings):
    settings.DATA_DIR = tmp_path / "data"
    upload = write_csv(tmp_path, CUSTOMERS)
    job = import_start(
        workspace=cast.shop,
        kind="customers",
        source_path=upload,
        file_name="clienți.csv",
        actor=cast.manager,
    )
    assert (job.status, job.file_name, job.total_bytes, job.created_by) == (
        ImportStatus.QUEUED,
        "clienți.csv",
        upload.stat().st_size,
        cast.manager,
    )
    kept = Path(job.file_path)
    assert kept.parent == tmp_path / "data" / "imports"
    assert len(kept.stem) >= 32 and "clien" not in kept.name  # unguessable, not the user's name
    assert kept.read_bytes() == upload.read_bytes()
    task = DBTaskResult.objects.get()
    assert (task.queue_name, task.task_path, task.args_kwargs) == (
        "imports",
        "clientela.imports.tasks.import_execute_task",
        {"args": [job.pk], "kwargs": {}},
    )
    assert Customer.objects.count() == 0
    call_command("db_worker", queue_name="imports", batch=True, interval=0, no_startup_delay=True)
    job.refresh_from_db()
    assert (job.status, job.created_count, job.rows_read) == (ImportStatus.SUCCEEDED, 2, 2)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert not kept.exists()  # customers' data is not left lying around
    assert sorted(
        Customer.objects.for_workspace(cast.shop).values_list("first_name", flat=True)
    ) == ["Ana", "Dan"]


@pytest.mark.django_db(transaction=True)
def test_running_a_job_twice_imports_once(cast, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    job = import_start(
        workspace=cast.shop,
        kind="customers",
        source_path=write_csv(tmp_path, CUSTOMERS),
        file_name="c.csv",
        actor=None,
    )
    assert import_execute_task.func(job.pk) == ImportStatus.SUCCEEDED
    before = counts()
    second = import_execute(job.pk)
    assert (second.status, second.created_count, second.finished_at) == (
        ImportStatus.SUCCEEDED,
        2,
        ImportJob.objects.get(pk=job.pk).finished_at,
    )
    assert counts() == before


def test_a_file_over_the_limit_is_refused_before_any_job(cast, tmp_path, settings):
    settings.CLIENTELA_IMPORT_MAX_BYTES = 20
    path = write_csv(tmp_path, CUSTOMERS)
    with pytest.raises(ImportFileError, match=r"The file is \d+ bytes; the largest accepted is 20"):
        import_run_file(workspace=cast.shop, kind="customers", path=path, actor=None)
    with pytest.raises(ImportFileError):
        import_start(
            workspace=cast.shop, kind="customers", source_path=path, file_name="c.csv", actor=None
        )
    with pytest.raises(ImportFileError, match="Unknown import kind: products"):
        settings.CLIENTELA_IMPORT_MAX_BYTES = 10**6
        import_run_file(workspace=cast.shop, kind="products", path=path, actor=None)
    assert ImportJob.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_progress_is_reported_and_committed_as_the_file_is_read(cast, tmp_path, monkeypatch):
    """The job's figures are committed while the import's transaction is still open.

    SQLite validates, then writes: the figures are committed during validation. PostgreSQL
    does both at once: the validator commits them through its own connection, ahead of (or
    level with) the rows the writer has written when it calls the progress callback.
    """
    monkeypatch.setattr(passes.Ticker, "__init__", _eager_ticker)
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 500)
    monkeypatch.setattr(pipeline, "PROGRESS_INTERVAL", 0)
    rows = "".join(f"O{i};C{i % 7};2024-01-01;{i}\n" for i in range(1500))
    seen = []

    def progress(p):
        stored = ImportJob.objects.get()
        seen.append((p.phase, p.rows_read, stored.rows_read, stored.processed_bytes > 0))

    path = write_csv(tmp_path, "order_id;id_client;data;total\n" + rows)
    job = import_run_file(
        workspace=cast.shop, kind="orders", path=path, actor=None, progress=progress
    )
    assert (job.status, job.rows_read, job.processed_bytes) == (
        ImportStatus.SUCCEEDED,
        1500,
        path.stat().st_size,
    )
    if connection.vendor == "sqlite":
        assert seen == [
            ("validating", 500, 500, True),
            ("validating", 1000, 1000, True),
            ("validating", 1500, 1500, True),
            ("writing", 500, 1500, True),
            ("writing", 1000, 1500, True),
            ("writing", 1500, 1500, True),
            ("committing", 1500, 1500, True),
        ]
    else:
        assert [(phase, written) for phase, written, _stored, _bytes in seen] == [
            ("importing", 500),
            ("importing", 1000),
            ("importing", 1500),
            ("committing", 1500),
        ]
        assert all(stored >= written and bytes_ for _p, written, stored, bytes_ in seen)
    assert Order.objects.count() == 1500


def _eager_ticker(self, report, interval=1.0, yield_every=0):
    """A ticker that reports at every check (every 500 rows) instead of once a second."""
    self._report, self._interval, self._next, self.rows, self.processed = report, 0, 0, 0, 0
    self._yield_every = yield_every


def test_the_command_imports_and_prints_a_summary(cast, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    path = write_csv(tmp_path, CUSTOMERS)
    call_command(
        "import",
        "customers",
        str(path),
        workspace="alice",
        actor="alice@example.com",
        stdout=out,
        stderr=err,
    )
    assert out.getvalue() == "Imported 2 rows: 2 created, 0 updated, 0 unchanged.\n"
    assert ImportJob.objects.get().created_by == cast.owner
    assert Customer.objects.for_workspace(cast.shop).count() == 2


def test_the_command_lists_every_error_and_exits_with_1(cast, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    path = write_csv(tmp_path, "id;email;limba\nA;a@example.com;ro\nB;nu;fr\n;;\n")
    with pytest.raises(CommandError) as caught:
        call_command(
            "import",
            "customers",
            str(path),
            workspace="alice",
            no_progress=True,
            stdout=out,
            stderr=err,
        )
    assert caught.value.returncode == 1
    assert str(caught.value) == "Rejected: 3 errors, nothing was imported."
    assert err.getvalue() == (
        "line 3, column email: 'nu' is not a valid e-mail address\n"
        "line 3, column language: 'fr' is not a language we write in (ro or en)\n"
        "line 4, column external_id: needs an external_id or an email\n"
    )
    assert Customer.objects.count() == 0


def test_the_command_refuses_an_unknown_workspace(cast, tmp_path):
    with pytest.raises(CommandError, match="No workspace nobody"):
        call_command("import", "orders", str(write_csv(tmp_path, CUSTOMERS)), workspace="nobody")
    assert ImportJob.objects.count() == 0
