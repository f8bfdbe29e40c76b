"""Forwarding: the workspace's mail domains and rule, and one alias per regular customer."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.accounts.scoping import WorkspaceScoped, WorkspaceSettings

MIN_ORDERS_MAX = 1000
RATE_MAX = 10_000
SIZE_KB_MIN = 10
SIZE_KB_MAX = 25 * 1024


class ForwardingSettings(WorkspaceSettings):
    """Read through `settings_for`; without a row nothing is granted by rule."""

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="forwarding_settings"
    )
    # None: no grants by rule. Otherwise a customer with this many orders (not cancelled)
    # and an e-mail address gets an alias from the hourly job.
    min_orders = models.PositiveIntegerField(null=True, blank=True)
    # Per alias: messages forwarded per hour, and the largest message taken.
    rate_per_hour = models.PositiveIntegerField(default=60)
    max_message_kb = models.PositiveIntegerField(default=10 * 1024)


class ForwardingDomain(WorkspaceScoped):
    """A mail domain whose MX points at our forwarding service; one workspace per domain."""

    domain = models.CharField(max_length=253, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.domain


class AliasStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")
    OPTED_OUT = "opted_out", _("Opted out by the customer")


class GrantedBy(models.TextChoices):
    RULE = "rule", _("By rule")
    HAND = "hand", _("By hand")


class Alias(WorkspaceScoped):
    # RESTRICT, not PROTECT: a domain with aliases cannot be deleted by itself, but a
    # workspace's deletion takes its domains and aliases together.
    domain = models.ForeignKey(ForwardingDomain, on_delete=models.RESTRICT, related_name="aliases")
    local_part = models.CharField(max_length=64)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="forwarding_aliases"
    )
    status = models.CharField(
        max_length=10, choices=AliasStatus.choices, default=AliasStatus.ACTIVE
    )
    granted_by = models.CharField(max_length=4, choices=GrantedBy.choices)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)
    # The rate limit's window: its start and the messages taken in it (conditional UPDATE).
    window_start = models.DateTimeField(default=timezone.now)
    window_count = models.PositiveIntegerField(default=0)
    forwarded_count = models.PositiveIntegerField(default=0)
    last_forwarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["domain", "local_part"], name="alias_address_unique"),
            # One alias per customer: a lifetime address, revoked and granted again in place.
            models.UniqueConstraint(fields=["workspace", "customer"], name="alias_customer_unique"),
        ]
        indexes = [models.Index(fields=["workspace", "status", "-id"], name="alias_ws_status")]

    def __str__(self) -> str:
        return self.address

    @property
    def address(self) -> str:
        return f"{self.local_part}@{self.domain.domain}"
