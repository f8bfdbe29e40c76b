"""Delivery: whether the workspace's mail leaves (pause, resume), its outbox, its suppressions.

Managers and owners only, as on the Delivery page: the outbox shows every recipient and
the mail servers' replies, and pausing stops the workspace's mail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from clientela.accounts.models import Role
from clientela.api.auth import actor_of, require_role, workspace_of
from clientela.api.errors import READ, WRITE
from clientela.api.pagination import PageOut, PageParams, page_of
from clientela.api.types import NonEmpty, Text100
from clientela.mail.selectors import (
    delivery_status,
    outbox_for_workspace,
    suppression_for_workspace,
)
from clientela.mail.services import delivery_pause_set

router = Router(tags=["delivery"])
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


def _status(request: HttpRequest) -> dict[str, Any]:
    return delivery_status(workspace_of(request)).__dict__


@router.get(
    "", response={200: DeliveryStatusOut, **READ}, summary="Whether mail leaves, and why not"
)
def delivery_read(request: HttpRequest) -> dict[str, Any]:
    require_role(request, Role.MANAGER)
    return _status(request)


def _set(request: HttpRequest, *, paused: bool) -> dict[str, Any]:
    require_role(request, Role.MANAGER)
    delivery_pause_set(workspace=workspace_of(request), paused=paused, actor=actor_of(request))
    return _status(request)


@router.post(
    "/pause", response={200: DeliveryStatusOut, **WRITE}, summary="Pause the workspace's mail"
)
def delivery_pause(request: HttpRequest) -> dict[str, Any]:
    return _set(request, paused=True)


@router.post(
    "/resume",
    response={200: DeliveryStatusOut, **WRITE},
    summary="Resume the workspace's mail, also after a restored backup",
)
def delivery_resume(request: HttpRequest) -> dict[str, Any]:
    return _set(request, paused=False)


@router.get("/outbox", response={200: OutboxPage, **READ}, summary="Outbox rows, newest first")
def outbox_list(request: HttpRequest, filters: Query[OutboxFilters]) -> dict[str, Any]:
    require_role(request, Role.MANAGER)
    return page_of(outbox_for_workspace(workspace_of(request), status=filters.status), filters)


@router.get(
    "/suppressions", response={200: SuppressionPage, **READ}, summary="Suppressed addresses"
)
def suppression_list(request: HttpRequest, filters: Query[SuppressionFilters]) -> dict[str, Any]:
    require_role(request, Role.MANAGER)
    rows = suppression_for_workspace(workspace_of(request), search=filters.q or "")
    return page_of(rows, filters)
