"""The timeline kinds mail writes. They keep the `outreach.` prefix they were stored with
before delivery became its own app: the rows already written carry it.

`outreach.mail_<status>` is written by `mail.send` when an attempt ends."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, Promise] = {
    "outreach.mail_sent": _("E-mail sent"),
    "outreach.mail_failed": _("E-mail could not be sent"),
    "outreach.mail_suppressed": _("E-mail not sent: address suppressed"),
    "outreach.mail_bounced": _("E-mail bounced"),
    "outreach.suppressed": _("Address suppressed"),
    "outreach.unsuppressed": _("Address no longer suppressed"),
    "outreach.complaint": _("Marked a message as spam"),
    "outreach.sending_paused": _("Sending paused"),
    "outreach.sending_resumed": _("Sending resumed"),
    "outreach.sender_changed": _("Sender address changed"),
    "outreach.branding_changed": _("Look of the mail changed"),
}
