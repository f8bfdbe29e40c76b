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
    "invitation.created": _("Invitation sent"),
    "invitation.resent": _("Invitation sent again"),
    "invitation.revoked": _("Invitation revoked"),
    "invitation.accepted": _("Invitation accepted"),
    "user.password_changed": _("Password changed"),
    "user.password_reset": _("Password reset by e-mail"),
    "workspace.updated": _("Shop details changed"),
    "workspace.checklist_dismissed": _("First-run checklist put away"),
}
