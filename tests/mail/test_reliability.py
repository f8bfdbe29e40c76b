"""Several real worker processes, killed with SIGKILL again and again: no letter is lost, and the
only duplicates are letters in flight at a kill (at most one per kill), carrying the same
Message-ID.

Both tests go through a real campaign: a list's subscribers, the holdout drawn, `campaign_send`
queueing one outbox row per recipient, the campaign's own pause and resume, and
`campaign_finish_if_done`, which must not call the campaign finished while any recipient is
unaccounted for.

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

from clientela.customers.models import Customer
from clientela.mail.models import Outbox, OutboxStatus
from clientela.outreach.models import (
    CampaignRecipient,
    CampaignStatus,
    Subscription,
    SubscriptionStatus,
)
from clientela.outreach.services.campaigns import (
    campaign_finish_if_done,
    campaign_pause,
    campaign_resume,
    campaign_save,
    campaign_send,
)
from clientela.outreach.services.lists import mailing_list_create
from clientela.outreach.services.recipients import campaign_accounted
from tests.mail.sink import Sink

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
    def __init__(
        self, sink: Sink, data_dir: Path, count: int, env: dict[str, str] | None = None
    ) -> None:
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
            **(env or {}),
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


def campaign_to(workspace, actor, count: int, holdout: int):  # type: ignore[no-untyped-def]
    """A newsletter to a list of `count` confirmed subscribers (list members need no other
    consent), sent: the holdout drawn, one outbox row per recipient of the sent group."""
    mailing_list = mailing_list_create(workspace=workspace, actor=actor, name="Toți")
    customers = Customer.objects.bulk_create(
        Customer(workspace=workspace, first_name=f"R{n}", email=f"r{n}@example.ro")
        for n in range(count)
    )
    Subscription.objects.bulk_create(
        Subscription(
            workspace=workspace,
            mailing_list=mailing_list,
            customer=customer,
            status=SubscriptionStatus.CONFIRMED,
            confirm_token=f"t{customer.pk}",
            source="test",
        )
        for customer in customers
    )
    # A database in use has planner statistics; tables filled a moment ago have none, and
    # PostgreSQL then plans the audience query as nested loops over every pair of rows
    # (20 s for 10,000 customers, 0.4 s once analysed).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    campaign = campaign_save(
        workspace=workspace,
        actor=actor,
        list_ids=[mailing_list.pk],
        title="Catalog",
        kind="newsletter",
        language="ro",
        subject="Catalogul nou, {{ customer.first_name }}",
        body_text="Dragă {{ customer.first_name }}, catalogul nou a apărut.\n{{ unsubscribe_url }}",
        holdout_percent=holdout,
    )
    return campaign_send(campaign=campaign, actor=actor)


def campaign_addresses(campaign) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Address -> Message-ID of the campaign's sent group."""
    return dict(
        Outbox.objects.filter(source_type="campaign", source_id=campaign.pk).values_list(
            "to_address", "message_id"
        )
    )


def test_a_campaign_survives_killed_workers_and_finishes_only_when_everyone_is_accounted_for(
    cast, tmp_path
):  # type: ignore[no-untyped-def]
    rng = random.Random(20261202)
    campaign = campaign_to(cast.shop, cast.owner, 10_000, holdout=10)
    message_ids = campaign_addresses(campaign)
    held = CampaignRecipient.objects.filter(campaign=campaign, group="holdout").count()
    assert len(message_ids) + held == 10_000 and 900 <= held <= 1_100
    with Sink() as sink:
        # The install's relay limit keeps the send long enough for twenty kills to fall inside
        # it: unthrottled, three workers on loopback finish ~9,000 messages in about ten seconds.
        workers = Workers(sink, tmp_path, count=3, env={"CLIENTELA_RELAY_RATE": "250"})
        try:
            # Twenty kill points drawn over the campaign, the last well before its end: a kill
            # point counted from the previous kill could run past the last message on a fast
            # machine and wait for sends that can never come.
            kill_points = sorted(rng.sample(range(100, len(message_ids) - 1_000), 20))
            kills, in_flight_kills = 0, 0
            for point in kill_points:
                wait_for_sent(point, timeout=120)
                time.sleep(rng.uniform(0.0, 0.5))
                workers.kill_one(rng)
                kills += 1
                in_flight_kills += sent_count() < len(message_ids)
                # While rows are still on their way, the campaign must not call itself finished.
                accounted, recipients = campaign_accounted(campaign)
                if accounted < recipients:
                    assert campaign_finish_if_done(campaign=campaign) is False
            wait_until_done(len(message_ids), timeout=300)
        finally:
            workers.stop()
        received = sink.received

    assert campaign_finish_if_done(campaign=campaign) is True
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED
    statuses = Counter(Outbox.objects.values_list("status", flat=True))
    assert statuses == {OutboxStatus.SENT: len(message_ids)}
    assert campaign_accounted(campaign) == (10_000, 10_000)
    per_recipient = Counter(r.recipients[0] for r in received)
    assert set(per_recipient) == set(message_ids)  # the whole sent group, nobody of the holdout
    duplicates = sum(n - 1 for n in per_recipient.values())
    assert in_flight_kills == kills == 20  # every kill fell while the campaign was sending
    print(f"duplicates after {kills} kills of a sender: {duplicates}")
    # Each reply is recorded before the next message goes: only the message in flight at a
    # kill can go out twice.
    assert duplicates <= kills
    for got in received:
        assert got.message["Message-ID"] == message_ids[got.recipients[0]]


def test_a_campaign_paused_and_resumed_at_random_points_reaches_everyone_exactly_once(
    cast, tmp_path
):  # type: ignore[no-untyped-def]
    rng = random.Random(11)
    campaign = campaign_to(cast.shop, cast.owner, 2_000, holdout=10)
    message_ids = campaign_addresses(campaign)
    with Sink() as sink:
        workers = Workers(sink, tmp_path, count=3)
        try:
            for point in sorted(rng.sample(range(50, len(message_ids) - 400), 5)):
                wait_for_sent(point, timeout=120)
                campaign = campaign_pause(campaign=campaign, actor=cast.owner)
                paused_at = len(sink.received)
                time.sleep(rng.uniform(0.5, 1.0))
                # Rows already claimed finish; the queued ones wait, cancelled-for-pause.
                assert len(sink.received) - paused_at <= 3 * BATCH
                assert campaign_finish_if_done(campaign=campaign) is False
                campaign = campaign_resume(campaign=campaign, actor=cast.owner)
            wait_until_done(len(message_ids), timeout=300)
        finally:
            workers.stop()
        received = sink.received

    assert Counter(r.recipients[0] for r in received) == Counter(set(message_ids))
    assert campaign_finish_if_done(campaign=campaign) is True
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED
