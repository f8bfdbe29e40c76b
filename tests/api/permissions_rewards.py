"""Gift certificates in the API permission matrix (collected by test_permissions.py).

The code sent matches no certificate: members who may redeem get a 404 (the outsider too,
in their own shop), a viewer the 403 before any look-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.matrix import READ_ALL, allowed

Call = Callable[[Any], tuple[str, Any]]
CODE = "AAAAA-BBBBB-CCCCC-DDDDD"
MATRIX: dict[tuple[str, str], tuple[Call, dict[str, int]]] = {
    ("POST", "/rewards/certificates/check"): (
        lambda s: ("/rewards/certificates/check", {"code": CODE}),
        allowed(404, 403, 404, 404, 404),
    ),
    ("POST", "/rewards/certificates/redeem"): (
        lambda s: ("/rewards/certificates/redeem", {"code": CODE, "amount": "1.00"}),
        allowed(404, 403, 404, 404, 404),
    ),
    ("GET", "/rewards/totals"): (lambda s: ("/rewards/totals", None), READ_ALL),
}
