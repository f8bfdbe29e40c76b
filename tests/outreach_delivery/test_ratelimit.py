"""The per-worker token bucket: a burst up to the rate, then one message per 1/rate seconds."""

from __future__ import annotations

from clientela.outreach.delivery.ratelimit import TokenBucket


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
