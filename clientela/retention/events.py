"""The timeline kinds retention writes: `retention.run_<status>` and
`retention.validation_<status>` when a refresh or a validation ends."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, Promise] = {
    "retention.run_requested": _("Retention refresh requested"),
    "retention.run_succeeded": _("Retention refresh finished"),
    "retention.run_failed": _("Retention refresh failed"),
    "retention.run_refused": _("Retention refresh refused"),
    "retention.settings_updated": _("Customer value settings changed"),
    "retention.validation_requested": _("Retention validation requested"),
    "retention.validation_succeeded": _("Retention validation finished"),
    "retention.validation_failed": _("Retention validation failed"),
}
