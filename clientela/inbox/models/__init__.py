"""The inbox's tables: conversations and their messages, and the clock that times our answers."""

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
    "Conversation",
    "ConversationStatus",
    "Direction",
    "ImapMailbox",
    "InboxSettings",
    "Message",
]
