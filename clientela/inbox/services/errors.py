from __future__ import annotations

from django.utils.functional import Promise


class InboxError(Exception):
    """A refused change, with a message a page can show (`field` names the form field)."""

    def __init__(self, message: str | Promise, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message, self.field = message, field
