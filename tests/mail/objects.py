"""One delivery object in the cast's shop, for the shared permission matrices."""

from __future__ import annotations

from typing import Any

from tests.mail.helpers import queue


def delivery_objects(cast: Any) -> dict[str, int]:
    return {"outreach_outbox": queue(cast.shop, "matrix@example.ro").pk}
