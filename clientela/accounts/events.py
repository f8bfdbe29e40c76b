"""The timeline kinds accounts writes (through `accounts.signals.account_changed`)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, Promise] = {
    "workspace.created": _("Workspace created"),
    "membership.added": _("Member added"),
    "membership.role_changed": _("Member's role changed"),
    "membership.removed": _("Member removed"),
    "token.created": _("API token created"),
    "token.revoked": _("API token revoked"),
}
