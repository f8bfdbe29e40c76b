"""Conversation and message payloads of the inbox. Limits equal the services' and models'."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, EmailStr, Field

from clientela.api.pagination import PageOut, PageParams
from clientela.api.types import Id, NonEmpty, Text200

Status = Literal["open", "waiting", "closed"]


class ConversationFilters(PageParams):
    status: Literal["open", "waiting", "closed", "all", ""] = ""


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    dropped: bool


class MessageOut(Schema):
    id: int
    direction: Literal["in", "out", "note"]
    channel: str
    message_id: str | None
    from_address: str
    from_name: str
    subject: str
    body: str
    quoted: str
    signature: str
    author_id: int | None
    created_at: datetime
    attachments: list[AttachmentOut] = Field(default_factory=list)


class ConversationOut(Schema):
    id: int
    subject: str
    status: Status
    channel: str
    customer_id: int | None
    assignee_id: int | None
    reply_to: str
    created_at: datetime
    last_message_at: datetime


class ConversationDetail(ConversationOut):
    messages: list[MessageOut]


class ConversationPage(PageOut):
    items: list[ConversationOut]


class MessageIn(Schema):
    """A customer's message that came by another road; it is threaded like an e-mail."""

    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    name: Text200 = ""
    subject: Annotated[Text200, NonEmpty]
    body: Annotated[str, Field(min_length=1, max_length=10_000)]


class ReplyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: Annotated[str, Field(min_length=1, max_length=50_000)]
    language: Literal["ro", "en"] = "ro"
    note: bool = Field(False, description="An internal note: kept, never sent.")


class StatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: Status


class LinkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    customer_id: Id = Field(description="A customer of the workspace.")
