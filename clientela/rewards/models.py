"""The catalogue, the ledger of compensations, gift certificates and their redemptions.

A certificate's code is never stored: only its HMAC (`codes.code_digest`), so a copy of the
database cannot be spent. Its balance can never go below zero nor above the amount issued
(CHECK constraints), and a redemption takes its amount off with one conditional UPDATE.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.accounts.scoping import WorkspaceScoped


class CompensationKind(models.TextChoices):
    GIFT_CERTIFICATE = "gift_certificate", _("Gift certificate")
    FREE_DELIVERY = "free_delivery", _("Free delivery or pickup")
    SMALL_GIFT = "small_gift", _("Small gift")
    REIMBURSEMENT = "reimbursement", _("Reimbursement of delivery, travel or parking costs")
    APOLOGY_LETTER = "apology_letter", _("A sincere apology letter")


class CatalogueItem(WorkspaceScoped):
    """One thing the shop offers as a compensation, with the cost it usually has."""

    kind = models.CharField(_("kind"), max_length=20, choices=CompensationKind.choices)
    name = models.CharField(_("name"), max_length=120)
    default_cost = models.DecimalField(_("usual cost"), max_digits=10, decimal_places=2)
    active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="catalogue_item_name"),
            models.CheckConstraint(
                condition=Q(default_cost__gte=0), name="catalogue_item_cost_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CompensationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a manager")
    GIVEN = "given", _("Given")
    REJECTED = "rejected", _("Rejected")


def receipt_path(instance: Compensation, filename: str) -> str:
    # The name is ours, never the uploader's: it is random and keeps only a safe extension.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"rewards/{instance.workspace_id}/receipts/{secrets.token_hex(16)}.{suffix[:5]}"


class Compensation(WorkspaceScoped):
    """One line of the ledger: what was (or is proposed to be) given to whom, at what cost."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.RESTRICT, related_name="compensations"
    )
    item = models.ForeignKey(CatalogueItem, on_delete=models.RESTRICT, related_name="+")
    kind = models.CharField(max_length=20, choices=CompensationKind.choices)
    cost = models.DecimalField(_("cost"), max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    # The budget when proposed, and what it was worked out from (see selectors.budget_for).
    budget = models.DecimalField(max_digits=10, decimal_places=2)
    value_basis = models.CharField(max_length=10)
    customer_value = models.DecimalField(max_digits=14, decimal_places=2)
    status = models.CharField(max_length=10, choices=CompensationStatus.choices)
    # The complaint case it answers. RESTRICT: the ledger is the record of money given, and a
    # line must not quietly lose the case that justified it; no service deletes a case, and a
    # workspace's deletion takes both together (which RESTRICT, unlike PROTECT, allows).
    case = models.ForeignKey(
        "care.Case", null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    # A legacy free-text note: references given before the link existed that were not the
    # number of one of the customer's cases (a phone ticket, a shop's own numbering).
    case_ref = models.CharField(_("case reference"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    receipt = models.FileField(_("receipt photo"), upload_to=receipt_path, blank=True)
    proposed_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="compensation_cost_non_negative"),
        ]
        indexes = [
            models.Index(fields=["workspace", "-created_at"], name="compensation_ws_created")
        ]

    @property
    def over_budget(self) -> bool:
        return self.cost > self.budget


class GiftCertificate(WorkspaceScoped):
    code_digest = models.CharField(max_length=64, unique=True)
    compensation = models.OneToOneField(
        Compensation, null=True, blank=True, on_delete=models.RESTRICT, related_name="certificate"
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    balance = models.DecimalField(_("balance"), max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    language = models.CharField(max_length=2, default="ro")
    issued_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="certificate_balance_gte_0"),
            models.CheckConstraint(
                condition=Q(balance__lte=F("amount")), name="certificate_balance_lte_amount"
            ),
        ]

    @property
    def number(self) -> str:
        """What staff and customers call it by: not the code, which is secret."""
        return f"GC-{self.pk:06d}"

    def expired(self, now: object = None) -> bool:
        return self.expires_at <= (now or timezone.now())  # type: ignore[operator]


class RedemptionChannel(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    PUBLIC = "public", _("Public page")
    API = "api", _("API")


class Redemption(WorkspaceScoped):
    """One use of a certificate; their amounts add up to what left its balance."""

    certificate = models.ForeignKey(
        GiftCertificate, on_delete=models.RESTRICT, related_name="redemptions"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    channel = models.CharField(max_length=10, choices=RedemptionChannel.choices)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="redemption_amount_positive"),
        ]


class BadGuess(models.Model):
    """A code that matched no certificate: counted per IP and per workspace for the limits."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["ip", "at"], name="bad_guess_ip_at"),
            models.Index(fields=["workspace", "at"], name="bad_guess_ws_at"),
        ]
