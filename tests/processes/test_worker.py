"""`clientela worker` runs tasks from every queue, not only "default"."""

from __future__ import annotations

from pathlib import Path

from tests.processes.helpers import clientela, process_env

ENQUEUE = (
    "from tests.processes.tasks import mail_queue_probe, nightly_noop; "
    "print(mail_queue_probe.enqueue('hello').id); print(nightly_noop.enqueue().id)"
)
STATUSES = (
    "from django_tasks_db.models import DBTaskResult; "
    "print(sorted((r.queue_name, r.status, r.return_value) for r in DBTaskResult.objects.all()))"
)


def test_the_worker_serves_every_queue(tmp_path: Path):
    env = process_env(tmp_path)
    clientela("migrate", "-v0", env=env, timeout=120)
    clientela("shell", "-c", ENQUEUE, env=env)

    clientela("worker", "--batch", env=env)

    assert clientela("shell", "-c", STATUSES, env=env).strip() == (
        "[('default', 'SUCCESSFUL', None), ('mail', 'SUCCESSFUL', 'hello')]"
    )
