"""Delivery payloads: whether mail leaves, the outbox, the suppressed addresses."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from clientela.api.pagination import PageOut, PageParams
from clientela.api.types import NonEmpty, Text100

OutboxStatusName = Literal[
    "queued", "sending", "sent", "failed", "bounced", "suppressed", "cancelled"
]


class DeliveryStatusOut(Schema):
    paused: bool
    pause_reason: Literal["", "manual", "restore"] = Field(
        description="`restore`: a restored backup was detected; check the queue, then resume."
    )
    paused_at: datetime | None
    install_paused: bool = Field(description="The operator stopped the whole install.")
    counts: dict[str, int] = Field(description="Outbox rows per status, zeros included.")


class OutboxOut(Schema):
    id: int
    to_address: str
    subject: str
    kind: str
    status: str
    attempts: int
    last_smtp_code: int | None
    last_smtp_reply: str
    last_attempt_at: datetime | None
    next_attempt_at: datetime
    sent_at: datetime | None
    created_at: datetime


class OutboxPage(PageOut):
    items: list[OutboxOut]


class OutboxFilters(PageParams):
    status: OutboxStatusName | None = None


class SuppressionOut(Schema):
    address: str
    reason: str
    created_at: datetime


class SuppressionPage(PageOut):
    items: list[SuppressionOut]


class SuppressionFilters(PageParams):
    q: Annotated[Text100, NonEmpty] | None = Field(None, description="Part of the address.")
