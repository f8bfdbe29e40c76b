"""Gift certificates through the API: staff check and redeem with their token, under the
same guessing limits as the public page (which is where a customer checks a balance without
one). The ledger's totals per month and kind, and the compensation catalogue (managers
change it)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Path, Router, Schema, Status
from pydantic import ConfigDict, Field

from clientela.accounts.client import client_ip
from clientela.accounts.models import Workspace
from clientela.accounts.scoping import scoped_get
from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.errors import OBJECT_WRITE, READ, WRITE, ErrorOut, unprocessable
from clientela.api.openapi import keep_operation_ids
from clientela.api.schemas.base import drop_defaults
from clientela.api.types import Money10, NonEmpty, QueryId, Text200
from clientela.rewards.models import CatalogueItem, GiftCertificate, RedemptionChannel
from clientela.rewards.policy import CATALOGUE_UPDATE, CERTIFICATE_REDEEM, COMPENSATION_VIEW
from clientela.rewards.selectors import catalogue, ledger_totals
from clientela.rewards.services.catalogue import (
    CatalogueError,
    catalogue_item_create,
    catalogue_item_update,
)
from clientela.rewards.services.certificates import (
    CertificateNotFound,
    RedemptionRefused,
    TooManyGuesses,
    certificate_find,
    certificate_redeem,
)

router = Router(tags=["rewards"])
TOO_MANY = "Too many wrong codes from this address or for this shop: try again in an hour."


class CodeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        min_length=1, max_length=40, description="As printed: XXXXX-XXXXX-XXXXX-XXXXX"
    )


class RedeemIn(CodeIn):
    amount: Decimal = Field(gt=0, le=100000, decimal_places=2, description='e.g. "12.50"')


class CertificateOut(Schema):
    number: str
    balance: Decimal
    amount: Decimal
    currency: str
    expires_at: datetime
    expired: bool


class RedemptionOut(CertificateOut):
    redeemed: Decimal


class TotalOut(Schema):
    month: datetime | None
    kind: str
    currency: str
    count: int
    cost: Decimal


def _out(certificate: GiftCertificate) -> dict[str, Any]:
    return {
        "number": certificate.number,
        "balance": certificate.balance,
        "amount": certificate.amount,
        "currency": certificate.currency,
        "expires_at": certificate.expires_at,
        "expired": certificate.expired(),
    }


def _find(request: HttpRequest, workspace: Workspace, code: str, staff: bool) -> GiftCertificate:
    return certificate_find(workspace=workspace, code=code, ip=client_ip(request), staff=staff)


@router.post(
    "/certificates/check",
    response={200: CertificateOut, 429: ErrorOut, **OBJECT_WRITE},
    summary="A certificate's balance and expiry, by its code (agents and above)",
)
def certificate_check(request: HttpRequest, payload: CodeIn) -> Any:
    require(request, CERTIFICATE_REDEEM)
    try:
        return _out(_find(request, workspace_of(request), payload.code, True))
    except TooManyGuesses:
        return Status(429, {"detail": TOO_MANY})
    except CertificateNotFound:
        return Status(404, {"detail": "No certificate of this workspace has this code."})


@router.post(
    "/certificates/redeem",
    response={200: RedemptionOut, 429: ErrorOut, **OBJECT_WRITE},
    summary="Take an amount off a certificate (agents and above); partial amounts allowed",
)
def certificate_redeem_endpoint(request: HttpRequest, payload: RedeemIn) -> Any:
    require(request, CERTIFICATE_REDEEM)
    try:
        certificate = _find(request, workspace_of(request), payload.code, True)
        redemption = certificate_redeem(
            certificate=certificate,
            actor=actor_of(request),
            amount=payload.amount,
            channel=RedemptionChannel.API,
            ip=client_ip(request),
        )
    except TooManyGuesses:
        return Status(429, {"detail": TOO_MANY})
    except CertificateNotFound:
        return Status(404, {"detail": "No certificate of this workspace has this code."})
    except RedemptionRefused as exc:
        raise unprocessable("amount", exc.message) from exc
    certificate.refresh_from_db(fields=["balance"])
    return {**_out(certificate), "redeemed": redemption.amount}


@router.get("/totals", response={200: list[TotalOut], **READ}, summary="Given, per month and kind")
def totals(request: HttpRequest) -> Any:
    require(request, COMPENSATION_VIEW)
    return [t.__dict__ for t in ledger_totals(workspace_of(request))]


Kind = Literal["gift_certificate", "free_delivery", "small_gift", "reimbursement", "apology_letter"]


class CatalogueItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text200, NonEmpty] = Field(description="At most 120 characters; unique")
    kind: Kind
    default_cost: Money10


class CatalogueItemPatch(Schema):
    """Only the fields sent are changed; `active: false` retires the item, `true` offers it
    again."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=drop_defaults)

    name: Annotated[Text200, NonEmpty] = None  # type: ignore[assignment]
    kind: Kind = None  # type: ignore[assignment]
    default_cost: Money10 = None
    active: bool = None  # type: ignore[assignment]


class CatalogueItemOut(Schema):
    id: int
    name: str
    kind: str
    default_cost: Decimal
    active: bool


@router.get(
    "/catalogue",
    response={200: list[CatalogueItemOut], **READ},
    summary="The compensation catalogue, retired items included",
)
def catalogue_list(request: HttpRequest) -> Any:
    require(request, COMPENSATION_VIEW)
    return list(catalogue(workspace_of(request)))


@router.post(
    "/catalogue",
    response={201: CatalogueItemOut, **WRITE},
    summary="Add an item to the catalogue (managers)",
)
def catalogue_item_create_endpoint(request: HttpRequest, payload: CatalogueItemIn) -> Any:
    require(request, CATALOGUE_UPDATE)
    try:
        item = catalogue_item_create(
            workspace=workspace_of(request), actor=actor_of(request), **payload.model_dump()
        )
    except CatalogueError as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return Status(201, item)


@router.patch(
    "/catalogue/{item_id}",
    response={200: CatalogueItemOut, **OBJECT_WRITE},
    summary="Change, retire or offer again an item of the catalogue (managers)",
)
def catalogue_item_update_endpoint(
    request: HttpRequest, item_id: Path[QueryId], payload: CatalogueItemPatch
) -> Any:
    require(request, CATALOGUE_UPDATE)
    item = scoped_get(CatalogueItem, workspace_of(request), item_id)
    try:
        catalogue_item_update(
            item=item, actor=actor_of(request), **payload.model_dump(exclude_unset=True)
        )
    except CatalogueError as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return item


keep_operation_ids(router, "clientela.api.routers.rewards")
