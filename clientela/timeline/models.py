from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from clientela.accounts.scoping import WorkspaceScoped


class Event(WorkspaceScoped):
    """One row per change or contact: the customer's history and the audit trail.

    `subject_type`/`subject_id` name what changed; `customer` is set whenever the event
    belongs on a customer's page, so that page reads one indexed range.
    """

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who acted when no user did: "import", "system", "api", "customer".
    actor_label = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=60)
    subject_type = models.CharField(max_length=60)
    subject_id = models.BigIntegerField(null=True, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    summary = models.CharField(max_length=500, blank=True)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "customer", "-at"], name="event_customer_at"),
            models.Index(fields=["workspace", "-at"], name="event_workspace_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type}#{self.subject_id}"
