"""The outbox and what guards it: suppression, per-workspace settings, the install's identity.

One outbox row is one message to one recipient. The row is the source of truth for delivery:
tasks only wake workers early, workers also poll. Every row carries a `dedup_key` unique within
its workspace, so deciding twice to send the same letter inserts nothing the second time.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.accounts.scoping import WorkspaceScoped, WorkspaceSettings


class OutboxKind(models.TextChoices):
    TRANSACTIONAL = "transactional", _("Transactional")
    MARKETING = "marketing", _("Marketing")


# Lower goes first: a thank-you or a receipt must not wait behind a 100,000-recipient campaign.
PRIORITY = {OutboxKind.TRANSACTIONAL: 0, OutboxKind.MARKETING: 10}


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")
    SUPPRESSED = "suppressed", _("Suppressed")
    CANCELLED = "cancelled", _("Cancelled")


class Outbox(WorkspaceScoped):
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_address = models.CharField(max_length=254)
    to_name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=2, default="ro")
    kind = models.CharField(max_length=15, choices=OutboxKind.choices)
    priority = models.SmallIntegerField(default=0)
    # What decided to send it, without a foreign key: ("campaign", 12), ("thank_you", order id).
    source_type = models.CharField(max_length=40)
    source_id = models.BigIntegerField(null=True, blank=True)
    dedup_key = models.CharField(max_length=300)
    subject = models.CharField(max_length=998)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # Only headers we set ourselves (e.g. X-Clientela-Campaign); never customer-supplied names.
    headers = models.JSONField(default=dict, blank=True)
    # A message sent as it came (forwarding): these bytes go out instead of a built message,
    # with `envelope_sender` (SRS, or "" for a forwarded bounce) instead of our VERP address.
    raw_message = models.BinaryField(null=True, blank=True, editable=False)
    envelope_sender = models.CharField(max_length=254, null=True, blank=True)
    # Chosen once at creation so that a retry after a crash carries the same Message-ID.
    message_id = models.CharField(max_length=250, unique=True)
    not_before = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    attempts = models.IntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=100, blank=True)
    # Set by the sender, under its lease, just before it hands the row to the relay: from then
    # on a pause or a cancel no longer takes the row back (it is leaving); until then they do,
    # and the sender, finding the row no longer its own, skips it.
    in_flight = models.BooleanField(default=False)
    # When the row may next be claimed: not_before at first, then the back-off after a 4xx.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_smtp_code = models.IntegerField(null=True, blank=True)
    last_smtp_reply = models.TextField(blank=True)
    # When the last reply was recorded: the time a failed message shows.
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "dedup_key"], name="outbox_dedup_unique"),
        ]
        indexes = [
            # The claim: queued rows that are due, transactional first.
            models.Index(
                fields=["priority", "next_attempt_at", "id"],
                condition=Q(status="queued"),
                name="outbox_claim_queued",
            ),
            # The claim's second half: rows whose worker died, once the lease has run out.
            models.Index(
                fields=["lease_until"], condition=Q(status="sending"), name="outbox_claim_expired"
            ),
            models.Index(fields=["workspace", "status", "-id"], name="outbox_ws_status"),
            models.Index(fields=["workspace", "source_type", "source_id"], name="outbox_source"),
        ]

    def __str__(self) -> str:
        return f"{self.to_address}: {self.subject[:40]}"


class SuppressionReason(models.TextChoices):
    UNSUBSCRIBE = "unsubscribe", _("Unsubscribed")
    HARD_BOUNCE = "hard_bounce", _("Hard bounce")
    COMPLAINT = "complaint", _("Spam complaint")
    MANUAL = "manual", _("Added by hand")


class SuppressedAddress(WorkspaceScoped):
    """An address we never send to again from this workspace (checked before every send)."""

    address = models.CharField(max_length=254)
    reason = models.CharField(max_length=15, choices=SuppressionReason.choices)
    # What caused it: "outbox:123", "unsubscribe:campaign:12", a user's e-mail.
    source = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "address"], name="suppressed_unique"),
        ]

    def __str__(self) -> str:
        return self.address


class PauseReason(models.TextChoices):
    MANUAL = "manual", _("Paused by hand")
    RESTORE = "restore", _("A restored backup was detected")


class DeliverySettings(WorkspaceSettings):
    """A workspace's sending switches; a workspace without a row uses the defaults (read
    through `settings_for`)."""

    # The one-row rule, under the name the table has always had.
    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="delivery_settings"
    )
    sending_paused = models.BooleanField(default=False)
    # Why and since when sending is paused; blank while it is not.
    pause_reason = models.CharField(max_length=10, choices=PauseReason.choices, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    from_email = models.CharField(max_length=254, blank=True)
    from_name = models.CharField(max_length=100, blank=True)
    thank_you_enabled = models.BooleanField(default=True)
    thank_you_delay_days = models.PositiveSmallIntegerField(default=7)


class DeliveryInstance(models.Model):
    """One row (pk=1): the install's identity and its global sending switch.

    `instance_id` is also written to a file in DATA_DIR. A restored backup brings the row
    but not the file (or the other way round), so a worker that finds them different pauses
    every workspace's sending instead of mailing every customer a second time. `paused`
    stops the whole install; `outbox_send --resume-after-restore` clears it.
    """

    instance_id = models.CharField(max_length=64)
    paused = models.BooleanField(default=False)
    paused_reason = models.TextField(blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)


class RelayBucket(models.Model):
    """One row (pk=1): the token bucket of the relay's rate limit, shared by every sender.

    Each take is a conditional UPDATE on `version`, so senders and flush tasks on any
    number of machines together stay within CLIENTELA_RELAY_RATE.
    """

    tokens = models.FloatField()
    refilled_at = models.FloatField()  # Unix time of the last take, from the taker's clock
    version = models.BigIntegerField(default=0)


class SuppressedDigest(WorkspaceScoped):
    """An address erased on a customer's request, kept only as its keyed digest
    (`clientela.mail.digest.address_digest`): never written to again from this workspace,
    and never readable back. Checked with the suppression list, before every send."""

    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "digest"], name="suppressed_digest_unique"
            ),
        ]


class Branding(WorkspaceSettings):
    """How the workspace's mail looks: the logo, two colours and the postal address in the
    footer (read through `clientela.mail.branding.branding_for`).

    The logo is kept in the database, re-encoded by us (`branding.logo_clean`), so a backup
    holds it and the bytes served are never the bytes uploaded. `public_token` names it in
    the stable, unguessable address mail clients load it from (/brand/<token>/logo.png).
    """

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="branding"
    )
    public_token = models.CharField(max_length=43, unique=True)
    logo = models.BinaryField(blank=True, default=b"")
    logo_width = models.PositiveSmallIntegerField(default=0)
    logo_height = models.PositiveSmallIntegerField(default=0)
    # The first 12 hex digits of the logo's SHA-256: a new logo gets a new URL query, so the
    # clients' caches do not keep showing the old one.
    logo_version = models.CharField(max_length=12, blank=True)
    # The header band and the buttons; their text is white or near-black, whichever reads better.
    brand_color = models.CharField(max_length=7, default="#1f4e79")
    # Links and headings on the white page: must reach 4.5:1 against white (WCAG 2.x).
    link_color = models.CharField(max_length=7, default="#1a5fb4")
    postal_address = models.TextField(max_length=400, blank=True)
