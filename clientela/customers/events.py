"""The timeline kinds the customers app writes (the import writes some of them too)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, Promise] = {
    "customer.created": _("Customer created"),
    "customer.changed": _("Details changed"),
    "customer.deleted": _("Customer deleted"),
    "customer.email_added": _("E-mail address added"),
    "customer.email_removed": _("E-mail address removed"),
    "customer.primary_email_changed": _("Primary e-mail address changed"),
    "customer.tags_changed": _("Tags changed"),
    "consent.granted": _("Consent given"),
    "consent.withdrawn": _("Consent withdrawn"),
}
