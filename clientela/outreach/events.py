"""The timeline kinds outreach writes; `campaign.<action>` from the campaign state machine."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, Promise] = {
    "automations.changed": _("Automation settings changed"),
    "letter.planned": _("Handwritten letter planned"),
    "letter.written": _("Handwritten letter written and posted"),
    # The route of an order's thank-you, decided when it is placed (services/letters.py).
    "thank_you.letter_few": _("Thank-you by a handwritten letter: few letters this week"),
    "thank_you.letter_valuable": _(
        "Thank-you by a handwritten letter: among the most valuable customers"
    ),
    "thank_you.email_no_address": _("Thank-you by e-mail: no postal address"),
    "thank_you.email_no_post": _("Thank-you by e-mail: the customer declined letters"),
    "thank_you.email_week_full": _("Thank-you by e-mail: this week's letters are all planned"),
    "thank_you.held_out": _("No thank-you: held out to measure its effect"),
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
