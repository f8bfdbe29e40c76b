"""The worker loop behind `outbox_send` and the `mail` task: batches until told to stop."""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from clientela.mail.conf import delivery_conf
from clientela.mail.instance import instance_check
from clientela.mail.ratelimit import SharedTokenBucket
from clientela.mail.send import outbox_send_batch
from clientela.mail.smtp import Relay

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class WorkerOptions:
    batch: int = 25
    lease: timedelta = timedelta(minutes=5)
    poll_seconds: float = 1.0
    drain: bool = False  # stop when nothing is due instead of polling
    max_messages: int | None = None


def worker_run(options: WorkerOptions, *, should_stop: Callable[[], bool] = lambda: False) -> int:
    """Send until `should_stop()`, or until nothing is due when draining; return claimed count.

    Every path that sends (the `outbox_send` sender, the `outbox_flush` task) comes through
    here, so each checks the install's identity first: a restored database pauses its
    workspaces before anything of it is claimed.
    """
    instance_check()
    rate = delivery_conf().relay_rate
    bucket = SharedTokenBucket(rate) if rate > 0 else None
    relay, name, handled, down_for = Relay.from_settings(), worker_name(), 0, 0.0
    try:
        while not should_stop():
            report = outbox_send_batch(
                relay=relay, worker_id=name, limit=options.batch, lease=options.lease, bucket=bucket
            )
            handled += report.claimed
            if options.max_messages is not None and handled >= options.max_messages:
                break
            if report.relay_down:
                down_for = min(60.0, max(1.0, down_for * 2))
                time.sleep(down_for)
                continue
            down_for = 0.0
            if report.claimed == 0:
                if options.drain:
                    break
                relay.close()  # do not hold a relay connection open while idle
                time.sleep(options.poll_seconds)
    finally:
        relay.close()
    return handled
