"""A customer's rights through the API: everything held about them as a zip, erasure on
request, and the workspace's retention period."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Path, Router, Schema
from pydantic import ConfigDict, Field

from clientela.accounts.scoping import scoped_get, settings_for
from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.errors import OBJECT_READ, OBJECT_WRITE, READ, WRITE, unprocessable
from clientela.api.openapi import keep_operation_ids
from clientela.api.types import QueryId
from clientela.customers.models import Customer
from clientela.privacy.export import customer_data_export, export_name
from clientela.privacy.models import RETENTION_DAYS_MAX, RETENTION_DAYS_MIN, PrivacySettings
from clientela.privacy.policy import (
    CUSTOMER_DATA_EXPORT,
    CUSTOMER_ERASE,
    PRIVACY_SETTINGS_UPDATE,
)
from clientela.privacy.services import PrivacyError, customer_erase, privacy_settings_update

router = Router(tags=["privacy"])

ZIP_RESPONSE: dict[str, Any] = {
    "responses": {
        "200": {
            "description": "A zip: customer.json with every section, and one CSV per section "
            "(profile, addresses, tags, consents, orders, order_lines, timeline, mail, "
            "subscriptions, letters, scores).",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class ErasedOut(Schema):
    customer_id: int
    erased_at: datetime
    orders_kept: int


class PrivacySettingsOut(Schema):
    retention_days: int | None = Field(
        description="Days of silence after which a customer's personal data are erased; "
        "null: never."
    )


class PrivacySettingsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    retention_days: int | None = Field(ge=RETENTION_DAYS_MIN, le=RETENTION_DAYS_MAX, strict=True)


def _customer(request: HttpRequest, customer_id: int) -> Customer:
    return scoped_get(Customer, workspace_of(request), customer_id)


@router.get(
    "/customers/{customer_id}/data.zip",
    response=OBJECT_READ,
    openapi_extra=ZIP_RESPONSE,
    summary="Everything held about a customer, as a zip (managers and owners)",
)
def customer_data(request: HttpRequest, customer_id: Path[QueryId]) -> HttpResponse:
    require(request, CUSTOMER_DATA_EXPORT)
    customer = _customer(request, customer_id)
    content = customer_data_export(customer=customer, actor=actor_of(request))
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export_name(customer)}"'
    return response


@router.post(
    "/customers/{customer_id}/erase",
    response={200: ErasedOut, **OBJECT_WRITE},
    summary="Erase a customer's personal data; their orders stay, anonymised",
)
def customer_erase_endpoint(request: HttpRequest, customer_id: Path[QueryId]) -> dict[str, Any]:
    require(request, CUSTOMER_ERASE)
    customer = _customer(request, customer_id)
    try:
        kept = customer_erase(customer=customer, actor=actor_of(request))
    except PrivacyError as exc:
        raise unprocessable("customer_id", exc.message, source="path") from exc
    customer.refresh_from_db(fields=["erased_at"])
    return {"customer_id": customer.pk, "erased_at": customer.erased_at, "orders_kept": kept}


@router.get("/settings", response={200: PrivacySettingsOut, **READ}, summary="The retention period")
def privacy_settings_read(request: HttpRequest) -> PrivacySettings:
    return settings_for(PrivacySettings, workspace_of(request))


@router.put(
    "/settings",
    response={200: PrivacySettingsOut, **WRITE},
    summary="Set the retention period (owners)",
)
def privacy_settings_write(request: HttpRequest, payload: PrivacySettingsIn) -> PrivacySettings:
    require(request, PRIVACY_SETTINGS_UPDATE)
    try:
        return privacy_settings_update(
            workspace=workspace_of(request),
            actor=actor_of(request),
            retention_days=payload.retention_days,
        )
    except PrivacyError as exc:
        raise unprocessable(exc.field, exc.message) from exc


keep_operation_ids(router, "clientela.api.routers.privacy")
