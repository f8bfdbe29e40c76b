"""What outreach does when a lower app announces something (connected in `apps.py`)."""

from __future__ import annotations

from typing import Any

from clientela.outreach.services.lists import unsubscribe_by_mail


def on_unsubscribe_requested(sender: Any, *, outbox_id: int, **kwargs: Any) -> None:
    """Mail received a message at a row's List-Unsubscribe mailto: address."""
    unsubscribe_by_mail(outbox_id=outbox_id)
