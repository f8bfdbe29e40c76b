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
    "inbox.settings_changed": _("Inbox settings changed"),
}
