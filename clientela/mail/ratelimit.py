"""Token buckets for the relay's limit (CLIENTELA_RELAY_RATE, messages per second).

`SharedTokenBucket` keeps the bucket in one database row, so every sender process and
every flush task together stay within the limit however many run: two queries per message,
and only when a limit is set. `TokenBucket` is the same arithmetic in memory.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from django.db.models import F

from clientela.mail.models import RelayBucket


class Bucket(Protocol):
    def take(self) -> float: ...


class TokenBucket:
    def __init__(
        self,
        rate: float,
        *,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self.capacity = burst if burst is not None else max(1.0, rate)
        self.tokens = self.capacity
        self._clock = clock
        self._sleep = sleep
        self._last = clock()

    def _refill(self) -> None:
        now = self._clock()
        self.tokens = min(self.capacity, self.tokens + (now - self._last) * self.rate)
        self._last = now

    def take(self) -> float:
        """Wait until one token is available and take it; return the seconds waited."""
        if self.rate <= 0:
            return 0.0
        self._refill()
        waited = 0.0
        if self.tokens < 1:
            waited = (1 - self.tokens) / self.rate
            self._sleep(waited)
            self._refill()
        self.tokens -= 1
        return waited


class SharedTokenBucket:
    """The bucket in the `RelayBucket` row. A take reserves its token at once, letting the
    balance go below zero, then waits until the balance it left is paid back: one update per
    message, and later takers see the debt and wait behind it. A take that loses the
    conditional UPDATE to another reads the row again."""

    def __init__(
        self,
        rate: float,
        *,
        burst: float | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self.capacity = burst if burst is not None else max(1.0, rate)
        self._clock = clock
        self._sleep = sleep

    def _reserve(self) -> float | None:
        """Take a token; return the seconds to wait for it, or None if another taker won."""
        now = self._clock()
        row, _ = RelayBucket.objects.get_or_create(
            pk=1, defaults={"tokens": self.capacity, "refilled_at": now}
        )
        # A clock behind the last taker's adds nothing rather than taking tokens away.
        since = max(now, row.refilled_at)
        left = min(self.capacity, row.tokens + (since - row.refilled_at) * self.rate) - 1
        taken = RelayBucket.objects.filter(pk=1, version=row.version).update(
            tokens=left, refilled_at=since, version=F("version") + 1
        )
        if not taken:
            return None
        return max(0.0, -left / self.rate)

    def take(self) -> float:
        """Wait until one token is available and take it; return the seconds waited."""
        if self.rate <= 0:
            return 0.0
        wait = self._reserve()
        while wait is None:
            wait = self._reserve()
        if wait > 0:
            self._sleep(wait)
        return wait
