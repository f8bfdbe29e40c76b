"""The timeline kinds rewards writes."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, Promise] = {
    "catalogue.seeded": _("Compensation catalogue created"),
    "catalogue.changed": _("Compensation catalogue changed"),
    "catalogue.added": _("Compensation catalogue item added"),
    "compensation.proposed": _("Compensation proposed"),
    "compensation.approved": _("Compensation approved"),
    "compensation.rejected": _("Compensation rejected"),
    "certificate.issued": _("Gift certificate issued"),
    "certificate.sent": _("Gift certificate e-mailed"),
    "certificate.redeemed": _("Gift certificate redeemed"),
}
