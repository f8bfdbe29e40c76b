"""Run a producer on a thread of its own and consume what it emits, in order, as it comes.

The import's validation pass is the producer and its writer the consumer (see `pipeline`):
while the writer waits on the database, which releases the interpreter's lock, the
validator runs, so an import costs about the longer of the two instead of their sum.

The queue between them is short (`depth` items), so memory stays flat however far ahead
the producer could run. An exception in the producer is raised again in the consumer, at
the point of the stream where it happened. When the consumer leaves early (its own error,
or the end of the `with`), the producer is told to stop at its next `emit`, and waited for.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")
Emit = Callable[[T], None]


class _Stopped(Exception):
    """Raised inside the producer's `emit` once the consumer has gone."""


class _Done:
    pass


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class Feed(Generic[T]):
    """`with Feed(produce) as feed: for item in feed: …`; `produce(emit)` calls `emit(item)`."""

    POLL = 0.1  # seconds a blocked `emit` waits before checking whether to stop

    def __init__(self, produce: Callable[[Emit[T]], None], depth: int = 4, name: str = "feed"):
        self._produce = produce
        self._queue: queue.Queue[T | _Done | _Failed] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def __enter__(self) -> Feed[T]:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def __iter__(self) -> Iterator[T]:
        while True:
            item = self._queue.get()
            if isinstance(item, _Done):
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item

    def _run(self) -> None:
        try:
            self._produce(self._put)
        except _Stopped:
            return
        except BaseException as error:  # handed to the consumer, who raises it
            self._put_final(_Failed(error))
            return
        self._put_final(_Done())

    def _put(self, item: T | _Done | _Failed) -> None:
        while True:
            if self._stop.is_set():
                raise _Stopped
            try:
                self._queue.put(item, timeout=self.POLL)
                return
            except queue.Full:
                continue

    def _put_final(self, item: _Done | _Failed) -> None:
        with contextlib.suppress(_Stopped):
            self._put(item)
