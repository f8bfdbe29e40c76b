"""The inbox's tables: conversations and their messages, and the clock that times our answers."""

from clientela.inbox.models.clock import (
    ClockSettings,
    ClockTarget,
    ResponseKind,
    Wait,
    WaitNudge,
    WaitPause,
    WaitResponse,
    WaitState,
)

__all__ = [
    "ClockSettings",
    "ClockTarget",
    "ResponseKind",
    "Wait",
    "WaitNudge",
    "WaitPause",
    "WaitResponse",
    "WaitState",
]
