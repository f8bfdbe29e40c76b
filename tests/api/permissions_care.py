"""Complaint cases in the API permission matrix (collected by test_permissions.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.care.objects import care_case
from tests.matrix import allowed

Call = Callable[[Any], tuple[str, Any]]
AGENTS_READ_ALL = allowed(200, 403, 200, 200, 200)  # the outsider lists their own shop's
AGENTS_OBJECT = allowed(404, 403, 200, 200, 200)


def _case(s: Any) -> int:
    return care_case(s.cast, s.customer).pk


MATRIX: dict[tuple[str, str], tuple[Call, dict[str, int]]] = {
    ("GET", "/care/cases"): (lambda s: ("/care/cases", None), AGENTS_READ_ALL),
    ("POST", "/care/cases"): (
        # The outsider names a customer of another shop: a 422, not a case.
        lambda s: (
            "/care/cases",
            {"customer_id": s.customer.pk, "subject": "Vaza", "complaint": "Spartă"},
        ),
        allowed(422, 403, 201, 201, 201),
    ),
    ("GET", "/care/cases/{case_id}"): (
        lambda s: (f"/care/cases/{_case(s)}", None),
        AGENTS_OBJECT,
    ),
    ("POST", "/care/cases/{case_id}/status"): (
        lambda s: (f"/care/cases/{_case(s)}/status", {"status": "acknowledged"}),
        AGENTS_OBJECT,
    ),
    ("POST", "/care/cases/{case_id}/messages"): (
        lambda s: (
            f"/care/cases/{_case(s)}/messages",
            {"step": "compassion", "text": "Ne pare rău."},
        ),
        AGENTS_OBJECT,
    ),
    ("PUT", "/care/cases/{case_id}/steps/{step}"): (
        lambda s: (f"/care/cases/{_case(s)}/steps/apology", {"done": True}),
        AGENTS_OBJECT,
    ),
    # An open case cannot be reviewed yet: who may reach the check gets the 422.
    ("POST", "/care/cases/{case_id}/review"): (
        lambda s: (
            f"/care/cases/{_case(s)}/review",
            {"what_went_wrong": "a", "lesson": "b", "change": "c"},
        ),
        allowed(404, 403, 422, 422, 422),
    ),
    ("POST", "/care/cases/{case_id}/handling"): (
        lambda s: (
            f"/care/cases/{_case(s)}/handling",
            {"handling": "facts", "reason": "Reclamă des."},
        ),
        allowed(404, 403, 403, 200, 200),
    ),
}
