"""Outreach's tables: templates, automations' settings, handwritten letters, campaigns, lists.

Nothing here sends mail: every message becomes an `Outbox` row (see `clientela.mail`), and the
content models keep what was decided (who was in the holdout, which letter to write by hand).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.accounts.models import Language
from clientela.accounts.scoping import WorkspaceScoped, WorkspaceSettings

__all__ = [
    "Automation",
    "AutomationRecipient",
    "AutomationSettings",
    "Campaign",
    "CampaignAction",
    "CampaignKind",
    "CampaignRecipient",
    "CampaignStatus",
    "CampaignVersion",
    "ContentImage",
    "Group",
    "HandwrittenLetter",
    "LetterStatus",
    "MailingList",
    "MessageTemplate",
    "Subscription",
    "SubscriptionStatus",
    "TemplatePurpose",
]


class TemplatePurpose(models.TextChoices):
    THANK_YOU = "thank_you", _("Thank-you letter")
    WIN_BACK = "win_back", _("Win-back")
    CAMPAIGN = "campaign", _("Campaign")
    CONFIRMATION = "confirmation", _("Subscription confirmation")
    LETTER = "letter", _("Handwritten letter")


class MessageTemplate(WorkspaceScoped):
    """An editable e-mail: Django template syntax over the context documented in
    `clientela.outreach.rendering`; validated by rendering before every save."""

    name = models.CharField(_("name"), max_length=120)
    purpose = models.CharField(_("purpose"), max_length=15, choices=TemplatePurpose.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "purpose", "language", "name"], name="template_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AutomationSettings(WorkspaceSettings):
    """Thresholds of the automations; `DeliverySettings` keeps the thank-you switch and delay.
    Read through `settings_for`, which gives the defaults to a workspace that never saved any."""

    # The one-row rule, under the name the table has always had.
    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="automation_settings"
    )
    handwritten_threshold = models.PositiveIntegerField(default=30)
    thank_you_holdout_percent = models.PositiveSmallIntegerField(default=10)
    win_back_enabled = models.BooleanField(default=False)
    win_back_p_alive = models.FloatField(default=0.3)
    win_back_overdue_factor = models.FloatField(default=2.0)
    win_back_cooldown_days = models.PositiveIntegerField(default=90)
    win_back_holdout_percent = models.PositiveSmallIntegerField(default=10)
    # Orders within this many days of a message count as its outcome; the uplift report of a
    # campaign waits until they have passed, and an automation's counts only decisions that old.
    uplift_days = models.PositiveSmallIntegerField(default=30)


class Automation(models.TextChoices):
    THANK_YOU = "thank_you", _("Thank-you letters")
    WIN_BACK = "win_back", _("Win-back")


class Group(models.TextChoices):
    SENT = "sent", _("Sent")
    HOLDOUT = "holdout", _("Holdout")


class AutomationRecipient(WorkspaceScoped):
    """Who an automation decided about, and whether they got the message or were held out.

    `key` is the decision's identity ("thank_you:<order>", "win_back:<customer>:<period>").
    """

    automation = models.CharField(max_length=10, choices=Automation.choices)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    group = models.CharField(max_length=7, choices=Group.choices)
    outbox_id = models.BigIntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    # Thank-you letters: "letter" or "email", decided when the order was placed (for the
    # holdout, the route the order would have taken), and why (`letters.RouteReason`).
    route = models.CharField(max_length=6, blank=True)
    reason = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="automation_recipient_key")
        ]
        indexes = [
            models.Index(
                fields=["workspace", "automation", "customer", "-decided_at"],
                name="automation_recipient_cust",
            )
        ]


class LetterStatus(models.TextChoices):
    TO_WRITE = "to_write", _("To write")
    DONE = "done", _("Done")


class HandwrittenLetter(WorkspaceScoped):
    """A thank-you letter to write by hand instead of e-mailing it."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(
        "commerce.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The cancelled outbox row the letter replaces (cancelled because "handwritten").
    outbox_id = models.BigIntegerField(null=True, blank=True)
    draft_text = models.TextField()
    status = models.CharField(
        max_length=8, choices=LetterStatus.choices, default=LetterStatus.TO_WRITE
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "order"],
                condition=Q(order__isnull=False),
                name="letter_order_unique",
            )
        ]


class MailingList(WorkspaceScoped):
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # The public form's address: unguessable so lists cannot be enumerated.
    public_token = models.CharField(max_length=40, unique=True)
    is_public = models.BooleanField(_("public sign-up form"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="list_unique")]

    def __str__(self) -> str:
        return self.name


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")


class Subscription(WorkspaceScoped):
    mailing_list = models.ForeignKey(
        MailingList, on_delete=models.CASCADE, related_name="subscriptions"
    )
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=12, choices=SubscriptionStatus.choices, default=SubscriptionStatus.PENDING
    )
    confirm_token = models.CharField(max_length=64, unique=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    source = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailing_list", "customer"], name="subscription_unique")
        ]


class CampaignKind(models.TextChoices):
    BROCHURE = "brochure", _("Brochure")
    NEWSLETTER = "newsletter", _("Newsletter")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    PAUSED = "paused", _("Paused")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class CampaignAction(models.TextChoices):
    """What a member may ask of a campaign, labelled as its button. Each is a transition of
    `clientela.outreach.services.campaigns.TRANSITIONS`, which says from which states."""

    SEND = "send", _("Send now")
    SCHEDULE = "schedule", _("Schedule")
    UNSCHEDULE = "unschedule", _("Unschedule")
    PAUSE = "pause", _("Pause")
    RESUME = "resume", _("Resume")
    CANCEL = "cancel", _("Cancel")


class Campaign(WorkspaceScoped):
    """A brochure or newsletter. `promotions`: [{name, description, discount}];
    `sales`: [{name, starts_on, ends_on}] (ISO dates). Audience: lists, tags, segments."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=CampaignKind.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=300)
    intro = models.TextField(_("introduction"), blank=True)
    promotions = models.JSONField(default=list, blank=True)
    sales = models.JSONField(default=list, blank=True)
    changes = models.TextField(_("changes"), blank=True)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"), blank=True)
    audience_lists = models.ManyToManyField(MailingList, blank=True, related_name="+")
    audience_tags = models.ManyToManyField("customers.Tag", blank=True, related_name="+")
    audience_segments = models.JSONField(default=list, blank=True)
    holdout_percent = models.PositiveSmallIntegerField(default=10)
    status = models.CharField(
        max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    scheduled_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.title


class CampaignRecipient(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    group = models.CharField(max_length=7, choices=Group.choices)
    address = models.CharField(max_length=254)
    outbox_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "customer"], name="campaign_recipient"),
            models.UniqueConstraint(fields=["campaign", "address"], name="campaign_address"),
        ]
        # campaign_accounted matches the campaign's finished outbox rows to its recipients by
        # outbox_id. Without this index, PostgreSQL on a campaign's fresh rows (before
        # autovacuum's ANALYZE) rescans the recipients once per outbox row: 8 s a call at 10,000.
        indexes = [models.Index(fields=["outbox_id", "campaign"], name="campaign_recipient_outbox")]


class CampaignVersion(models.Model):
    """What a campaign says in one language: its subject and its blocks (see
    `clientela.outreach.content`). Each customer gets the version in their language, else the
    workspace's default language's (`clientela.outreach.versions.version_for`).

    `body_text`/`body_html` are an optional hand-written template (Django syntax over the
    documented context); when empty, the text and HTML parts are generated from the blocks.
    Campaigns written before versions existed were moved here with their text unchanged.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=300)
    blocks = models.JSONField(default=list, blank=True)
    body_text = models.TextField(_("plain text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "language"], name="campaign_version")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.language}"


class ContentImage(WorkspaceScoped):
    """An image uploaded for a brochure's blocks, served at a stable, unguessable address on
    the shop's own site (`/i/<token>.<ext>`) so a mail client can load it months later."""

    token = models.CharField(max_length=40, unique=True)
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name or self.token
