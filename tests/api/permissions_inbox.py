"""The inbox in the API permission matrix (collected by test_permissions.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.inbox.objects import inbox_objects
from tests.matrix import READ_ALL, READ_OBJECT, allowed

Call = Callable[[Any], tuple[str, Any]]


def _conversation(s: Any) -> int:
    return inbox_objects(s.cast)["conversation"]


MATRIX: dict[tuple[str, str], tuple[Call, dict[str, int]]] = {
    ("GET", "/inbox/conversations"): (lambda s: ("/inbox/conversations", None), READ_ALL),
    ("GET", "/inbox/conversations/{conversation_id}"): (
        lambda s: (f"/inbox/conversations/{_conversation(s)}", None),
        READ_OBJECT,
    ),
    # The outsider records a message in their own shop.
    ("POST", "/inbox/messages"): (
        lambda s: (
            "/inbox/messages",
            {"email": "ion@example.ro", "subject": "Colet", "body": "Unde e?"},
        ),
        allowed(201, 403, 201, 201, 201),
    ),
    ("POST", "/inbox/conversations/{conversation_id}/reply"): (
        lambda s: (f"/inbox/conversations/{_conversation(s)}/reply", {"body": "Ajunge mâine."}),
        allowed(404, 403, 201, 201, 201),
    ),
    # Alice's customer is unknown to the outsider, as is her conversation.
    ("PUT", "/inbox/conversations/{conversation_id}/customer"): (
        lambda s: (
            f"/inbox/conversations/{_conversation(s)}/customer",
            {"customer_id": s.customer.pk},
        ),
        allowed(404, 403, 200, 200, 200),
    ),
    ("DELETE", "/inbox/conversations/{conversation_id}/customer"): (
        lambda s: (f"/inbox/conversations/{_conversation(s)}/customer", None),
        allowed(404, 403, 200, 200, 200),
    ),
    ("POST", "/inbox/conversations/{conversation_id}/status"): (
        lambda s: (f"/inbox/conversations/{_conversation(s)}/status", {"status": "closed"}),
        allowed(404, 403, 200, 200, 200),
    ),
}
