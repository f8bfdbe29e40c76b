"""Proposing, approving and rejecting compensations: the ledger's writes.

Within the customer's budget (selectors.budget_for) a proposal is given at once; above it,
it waits for a manager, unless the one proposing is a manager. A gift certificate is issued
when its compensation is given, and its code handed back once to whoever caused that.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from clientela.accounts.models import Membership, User
from clientela.accounts.policy import allows, permit
from clientela.care.models import Case
from clientela.customers.models import Customer
from clientela.rewards.models import (
    CatalogueItem,
    Compensation,
    CompensationKind,
    CompensationStatus,
    GiftCertificate,
)
from clientela.rewards.policy import COMPENSATION_APPROVE, COMPENSATION_PROPOSE
from clientela.rewards.selectors import budget_for
from clientela.rewards.services.certificates import certificate_issue
from clientela.timeline.services import event_record

MAX_COST = Decimal("100000")
RECEIPT_MAX_BYTES = 5 * 1024 * 1024
# Photos of a receipt: the types a phone's camera or a scanner makes. Checked by the file's
# first bytes, not by its name or the type the browser claims.
RECEIPT_SIGNATURES = {
    b"\xff\xd8\xff": "jpg",
    b"\x89PNG\r\n\x1a\n": "png",
    b"%PDF-": "pdf",
}
RECEIPT_CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
# A phone's photo is ~12 megapixels; far more is a decompression bomb, not a receipt.
RECEIPT_MAX_PIXELS = 50_000_000


def receipt_type(head: bytes) -> str | None:
    """ "jpg", "png" or "pdf" from a file's first bytes; None for anything else."""
    return next((ext for sig, ext in RECEIPT_SIGNATURES.items() if head.startswith(sig)), None)


def _image_whole(receipt: UploadedFile[bytes]) -> bool:
    """Whether Pillow reads the photo as the image its first bytes announce: a file that
    only starts like a PNG (a page or a script behind eight bytes) is refused."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(receipt) as picture:
                if picture.width * picture.height > RECEIPT_MAX_PIXELS:
                    return False
                picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning):
        return False
    finally:
        receipt.seek(0)
    return True


class CompensationError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class Given:
    """A compensation and, when it gave a certificate, that certificate's code (shown once)."""

    compensation: Compensation
    certificate: GiftCertificate | None = None
    code: str | None = None


def _receipt_check(receipt: UploadedFile[bytes] | None, kind: str) -> None:
    if kind == CompensationKind.REIMBURSEMENT and receipt is None:
        raise CompensationError("receipt", _("A reimbursement needs a photo of the receipt."))
    if receipt is None:
        return
    if receipt.size is None or receipt.size > RECEIPT_MAX_BYTES:
        raise CompensationError("receipt", _("The receipt may be at most 5 MB."))
    head = receipt.read(8)
    receipt.seek(0)
    ext = receipt_type(head)
    if ext is None or (ext != "pdf" and not _image_whole(receipt)):
        raise CompensationError("receipt", _("The receipt must be a JPEG, PNG or PDF file."))
    receipt.name = f"receipt.{ext}"


def _is_manager(actor: User | None, customer: Customer) -> bool:
    if actor is None:
        return False
    membership = Membership.objects.filter(workspace=customer.workspace, user=actor).first()
    return allows(membership, COMPENSATION_APPROVE)


@transaction.atomic
def compensation_propose(
    *,
    customer: Customer,
    actor: User | None,
    item: CatalogueItem,
    cost: Decimal,
    case: Case | None = None,
    case_ref: str = "",
    note: str = "",
    receipt: UploadedFile[bytes] | None = None,
) -> Given:
    """Propose `item` at `cost` to the customer, for their complaint `case` if given."""
    workspace = customer.workspace
    permit(actor=actor, workspace=workspace, rule=COMPENSATION_PROPOSE)
    if case is not None and case.workspace_id != workspace.pk:
        raise CompensationError("case", _("No such case in this workspace."))
    if case is not None and case.customer_id != customer.pk:
        raise CompensationError("case", _("This case is another customer's complaint."))
    if item.workspace_id != workspace.pk or not item.active:
        raise CompensationError("item", _("Choose an item of the catalogue."))
    if cost < 0 or cost > MAX_COST:
        raise CompensationError("cost", _("The cost must be between 0 and 100,000."))
    if item.kind == CompensationKind.GIFT_CERTIFICATE and cost <= 0:
        raise CompensationError("cost", _("A gift certificate needs an amount."))
    _receipt_check(receipt, item.kind)
    budget = budget_for(customer)
    compensation = Compensation(
        workspace=workspace,
        customer=customer,
        item=item,
        kind=item.kind,
        cost=cost,
        currency=workspace.currency,
        budget=budget.amount,
        value_basis=budget.basis,
        customer_value=budget.value,
        status=CompensationStatus.PENDING,
        case=case,
        case_ref=case_ref[:60],
        note=note[:500],
        proposed_by=actor,
    )
    if receipt is not None:
        compensation.receipt = receipt
    compensation.save()
    event_record(
        workspace=workspace,
        actor=actor,
        kind="compensation.proposed",
        subject=compensation,
        customer=customer,
        new={
            "item": item.name,
            "cost": cost,
            "budget": budget.amount,
            "case": case.pk if case is not None else None,
            "case_ref": case_ref,
        },
    )
    if cost <= budget.amount or _is_manager(actor, customer):
        return _give(compensation, actor)
    return Given(compensation)


def _give(compensation: Compensation, actor: User | None) -> Given:
    compensation.status = CompensationStatus.GIVEN
    compensation.decided_by, compensation.decided_at = actor, timezone.now()
    compensation.save(update_fields=["status", "decided_by", "decided_at"])
    event_record(
        workspace=compensation.workspace,
        actor=actor,
        kind="compensation.approved",
        subject=compensation,
        customer=compensation.customer,
        old={"status": CompensationStatus.PENDING},
        new={"status": CompensationStatus.GIVEN, "cost": compensation.cost},
    )
    if compensation.kind != CompensationKind.GIFT_CERTIFICATE:
        return Given(compensation)
    certificate, code = certificate_issue(compensation=compensation, actor=actor)
    return Given(compensation, certificate, code)


def _pending(compensation: Compensation) -> None:
    if compensation.status != CompensationStatus.PENDING:
        raise CompensationError("status", _("This compensation was already decided."))


@transaction.atomic
def compensation_approve(*, compensation: Compensation, actor: User | None) -> Given:
    permit(actor=actor, workspace=compensation.workspace, rule=COMPENSATION_APPROVE)
    # Claimed with a conditional UPDATE, so two managers approving at once give it once.
    claimed = Compensation.objects.filter(
        pk=compensation.pk, status=CompensationStatus.PENDING
    ).update(decided_at=timezone.now())
    if not claimed:
        raise CompensationError("status", _("This compensation was already decided."))
    return _give(compensation, actor)


@transaction.atomic
def compensation_reject(*, compensation: Compensation, actor: User | None, reason: str) -> None:
    permit(actor=actor, workspace=compensation.workspace, rule=COMPENSATION_APPROVE)
    _pending(compensation)
    changed = Compensation.objects.filter(
        pk=compensation.pk, status=CompensationStatus.PENDING
    ).update(status=CompensationStatus.REJECTED, decided_by=actor, decided_at=timezone.now())
    if not changed:
        raise CompensationError("status", _("This compensation was already decided."))
    compensation.refresh_from_db()
    event_record(
        workspace=compensation.workspace,
        actor=actor,
        kind="compensation.rejected",
        subject=compensation,
        customer=compensation.customer,
        old={"status": CompensationStatus.PENDING},
        new={"status": CompensationStatus.REJECTED, "reason": reason[:500]},
    )
