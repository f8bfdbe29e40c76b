"""The timeline kinds of bulk loads: the CSV import's, and the demo loader's (the demo app
sits above the web, which reads these labels, so its one kind is listed here)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, Promise] = {
    "import.finished": _("Import finished"),
    "import.failed": _("Import failed"),
    "import.retried": _("Import retried"),
    "demo.loaded": _("Demo data loaded"),
}
