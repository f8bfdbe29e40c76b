"""The waiting clock in the API permission matrix (collected by test_permissions.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clientela.inbox.models import ClockTarget
from tests.matrix import READ_ALL, allowed

Call = Callable[[Any], tuple[str, Any]]

HOURS = {
    "hours": [[[540, 1020]]] * 5 + [[], []],
    "holiday_country": "RO",
    "holidays_added": ["2026-12-24"],
    "holidays_removed": [],
    "default_target_minutes": 120,
    "escalate_after_minutes": 30,
}


def _target(s: Any) -> tuple[str, Any]:
    target = ClockTarget.objects.create(workspace=s.cast.shop, segment="champions", minutes=60)
    return f"/inbox/clock/targets/{target.pk}", None


MATRIX: dict[tuple[str, str], tuple[Call, dict[str, int]]] = {
    ("GET", "/inbox/clock/waiting"): (lambda s: ("/inbox/clock/waiting", None), READ_ALL),
    ("GET", "/inbox/clock/response-times"): (
        lambda s: ("/inbox/clock/response-times?weeks=4", None),
        READ_ALL,
    ),
    ("GET", "/inbox/clock/settings"): (lambda s: ("/inbox/clock/settings", None), READ_ALL),
    # The outsider owns a shop of their own, and sets its hours.
    ("PUT", "/inbox/clock/settings"): (
        lambda s: ("/inbox/clock/settings", HOURS),
        allowed(200, 403, 403, 200, 200),
    ),
    ("GET", "/inbox/clock/targets"): (lambda s: ("/inbox/clock/targets", None), READ_ALL),
    ("POST", "/inbox/clock/targets"): (
        lambda s: ("/inbox/clock/targets", {"segment": "champions", "minutes": 60}),
        allowed(200, 403, 403, 200, 200),
    ),
    ("DELETE", "/inbox/clock/targets/{target_id}"): (_target, allowed(404, 403, 403, 204, 204)),
}
