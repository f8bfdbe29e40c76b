"""The timeline kinds outreach writes; `campaign.<action>` from the campaign state machine."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, Promise] = {
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
    "image.uploaded": _("Image uploaded"),
}
