"""Tasks on the `mail` queue. They only wake delivery early: the outbox row is the truth and
`outbox_send` workers poll it anyway, so a lost or duplicated task changes nothing."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from clientela.mail.worker import WorkerOptions, worker_run


@task(queue_name="mail")
def outbox_flush() -> int:
    """Send what is due now, up to 500 messages, and return how many rows were handled."""
    return worker_run(WorkerOptions(drain=True, max_messages=500))


def outbox_wake() -> None:
    """After the current transaction commits, ask a task worker to send what is due."""
    transaction.on_commit(outbox_flush.enqueue)
