"""The timeline kinds the inbox writes, with their labels (EN/RO)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, Promise] = {
    "conversation.received": _("Message received"),
    "conversation.replied": _("Reply sent"),
    "conversation.noted": _("Internal note added"),
    "conversation.assigned": _("Conversation assigned"),
    "conversation.status": _("Conversation status changed"),
    "conversation.linked": _("Conversation linked to a customer"),
    "conversation.unlinked": _("Conversation unlinked from a customer"),
    "inbox.settings_changed": _("Inbox settings changed"),
    # The waiting clock.
    "wait.started": _("Client started waiting"),
    "wait.paused": _("Waiting for the client"),
    "wait.resumed": _("Client waiting again"),
    "wait.answered": _("Client answered"),
    "wait.closed": _("Wait closed"),
    "wait.assigned": _("Wait assigned"),
    "wait.escalated": _("Waiting client escalated"),
    "clock.settings_changed": _("Business hours changed"),
    "clock.target_set": _("Response target set"),
    "clock.target_deleted": _("Response target removed"),
}
