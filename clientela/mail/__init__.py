"""Mail: the outbox and its sender, bounces, suppression, DKIM, VERP, the inbound plumbing for
bounces and unsubscribes, and `contact_allowed`, the one answer to "may we write to them?".

Claim outbox rows with a lease, send them over SMTP, learn from replies and bounces. Mail knows
nothing of what a message says or why it is sent: the apps above it (outreach) write outbox
rows, and hear about unsubscribes and bounces through the signals in `signals.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clientela.mail.contact import contact_allowed as contact_allowed

__all__ = ["contact_allowed"]


def __getattr__(name: str) -> Any:
    # Django imports this package before the models are ready, and `contact` imports models:
    # `clientela.mail.contact_allowed` is resolved on first use instead.
    if name == "contact_allowed":
        from clientela.mail.contact import contact_allowed

        return contact_allowed
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
