"""A token bucket per worker process.

The relay's limit (CLIENTELA_RELAY_RATE, messages per second for the install) is divided by
the number of workers the operator runs (`outbox_send --workers N`): no shared state, no
extra database round trip per message, and the sum never exceeds the relay's limit. Running
more workers than declared exceeds it, which is why the number is an explicit option.
"""

from __future__ import annotations

import time
from collections.abc import Callable


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
