"""A customer's rights in the API permission matrix (collected by test_permissions.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.matrix import READ_ALL, allowed

Call = Callable[[Any], tuple[str, Any]]
MATRIX: dict[tuple[str, str], tuple[Call, dict[str, int]]] = {
    ("GET", "/privacy/customers/{customer_id}/data.zip"): (
        lambda s: (f"/privacy/customers/{s.customer.pk}/data.zip", None),
        allowed(404, 403, 403, 200, 200),
    ),
    ("POST", "/privacy/customers/{customer_id}/erase"): (
        lambda s: (f"/privacy/customers/{s.customer.pk}/erase", None),
        allowed(404, 403, 403, 200, 200),
    ),
    ("GET", "/privacy/settings"): (lambda s: ("/privacy/settings", None), READ_ALL),
    ("PUT", "/privacy/settings"): (
        # The outsider owns a shop of their own, and sets its period.
        lambda s: ("/privacy/settings", {"retention_days": 365}),
        allowed(200, 403, 403, 403, 200),
    ),
}
