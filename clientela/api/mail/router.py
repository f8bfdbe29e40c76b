"""Delivery: whether the workspace's mail leaves (pause, resume), its outbox, its suppressions.

Managers and owners only, as on the Delivery page: the outbox shows every recipient and
the mail servers' replies, and pausing stops the workspace's mail.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.errors import READ, WRITE
from clientela.api.mail.schemas import (
    DeliveryStatusOut,
    OutboxFilters,
    OutboxPage,
    SuppressionFilters,
    SuppressionPage,
)
from clientela.api.openapi import keep_operation_ids
from clientela.api.pagination import page_of
from clientela.mail.policy import DELIVERY_PAUSE_SET, DELIVERY_VIEW
from clientela.mail.selectors import (
    delivery_status,
    outbox_for_workspace,
    suppression_for_workspace,
)
from clientela.mail.services import delivery_pause_set

router = Router(tags=["delivery"])


def _status(request: HttpRequest) -> dict[str, Any]:
    return delivery_status(workspace_of(request)).__dict__


@router.get(
    "", response={200: DeliveryStatusOut, **READ}, summary="Whether mail leaves, and why not"
)
def delivery_read(request: HttpRequest) -> dict[str, Any]:
    require(request, DELIVERY_VIEW)
    return _status(request)


def _set(request: HttpRequest, *, paused: bool) -> dict[str, Any]:
    require(request, DELIVERY_PAUSE_SET)
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
    require(request, DELIVERY_VIEW)
    return page_of(outbox_for_workspace(workspace_of(request), status=filters.status), filters)


@router.get(
    "/suppressions", response={200: SuppressionPage, **READ}, summary="Suppressed addresses"
)
def suppression_list(request: HttpRequest, filters: Query[SuppressionFilters]) -> dict[str, Any]:
    require(request, DELIVERY_VIEW)
    rows = suppression_for_workspace(workspace_of(request), search=filters.q or "")
    return page_of(rows, filters)


keep_operation_ids(router, "clientela.api.routers.delivery")
