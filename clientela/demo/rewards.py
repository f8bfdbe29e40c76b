"""The demo's rewards: the ledger a new user finds filled.

A gift certificate given for a late delivery whose case was resolved, already partly spent
at the counter; a parking reimbursement with the photo of its receipt (drawn here, a few
hundred bytes); and a small gift above the customer's budget, waiting for a manager. Each
goes through the services, so the timeline and the balances are the real ones.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from clientela.accounts.models import User, Workspace
from clientela.care.models import Case, CaseStatus
from clientela.care.services.cases import case_open
from clientela.customers.models import Customer
from clientela.rewards.models import (
    CatalogueItem,
    CompensationKind,
    CompensationStatus,
    RedemptionChannel,
)
from clientela.rewards.services.catalogue import catalogue_seed
from clientela.rewards.services.certificates import certificate_redeem
from clientela.rewards.services.compensations import (
    Given,
    compensation_approve,
    compensation_propose,
)


def receipt_picture() -> bytes:
    """A small PNG that looks like a parking receipt (ASCII: Pillow's default font)."""
    picture = Image.new("L", (180, 240), 250)
    pen = ImageDraw.Draw(picture)
    lines = ["PARCARE CENTRAL", "BON FISCAL", "", "Intrare 09:12", "Iesire 11:47", "", "TOTAL"]
    for row, line in enumerate(lines):
        pen.text((14, 14 + 20 * row), line, fill=30)
    pen.text((14, 14 + 20 * len(lines)), "12.00 RON", fill=0)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _item(workspace: Workspace, kind: CompensationKind) -> CatalogueItem:
    return CatalogueItem.objects.for_workspace(workspace).filter(kind=kind).order_by("pk").first()  # type: ignore[return-value]


def _resolved_case(
    workspace: Workspace, actor: User | None, customer: Customer, now: datetime
) -> Case:
    case = case_open(
        workspace=workspace,
        actor=actor,
        customer=customer,
        subject="Coletul a întârziat o săptămână",
        complaint="Comanda trebuia să ajungă luni și a ajuns abia lunea următoare.",
        category="delivery",
        opened_at=now - timedelta(days=12),
    )
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.RESOLVED,
        resolved_at=now - timedelta(days=10),
        closed_at=now - timedelta(days=10),
    )
    return case


def _given(given: Given) -> Given:
    """Approved by the system when it came above the customer's budget."""
    if given.compensation.status == CompensationStatus.PENDING:
        return compensation_approve(compensation=given.compensation, actor=None)
    return given


def demo_rewards_seed(
    *,
    workspace: Workspace,
    customers: list[Customer],
    actor: User | None,
    now: datetime | None = None,
) -> None:
    if len(customers) < 3:
        return
    now = now or timezone.now()
    catalogue_seed(workspace=workspace)
    late, parking, pending = customers[:3]
    case = _resolved_case(workspace, actor, late, now)
    gift = _given(
        compensation_propose(
            customer=late,
            actor=actor,
            item=_item(workspace, CompensationKind.GIFT_CERTIFICATE),
            cost=Decimal("50.00"),
            case=case,
            note="Pentru întârzierea livrării",
        )
    )
    assert gift.certificate is not None
    certificate_redeem(
        certificate=gift.certificate,
        actor=actor,
        amount=Decimal("18.50"),
        channel=RedemptionChannel.COUNTER,
    )
    _given(
        compensation_propose(
            customer=parking,
            actor=actor,
            item=_item(workspace, CompensationKind.REIMBURSEMENT),
            cost=Decimal("12.00"),
            note="Parcarea plătită la ridicarea coletului",
            receipt=SimpleUploadedFile("bon.png", receipt_picture(), content_type="image/png"),
        )
    )
    # Far above any customer's budget (the cap is 500): it waits for a manager.
    compensation_propose(
        customer=pending,
        actor=actor,
        item=_item(workspace, CompensationKind.SMALL_GIFT),
        cost=Decimal("650.00"),
        note="Set de cadou pentru un client vechi, după trei livrări greșite",
    )
