"""Readable names for timeline event kinds.

Every kind that the code records has its label here, in one place, so that a customer's
timeline and the audit trail never show a raw kind such as `outreach.mail_sent`
(tests/web/test_event_labels.py scans the code and fails on a kind without a label).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, str | Promise] = {
    # accounts
    "workspace.created": _("Workspace created"),
    "membership.added": _("Member added"),
    "token.created": _("API token created"),
    "token.revoked": _("API token revoked"),
    # customers
    "customer.created": _("Customer created"),
    "customer.changed": _("Details changed"),
    "customer.deleted": _("Customer deleted"),
    "customer.email_added": _("E-mail address added"),
    "customer.email_removed": _("E-mail address removed"),
    "customer.primary_email_changed": _("Primary e-mail address changed"),
    "customer.tags_changed": _("Tags changed"),
    "consent.granted": _("Consent given"),
    "consent.withdrawn": _("Consent withdrawn"),
    "import.finished": _("Import finished"),
    "demo.loaded": _("Demo data loaded"),
    # commerce
    "product.created": _("Product created"),
    "product.changed": _("Product changed"),
    "product.deleted": _("Product deleted"),
    "order.created": _("Order placed"),
    "order.changed": _("Order changed"),
    "order.deleted": _("Order deleted"),
    # outreach: letters, lists and subscriptions
    "automations.changed": _("Automation settings changed"),
    "letter.planned": _("Handwritten letter planned"),
    "letter.written": _("Handwritten letter written"),
    "list.created": _("Mailing list created"),
    "customer.unsubscribed": _("Unsubscribed from promotions"),
    "subscription.requested": _("Subscription requested"),
    "subscription.confirmed": _("Subscription confirmed"),
    "subscription.changed": _("Subscriptions changed"),
    "template.created": _("Template created"),
    "template.changed": _("Template changed"),
    "template.test_sent": _("Test of a template sent"),
    # outreach: campaigns (`campaign.<action>` from the campaign state machine)
    "campaign.created": _("Campaign created"),
    "campaign.changed": _("Campaign changed"),
    "campaign.test_sent": _("Test of a campaign sent"),
    "campaign.schedule": _("Campaign scheduled"),
    "campaign.unschedule": _("Campaign unscheduled"),
    "campaign.send": _("Campaign sending started"),
    "campaign.pause": _("Campaign paused"),
    "campaign.resume": _("Campaign resumed"),
    "campaign.cancel": _("Campaign cancelled"),
    "campaign.finish": _("Campaign finished"),
    # outreach: delivery (`outreach.mail_<status>` from the outbox)
    "outreach.mail_sent": _("E-mail sent"),
    "outreach.mail_failed": _("E-mail could not be sent"),
    "outreach.mail_suppressed": _("E-mail not sent: address suppressed"),
    "outreach.mail_bounced": _("E-mail bounced"),
    "outreach.suppressed": _("Address suppressed"),
    "outreach.unsuppressed": _("Address no longer suppressed"),
    "outreach.complaint": _("Marked a message as spam"),
    "outreach.sending_paused": _("Sending paused"),
    "outreach.sending_resumed": _("Sending resumed"),
    # retention (`retention.run_<status>` from the refresh runs)
    "retention.run_requested": _("Retention refresh requested"),
    "retention.run_succeeded": _("Retention refresh finished"),
    "retention.run_failed": _("Retention refresh failed"),
    "retention.run_refused": _("Retention refresh refused"),
    "retention.settings_updated": _("Customer value settings changed"),
    # retention validation (`retention.validation_<status>` from the validation runs)
    "retention.validation_requested": _("Retention validation requested"),
    "retention.validation_succeeded": _("Retention validation finished"),
    "retention.validation_failed": _("Retention validation failed"),
    "membership.role_changed": _("Member's role changed"),
    "membership.removed": _("Member removed"),
}


def event_label(kind: str) -> str | Promise:
    """The readable name of `kind`, or the kind itself when none is registered."""
    return EVENT_LABELS.get(kind, kind)
