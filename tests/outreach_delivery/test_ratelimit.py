"""The relay's token bucket: a burst up to the rate, then one message per 1/rate seconds,
also when several senders share it through the database."""

from __future__ import annotations

import pytest

from clientela.outreach.delivery.ratelimit import SharedTokenBucket, TokenBucket
from clientela.outreach.models import RelayBucket


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
