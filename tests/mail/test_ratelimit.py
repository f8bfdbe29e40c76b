"""The relay's token bucket: a burst up to the rate, then one message per 1/rate seconds,
also when several senders share it through the database."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from clientela.mail.models import RelayBucket
from clientela.mail.ratelimit import SharedTokenBucket, TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_the_bucket_allows_a_burst_then_paces_to_the_rate():
    clock = FakeClock()
    bucket = TokenBucket(10, clock=clock, sleep=clock.sleep)

    waits = [bucket.take() for _ in range(15)]

    assert waits[:10] == [0.0] * 10
    assert [round(w, 6) for w in waits[10:]] == [0.1] * 5
    assert round(clock.now, 6) == 0.5


def test_no_limit_never_waits():
    clock = FakeClock()
    bucket = TokenBucket(0, clock=clock, sleep=clock.sleep)
    assert [bucket.take() for _ in range(100)] == [0.0] * 100
    assert clock.sleeps == []


@pytest.mark.django_db
def test_two_senders_share_one_limit_through_the_database():
    clock = FakeClock()
    clock.now = 1_800_000_000.0
    senders = [SharedTokenBucket(10, clock=clock, sleep=clock.sleep) for _ in range(2)]

    # Alternating takes: apart, each process would have had a burst of 10 of its own.
    waits = [senders[n % 2].take() for n in range(15)]

    assert waits[:10] == [0.0] * 10
    assert [round(w, 6) for w in waits[10:]] == [0.1] * 5
    assert round(clock.now - 1_800_000_000.0, 6) == 0.5
    assert RelayBucket.objects.get().version == 15


RATE, MESSAGES, SLACK = 25, 150, 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL: several sender processes against the test database",
)
def test_three_sender_processes_together_stay_within_the_relay_rate(cast, tmp_path):
    """Real `outbox_send` processes against a real SMTP server: with one bucket each, three
    senders would start with three bursts and send three times the rate."""
    from tests.mail.helpers import queue
    from tests.mail.sink import Sink
    from tests.mail.test_reliability import Workers, wait_until_done

    for n in range(MESSAGES):
        queue(cast.shop, f"r{n}@example.ro")
    with Sink() as sink:
        workers = Workers(sink, tmp_path, count=3, env={"CLIENTELA_RELAY_RATE": str(RATE)})
        try:
            wait_until_done(MESSAGES, timeout=120)
        finally:
            workers.stop()
        times = sorted(got.at for got in sink.received)

    assert len(times) == MESSAGES
    # However the machine is loaded (load only slows sending down), no stretch of time holds
    # more messages than one burst plus the rate times its length (SLACK: a message accepted
    # by the bucket may reach the server a little after the next one).
    worst = max(
        (j - i + 1) - (RATE + RATE * (times[j] - times[i]))
        for i in range(len(times))
        for j in range(i, len(times))
    )
    assert worst <= SLACK
    assert times[-1] - times[0] >= (MESSAGES - RATE - SLACK) / RATE
