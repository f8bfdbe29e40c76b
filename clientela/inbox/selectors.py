"""Workspace-scoped reads of the inbox, for its pages and its API."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from clientela.accounts.models import User, Workspace
from clientela.inbox.models import Attachment, Conversation, ConversationStatus, Message

PAGE = 50


def conversations_filtered(
    *, workspace: Workspace, status: str = "", assignee: User | None = None
) -> QuerySet[Conversation]:
    """Newest activity first; `status` "" is every conversation not closed, "all" every one."""
    rows = Conversation.objects.for_workspace(workspace).select_related("customer", "assignee")
    if status == "":
        rows = rows.exclude(status=ConversationStatus.CLOSED)
    elif status != "all":
        rows = rows.filter(status=status)
    if assignee is not None:
        rows = rows.filter(assignee=assignee)
    return rows.order_by("-last_message_at", "-pk")


def conversation_messages(conversation: Conversation) -> QuerySet[Message]:
    """The thread, oldest first, with its attachments' names (not their bytes) and authors."""
    files = Attachment.objects.defer("data").order_by("pk")
    return (
        conversation.messages.select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=files))
        .order_by("created_at", "pk")
    )
