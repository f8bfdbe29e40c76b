"""A complaint case, its playbook steps, its review and its satisfaction rating."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.accounts.models import Language
from clientela.accounts.scoping import WorkspaceScoped, WorkspaceSettings


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    SOLUTION_PROPOSED = "proposed", _("Solution proposed")
    RESOLVED = "resolved", _("Resolved")
    NOT_RESOLVED = "not_resolved", _("Not resolved")
    REVIEWED = "reviewed", _("Reviewed")


class Category(models.TextChoices):
    PRODUCT = "product", _("Product fault")
    DELIVERY = "delivery", _("Delivery")
    SERVICE = "service", _("Service or staff")
    BILLING = "billing", _("Billing")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    SHOP = "shop", _("In the shop")
    WEB = "web", _("Web form")
    API = "api", _("API")


class Handling(models.TextChoices):
    """How the case is answered: the guide's recovery steps, or facts for a chronic complainer."""

    RECOVERY = "recovery", _("Recovery")
    FACTS = "facts", _("Fact-based")


class CareSettings(WorkspaceSettings):
    """Above this complainer score (0-100) a new case is handled with facts."""

    complainer_threshold = models.PositiveSmallIntegerField(default=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="care_settings_one_per_workspace")
        ]


class Case(WorkspaceScoped):
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(
        "commerce.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product = models.ForeignKey(
        "commerce.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The inbox conversation the complaint came in: the case's messages are sent in it, so
    # they thread in the client's mailbox under what they wrote.
    conversation = models.ForeignKey(
        "inbox.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    subject = models.CharField(_("subject"), max_length=200)
    # The client's own words, as they wrote or said them.
    complaint = models.TextField(_("the client's words"))
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.RO)
    status = models.CharField(max_length=15, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    handling = models.CharField(max_length=10, choices=Handling.choices, default=Handling.RECOVERY)
    # The complainer score when the case opened (0-100) and why, from `care.stats.complainer`.
    complainer_score = models.PositiveSmallIntegerField(default=0)
    complainer_reasons = models.JSONField(default=list, blank=True)
    # A manager chose the handling by hand: the reason stays with the case.
    handling_reason = models.TextField(blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    solution = models.TextField(_("proposed solution"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "status", "-opened_at"], name="care_case_status"),
            models.Index(fields=["workspace", "customer"], name="care_case_customer"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"


class CaseStep(WorkspaceScoped):
    """One step of the playbook on one case: its reply draft, and when it was done."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    key = models.CharField(max_length=20)
    position = models.PositiveSmallIntegerField()
    draft = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="care_step_once_per_case")
        ]


class CaseReview(WorkspaceScoped):
    """What went wrong on a case not resolved, the lesson, and the change decided."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="review")
    what_went_wrong = models.TextField(_("what went wrong"))
    lesson = models.TextField(_("the lesson"))
    change = models.TextField(_("the change decided"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)


class CaseRating(WorkspaceScoped):
    """The client's one-click rating of how the case was handled (1 to 5), once."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rating")
    nonce = models.CharField(max_length=32, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="care_rating_one_to_five",
            )
        ]
