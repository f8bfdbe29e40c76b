"""Delivery rows of the API permission matrix (collected by test_permissions.py).

Managers and owners only, reads included, as on the Delivery page. The outsider is the
owner of their own shop: they read and pause that one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.matrix import allowed

MANAGERS = allowed(200, 403, 403, 200, 200)

Call = Callable[[Any], tuple[str, Any]]
MATRIX: dict[tuple[str, str], tuple[Call, dict[str, int]]] = {
    ("GET", "/delivery"): (lambda s: ("/delivery", None), MANAGERS),
    ("POST", "/delivery/pause"): (lambda s: ("/delivery/pause", {}), MANAGERS),
    ("POST", "/delivery/resume"): (lambda s: ("/delivery/resume", {}), MANAGERS),
    ("GET", "/delivery/outbox"): (lambda s: ("/delivery/outbox?status=failed", None), MANAGERS),
    ("GET", "/delivery/suppressions"): (lambda s: ("/delivery/suppressions?q=x", None), MANAGERS),
}
