"""Several real worker processes, killed with SIGKILL again and again: no letter is lost, and the
only duplicates are letters in flight at a kill, carrying the same Message-ID.

PostgreSQL only: SQLite serialises writers, and its smaller variant is not worth the minutes.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from clientela.outreach.delivery.services import (
    OutboxDraft,
    delivery_pause_set,
    outbox_enqueue_many,
)
from clientela.outreach.models import Outbox, OutboxKind, OutboxStatus
from tests.outreach_delivery.sink import Sink

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: several worker processes against the test database",
    ),
]
LEASE_SECONDS = 10
BATCH = 20


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    def __init__(self, sink: Sink, data_dir: Path, count: int) -> None:
        base = Path(django_settings.BASE_DIR)
        self.command = [
            sys.executable, str(base / "manage.py"), "outbox_send",
            "--batch", str(BATCH), "--lease-seconds", str(LEASE_SECONDS), "--poll-seconds", "0.2",
        ]  # fmt: skip
        self.env = {
            **os.environ,
            "CLIENTELA_DATABASE_URL": database_url(),
            "CLIENTELA_EMAIL_HOST": "127.0.0.1",
            "CLIENTELA_EMAIL_PORT": str(sink.port),
            "CLIENTELA_DATA_DIR": str(data_dir),
            "CLIENTELA_SECRET_KEY": django_settings.SECRET_KEY,
            "CLIENTELA_FROM_EMAIL": "shop@alice.example",
            "CLIENTELA_LOG_LEVEL": "WARNING",
            "CLIENTELA_TESTING": "1",
        }
        self.cwd = base
        self.procs = [self.start() for _ in range(count)]

    def start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            self.command, env=self.env, cwd=self.cwd,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def kill_one(self, rng: random.Random) -> None:
        index = rng.randrange(len(self.procs))
        self.procs[index].send_signal(signal.SIGKILL)
        self.procs[index].wait()
        self.procs[index] = self.start()

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            proc.wait(timeout=30)


def enqueue(workspace, count: int) -> dict[str, str]:
    drafts = [
        OutboxDraft(
            to_address=f"r{n}@example.ro",
            subject=f"Offer {n}",
            body_text="Our new catalogue is out.\n",
            kind=OutboxKind.MARKETING,
            source_type="campaign",
            source_id=1,
            dedup_key=f"campaign:1:r{n}@example.ro",
        )
        for n in range(count)
    ]
    assert outbox_enqueue_many(workspace=workspace, drafts=drafts) == count
    return dict(Outbox.objects.values_list("to_address", "message_id"))


def sent_count() -> int:
    return Outbox.objects.filter(status=OutboxStatus.SENT).count()


def wait_for_sent(count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while sent_count() < count:
        assert time.monotonic() < deadline, f"fewer than {count} sent after {timeout} s"
        time.sleep(0.2)


def wait_until_done(expected: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = Outbox.objects.filter(
            status__in=[OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.SUPPRESSED]
        ).count()
        if done == expected:
            return
        time.sleep(0.5)
    raise AssertionError(f"only {done} of {expected} rows finished in {timeout} s")


def test_killed_workers_lose_nothing_and_duplicate_only_what_was_in_flight(cast, tmp_path):
    rng = random.Random(20261123)
    message_ids = enqueue(cast.shop, 10_000)
    with Sink() as sink:
        workers = Workers(sink, tmp_path, count=3)
        try:
            kills, progress = 0, 0
            while kills < 20:
                # Kill only while mail is flowing, so that every kill lands mid-batch.
                wait_for_sent(progress + rng.randint(50, 250), timeout=120)
                time.sleep(rng.uniform(0.0, 0.5))
                workers.kill_one(rng)
                kills += 1
                progress = sent_count()
            wait_until_done(10_000, timeout=300)
        finally:
            workers.stop()
        received = sink.received

    statuses = Counter(Outbox.objects.values_list("status", flat=True))
    assert statuses == {OutboxStatus.SENT: 10_000}
    per_recipient = Counter(r.recipients[0] for r in received)
    assert set(per_recipient) == set(message_ids)
    # A duplicate is a message of a killed worker's batch, sent again with the same identity.
    duplicates = sum(n - 1 for n in per_recipient.values())
    assert duplicates <= kills * BATCH
    for got in received:
        assert got.message["Message-ID"] == message_ids[got.recipients[0]]


def test_pausing_and_resuming_at_random_points_sends_everyone_exactly_once(cast, tmp_path):
    rng = random.Random(7)
    message_ids = enqueue(cast.shop, 2_000)
    with Sink() as sink:
        workers = Workers(sink, tmp_path, count=3)
        try:
            for _ in range(5):
                wait_for_sent(sent_count() + rng.randint(50, 250), timeout=120)
                delivery_pause_set(workspace=cast.shop, paused=True, actor=cast.owner)
                paused_at = len(sink.received)
                time.sleep(rng.uniform(0.5, 1.0))
                # Batches in hand finish; nothing new is claimed while paused.
                assert len(sink.received) - paused_at <= 3 * BATCH
                delivery_pause_set(workspace=cast.shop, paused=False, actor=cast.owner)
            wait_until_done(2_000, timeout=300)
        finally:
            workers.stop()
        received = sink.received

    assert Counter(r.recipients[0] for r in received) == Counter(set(message_ids))
    assert Counter(Outbox.objects.values_list("status", flat=True)) == {OutboxStatus.SENT: 2_000}
