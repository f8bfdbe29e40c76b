"""An import whose worker is killed is not left "running" for ever: it is run again from
its stored file by the next worker, once the dead worker's lease has run out, and its rows
are written exactly once."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pytest

from tests.processes.helpers import clientela, process_env, start, stop

CUSTOMERS = 40_000
SETUP = """
from pathlib import Path
from clientela.accounts.models import User
from clientela.accounts.services import workspace_create
from clientela.imports.tasks import import_start
owner = User.objects.create_user("ana@example.com", "a-long-password-1", name="Ana")
shop = workspace_create(name="Magazin", slug="magazin", owner=owner)
path = Path({path!r})
job = import_start(workspace=shop, kind="customers", source_path=path, file_name="clienți.csv",
                   actor=owner)
print(job.pk)
"""
RECOVER = "from clientela.imports.tasks import import_recover_task; import_recover_task.enqueue()"


def _job(database: Path, job_id: int) -> tuple[str, int, int, int, str]:
    with sqlite3.connect(database, timeout=30) as db:
        row = db.execute(
            "SELECT status, rows_read, created_count, attempts, file_path"
            " FROM imports_importjob WHERE id = ?",
            (job_id,),
        ).fetchone()
    return row


def _count(database: Path, table: str) -> int:
    with sqlite3.connect(database, timeout=30) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608


# Slow: a 40,000-customer import (large enough to be killed in the middle of its reading)
# run by three real processes, the killed worker, the recovery and the second worker.
@pytest.mark.slow
def test_a_killed_import_worker_s_job_is_resumed_from_its_file_once(
    migrated_data_dir: Path, tmp_path: Path
):
    upload = tmp_path / "clienti.csv"
    upload.write_text(
        "id;prenume;nume;email\n"
        + "".join(f"C{n};Ștefan;Țăranu;c{n}@example.ro\n" for n in range(CUSTOMERS)),
        encoding="utf-8",
    )
    env = process_env(migrated_data_dir, CLIENTELA_IMPORT_LEASE_SECONDS="2")
    database = migrated_data_dir / "clientela.sqlite3"
    job_id = int(clientela("shell", "-c", SETUP.format(path=str(upload)), env=env).split()[-1])

    worker = start("worker", env=env, log=tmp_path / "worker.log")
    try:
        deadline = time.monotonic() + 120
        # Killed once the job's progress shows a quarter of its file read.
        while _job(database, job_id)[1] < CUSTOMERS // 4:
            assert time.monotonic() < deadline, "the worker did not start the import"
            assert _job(database, job_id)[0] in ("queued", "running")
            time.sleep(0.05)
    finally:
        stop(worker, signal.SIGKILL)
    status, rows_read, created, attempts, kept = _job(database, job_id)
    assert (status, created, attempts) == ("running", 0, 1)
    assert Path(kept).is_file()
    assert _count(database, "customers_customer") == 0

    time.sleep(2.5)  # the dead worker's lease runs out
    clientela("shell", "-c", RECOVER, env=env)
    clientela("worker", "--batch", env=env, timeout=180)

    status, rows_read, created, attempts, kept = _job(database, job_id)
    assert (status, rows_read, created, attempts) == ("succeeded", CUSTOMERS, CUSTOMERS, 2)
    assert not Path(kept).exists()
    assert _count(database, "customers_customer") == CUSTOMERS
    assert _count(database, "customers_customeremail") == CUSTOMERS
