"""Readable names for timeline event kinds. Apps that record new kinds add them here."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, str | Promise] = {
    "customer.created": _("Customer created"),
    "customer.changed": _("Details changed"),
    "customer.email_added": _("E-mail address added"),
    "customer.tags_changed": _("Tags changed"),
    "consent.granted": _("Consent given"),
    "consent.withdrawn": _("Consent withdrawn"),
    "order.created": _("Order placed"),
    "order.changed": _("Order changed"),
    "order.deleted": _("Order deleted"),
    "import.finished": _("Import finished"),
    "membership.added": _("Member added"),
    "membership.role_changed": _("Member's role changed"),
    "membership.removed": _("Member removed"),
    "token.created": _("API token created"),
    "token.revoked": _("API token revoked"),
}


def event_label(kind: str) -> str | Promise:
    """The readable name of `kind`, or the kind itself when none is registered."""
    return EVENT_LABELS.get(kind, kind)
