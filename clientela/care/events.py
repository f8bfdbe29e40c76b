"""The timeline kinds the care app writes, with their labels (EN/RO)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, Promise] = {
    "care.case_opened": _("Complaint opened"),
    "care.case_status_changed": _("Complaint status changed"),
    "care.step_done": _("Playbook step done"),
    "care.step_undone": _("Playbook step reopened"),
    "care.handling_changed": _("Complaint handling changed"),
    "care.case_assigned": _("Complaint assigned"),
    "care.case_reviewed": _("Complaint reviewed"),
    "care.case_rated": _("Complaint handling rated"),
    "care.message_sent": _("Complaint answer sent"),
    "care.settings_changed": _("Complaint settings changed"),
}
