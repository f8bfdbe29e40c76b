"""Hooks other apps attach to when orders appear, called inside the writing transaction."""

from __future__ import annotations

from collections.abc import Sequence

from clientela.accounts.models import Workspace


def orders_created(workspace: Workspace, order_ids: Sequence[int]) -> None:
    """New orders of `workspace` were written (by hand, the API or a CSV import).

    Called inside the transaction that wrote them, so whatever is decided here commits or
    rolls back with the orders. Outreach will schedule thank-you letters here, in the same
    transaction (one outbox row per order, duplicates prevented by a unique key). An import
    calls this once per batch of inserted orders, so it must not assume one call per import.
    """
    from clientela.outreach.services.thank_you import thank_you_schedule  # imports commerce

    thank_you_schedule(workspace, order_ids)
