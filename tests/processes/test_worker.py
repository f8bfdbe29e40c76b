"""`clientela worker` runs tasks from every queue, not only "default"."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.processes.helpers import clientela, process_env

ENQUEUE = (
    "from tests.processes.tasks import mail_queue_probe, nightly_noop; "
    "print(mail_queue_probe.enqueue('hello').id); print(nightly_noop.enqueue().id)"
)
STATUSES = (
    "from django_tasks_db.models import DBTaskResult; "
    "print(sorted((r.queue_name, r.status, r.return_value) for r in DBTaskResult.objects.all()))"
)


def test_the_worker_serves_every_queue(migrated_data_dir: Path):
    env = process_env(migrated_data_dir)
    clientela("shell", "-c", ENQUEUE, env=env)

    clientela("worker", "--batch", env=env)

    assert clientela("shell", "-c", STATUSES, env=env).strip().splitlines()[-1] == (
        "[('default', 'SUCCESSFUL', None), ('mail', 'SUCCESSFUL', 'hello')]"
    )


def _redis_answers() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


RQ_RESULT = (
    "from django_tasks import default_task_backend as backend; "
    "print(backend.get_result('{id}').status, backend.get_result('{id}').return_value)"
)


@pytest.mark.skipif(not _redis_answers(), reason="no Redis at 127.0.0.1:6379")
def test_with_the_rq_backend_the_worker_runs_rq_jobs_from_every_queue(migrated_data_dir: Path):
    env = process_env(
        migrated_data_dir,
        CLIENTELA_TASK_BACKEND="django_tasks_rq.RQBackend",
        CLIENTELA_REDIS_URL="redis://127.0.0.1:6379/11",
    )
    marker = f"rq-{uuid.uuid4().hex}"
    enqueue = (
        f"from tests.processes.tasks import mail_queue_probe as t; print(t.enqueue({marker!r}).id)"
    )
    task_id = clientela("shell", "-c", enqueue, env=env).strip().splitlines()[-1]

    clientela("worker", "--batch", env=env)

    assert (
        clientela("shell", "-c", RQ_RESULT.format(id=task_id), env=env).strip().splitlines()[-1]
        == f"SUCCESSFUL {marker}"
    )
