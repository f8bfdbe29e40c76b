"""Gift certificates through the API: staff check and redeem with their token, under the
same guessing limits as the public page (which is where a customer checks a balance without
one). And the ledger's totals per month and kind."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from clientela.accounts.client import client_ip
from clientela.accounts.models import Workspace
from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.errors import OBJECT_WRITE, READ, ErrorOut, unprocessable
from clientela.api.openapi import keep_operation_ids
from clientela.rewards.models import GiftCertificate, RedemptionChannel
from clientela.rewards.policy import CERTIFICATE_REDEEM, COMPENSATION_VIEW
from clientela.rewards.selectors import ledger_totals
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


keep_operation_ids(router, "clientela.api.routers.rewards")
