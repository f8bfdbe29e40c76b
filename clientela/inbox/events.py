"""The timeline kinds the inbox writes, with their labels (EN/RO)."""

from __future__ import annotations

from django.utils.functional import Promise

EVENT_LABELS: dict[str, Promise] = {}
