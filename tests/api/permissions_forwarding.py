"""Forwarding addresses in the API permission matrix (collected by test_permissions.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.forwarding.objects import alias_for, forwarding_domain
from tests.matrix import allowed

Call = Callable[[Any], tuple[str, Any]]
AGENTS_READ = allowed(200, 403, 200, 200, 200)


def _grant(s: Any) -> tuple[str, Any]:
    forwarding_domain(s.cast.shop)
    return "/forwarding/aliases", {"customer_id": s.customer.pk, "reason": "regular"}


def _revoke(s: Any) -> tuple[str, Any]:
    return f"/forwarding/aliases/{alias_for(s.customer).pk}/revoke", {"reason": "asked"}


SETTINGS = {
    "domains": ["c.shop.example"],
    "min_orders": 3,
    "rate_per_hour": 60,
    "max_message_kb": 1024,
}

MATRIX: dict[tuple[str, str], tuple[Call, dict[str, int]]] = {
    ("GET", "/forwarding/aliases"): (lambda s: ("/forwarding/aliases", None), AGENTS_READ),
    # Alice's customer is unknown in the outsider's shop: not found.
    ("POST", "/forwarding/aliases"): (_grant, allowed(404, 403, 403, 201, 201)),
    ("POST", "/forwarding/aliases/{alias_id}/revoke"): (
        _revoke,
        allowed(404, 403, 403, 200, 200),
    ),
    ("GET", "/forwarding/settings"): (lambda s: ("/forwarding/settings", None), AGENTS_READ),
    # The outsider owns a shop of their own, and sets its domains.
    ("PUT", "/forwarding/settings"): (
        lambda s: ("/forwarding/settings", SETTINGS),
        allowed(200, 403, 403, 403, 200),
    ),
}
