"""The timeline kinds the privacy app writes; none of their rows holds personal data."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, Promise] = {
    "customer.data_exported": _("Personal data exported"),
    "customer.erased": _("Personal data erased"),
    "privacy.settings_changed": _("Retention period changed"),
}
