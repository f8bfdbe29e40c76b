"""The timeline kinds forwarding writes, with their labels (EN/RO)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, Promise] = {
    "alias.granted": _("Forwarding address granted"),
    "alias.revoked": _("Forwarding address revoked"),
    "alias.opted_out": _("Forwarding address turned off by the customer"),
    "alias.forwarded": _("Mail forwarded to the customer"),
    "alias.notice_sent": _("Forwarding address announced to the customer"),
    "forwarding.settings_changed": _("Forwarding settings changed"),
}
