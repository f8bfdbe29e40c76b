"""Forwarding addresses through the API: list, grant, revoke; the domains, rule and limits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from clientela.accounts.scoping import scoped_get, settings_for
from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.errors import OBJECT_WRITE, READ, WRITE, unprocessable
from clientela.api.openapi import keep_operation_ids
from clientela.api.pagination import PageOut, PageParams, page_of
from clientela.api.types import QueryId
from clientela.customers.models import Customer
from clientela.forwarding.models import (
    MIN_ORDERS_MAX,
    RATE_MAX,
    SIZE_KB_MAX,
    SIZE_KB_MIN,
    Alias,
    ForwardingDomain,
    ForwardingSettings,
)
from clientela.forwarding.policy import (
    ALIAS_GRANT,
    ALIAS_REVOKE,
    ALIAS_VIEW,
    FORWARDING_SETTINGS_UPDATE,
)
from clientela.forwarding.services import (
    ForwardingError,
    alias_grant,
    alias_revoke,
    forwarding_settings_update,
)

router = Router(tags=["forwarding"])


class AliasOut(Schema):
    id: int
    address: str
    customer_id: int
    status: str
    granted_by: str
    reason: str
    created_at: datetime
    forwarded_count: int
    last_forwarded_at: datetime | None


class AliasPage(PageOut):
    items: list[AliasOut]


class AliasIn(Schema):
    model_config = ConfigDict(extra="forbid")

    customer_id: int = Field(ge=1)
    local_part: str = Field("", max_length=40)
    reason: str = Field("", max_length=200)


class RevokeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=200)


class ForwardingSettingsIO(Schema):
    model_config = ConfigDict(extra="forbid")

    domains: list[str] = Field(max_length=20)
    min_orders: int | None = Field(ge=1, le=MIN_ORDERS_MAX)
    rate_per_hour: int = Field(ge=1, le=RATE_MAX)
    max_message_kb: int = Field(ge=SIZE_KB_MIN, le=SIZE_KB_MAX)


def _aliases(request: HttpRequest) -> QuerySet[Alias]:
    return Alias.objects.for_workspace(workspace_of(request)).select_related("domain")


@router.get("/aliases", response={200: AliasPage, **READ}, summary="List aliases, newest first")
def alias_list(request: HttpRequest, filters: Query[PageParams]) -> dict[str, Any]:
    require(request, ALIAS_VIEW)
    return page_of(_aliases(request), filters)


@router.post(
    "/aliases",
    response={201: AliasOut, **OBJECT_WRITE},
    summary="Grant a customer an alias (404: no such customer in this workspace)",
)
def alias_grant_endpoint(request: HttpRequest, payload: AliasIn) -> Status[Alias]:
    require(request, ALIAS_GRANT)
    workspace = workspace_of(request)
    customer = scoped_get(Customer, workspace, payload.customer_id)
    try:
        alias = alias_grant(
            workspace=workspace,
            actor=actor_of(request),
            customer=customer,
            local_part=payload.local_part,
            reason=payload.reason,
        )
    except ForwardingError as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return Status(201, scoped_get(_aliases(request), workspace, alias.pk))


@router.post(
    "/aliases/{alias_id}/revoke",
    response={200: AliasOut, **OBJECT_WRITE},
    summary="Stop forwarding an alias",
)
def alias_revoke_endpoint(
    request: HttpRequest, alias_id: Path[QueryId], payload: RevokeIn
) -> Alias:
    require(request, ALIAS_REVOKE)
    alias = scoped_get(_aliases(request), workspace_of(request), alias_id)
    alias_revoke(alias=alias, actor=actor_of(request), reason=payload.reason)
    return alias


def _settings_out(request: HttpRequest) -> dict[str, Any]:
    workspace = workspace_of(request)
    row = settings_for(ForwardingSettings, workspace)
    domains = ForwardingDomain.objects.for_workspace(workspace).order_by("domain")
    return {
        "domains": list(domains.values_list("domain", flat=True)),
        "min_orders": row.min_orders,
        "rate_per_hour": row.rate_per_hour,
        "max_message_kb": row.max_message_kb,
    }


@router.get("/settings", response={200: ForwardingSettingsIO, **READ}, summary="Domains and rule")
def forwarding_settings_read(request: HttpRequest) -> dict[str, Any]:
    require(request, ALIAS_VIEW)
    return _settings_out(request)


@router.put(
    "/settings",
    response={200: ForwardingSettingsIO, **WRITE},
    summary="Set the domains, the grant rule and the limits (owners)",
)
def forwarding_settings_write(
    request: HttpRequest, payload: ForwardingSettingsIO
) -> dict[str, Any]:
    require(request, FORWARDING_SETTINGS_UPDATE)
    try:
        forwarding_settings_update(
            workspace=workspace_of(request), actor=actor_of(request), **payload.model_dump()
        )
    except ForwardingError as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return _settings_out(request)


keep_operation_ids(router, "clientela.api.routers.forwarding")
