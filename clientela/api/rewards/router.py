"""Gift certificates through the API: staff check and redeem with their token, under the
same guessing limits as the public page (which is where a customer checks a balance without
one). The ledger's totals per month and kind, and the compensation catalogue (managers
change it)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from clientela.accounts.client import client_ip
from clientela.accounts.models import Workspace
from clientela.accounts.scoping import scoped_get
from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.errors import OBJECT_WRITE, READ, WRITE, ErrorOut, unprocessable
from clientela.api.openapi import keep_operation_ids
from clientela.api.schemas.base import drop_defaults
from clientela.api.types import Id, Money, Money10, NonEmpty, QueryId, Text200
from clientela.care.models import Case
from clientela.care.policy import CARE_REPORT_VIEW
from clientela.customers.models import Customer
from clientela.rewards.models import CatalogueItem, GiftCertificate, RedemptionChannel
from clientela.rewards.policy import (
    CATALOGUE_UPDATE,
    CERTIFICATE_REDEEM,
    COMPENSATION_PROPOSE,
    COMPENSATION_VIEW,
)
from clientela.rewards.returns import (
    DEFAULT_DAYS,
    EARLIEST,
    LATEST,
    ReturnRow,
    compensation_return,
)
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
from clientela.rewards.services.compensations import CompensationError, compensation_propose

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


class CompensationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    item_id: Id
    cost: Money
    case_id: Id | None = Field(
        default=None, description="The complaint case it answers; its client is the customer."
    )
    customer_id: Id | None = Field(default=None, description="Needed when no case_id is given.")
    note: Text200 = ""


class CompensationOut(Schema):
    id: int
    customer_id: int
    case_id: int | None
    item_id: int
    kind: str
    cost: Decimal
    currency: str
    budget: Decimal
    status: str
    certificate: str | None = Field(description="The gift certificate's number, when one was given")
    code: str | None = Field(description="Its code: shown this once, never stored")


def _scoped(model: Any, request: HttpRequest, pk: int | None, field: str) -> Any:
    found = model.objects.for_workspace(workspace_of(request)).filter(pk=pk).first()
    if found is None:
        raise unprocessable(field, "Not found in this workspace.")
    return found


@router.post(
    "/compensations",
    response={201: CompensationOut, **WRITE},
    summary="Propose a compensation for a case or a customer; given at once within the budget",
)
def compensation_create(request: HttpRequest, payload: CompensationIn) -> Any:
    require(request, COMPENSATION_PROPOSE)
    case = _scoped(Case, request, payload.case_id, "case_id") if payload.case_id else None
    if case is None and payload.customer_id is None:
        raise unprocessable("customer_id", "Give the case_id or the customer_id.")
    customer = _scoped(
        Customer,
        request,
        payload.customer_id or (case.customer_id if case else None),
        "customer_id",
    )
    item = _scoped(CatalogueItem, request, payload.item_id, "item_id")
    try:
        given = compensation_propose(
            customer=customer,
            actor=actor_of(request),
            item=item,
            cost=payload.cost,
            case=case,
            note=payload.note,
        )
    except CompensationError as exc:
        raise unprocessable(exc.field, exc.message) from exc
    c = given.compensation
    out = {
        **{k: getattr(c, k) for k in ("customer_id", "case_id", "item_id", "kind", "cost")},
        **{k: getattr(c, k) for k in ("currency", "budget", "status")},
        "id": c.pk,
        "certificate": given.certificate.number if given.certificate else None,
        "code": given.code,
    }
    return Status(201, out)


class ReturnFilters(Schema):
    model_config = ConfigDict(extra="forbid")

    start: date = Field(ge=EARLIEST, le=LATEST)
    end: date = Field(ge=EARLIEST, le=LATEST)
    days: int = Field(default=DEFAULT_DAYS, ge=1, le=730)


class GroupOut(Schema):
    cases: int
    cost: Decimal
    returned: int = Field(description="Cases whose client ordered again within `days`")
    value: Decimal = Field(description="The total of those orders")


class ReturnRowOut(Schema):
    key: str
    label: str
    compensated: GroupOut
    uncompensated: GroupOut = Field(description="Given nothing, of the same category and severity")
    enough: bool = Field(description="At least 20 cases in each group")
    difference: float | None = Field(description="Percentage points; null unless enough")


class ReturnOut(Schema):
    start: date
    end: date
    days: int
    too_recent: int = Field(description="Closed less than `days` ago: left out")
    total: ReturnRowOut
    by_category: list[ReturnRowOut]
    by_agent: list[ReturnRowOut]


def _row_out(row: ReturnRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "label": row.label,
        "compensated": row.compensated.__dict__,
        "uncompensated": row.uncompensated.__dict__,
        "enough": row.enough,
        "difference": row.difference,
    }


@router.get(
    "/return",
    response={200: ReturnOut, **READ},
    summary="Compensation cost against the orders that followed, beside comparable cases",
)
def return_report(request: HttpRequest, filters: Query[ReturnFilters]) -> Any:
    require(request, CARE_REPORT_VIEW)
    if filters.start > filters.end:
        raise unprocessable("end", "The end comes after the start.", source="query")
    report = compensation_return(
        workspace_of(request), start=filters.start, end=filters.end, days=filters.days
    )
    return {
        "start": report.start,
        "end": report.end,
        "days": report.days,
        "too_recent": report.too_recent,
        "total": _row_out(report.total),
        "by_category": [_row_out(r) for r in report.by_category],
        "by_agent": [_row_out(r) for r in report.by_agent],
    }


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
