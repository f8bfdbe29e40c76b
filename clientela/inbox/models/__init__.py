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
from clientela.inbox.models.conversations import (
    Attachment,
    Channel,
    Conversation,
    ConversationStatus,
    Direction,
    ImapMailbox,
    InboxSettings,
    Message,
)

__all__ = [
    "Attachment",
    "Channel",
    "ClockSettings",
    "ClockTarget",
    "Conversation",
    "ConversationStatus",
    "Direction",
    "ImapMailbox",
    "InboxSettings",
    "Message",
    "ResponseKind",
    "Wait",
    "WaitNudge",
    "WaitPause",
    "WaitResponse",
    "WaitState",
]
