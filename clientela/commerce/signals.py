"""What commerce announces to the apps above it; they connect receivers in `AppConfig.ready()`.

Each signal is sent with `sender=Order` and the keyword arguments `workspace` (a Workspace)
and `order_ids` (a sequence of ids), inside the transaction that wrote the orders: whatever a
receiver writes commits or rolls back with them. One send covers a batch (an import sends
once per batch of written orders, a hand-made change once), so a receiver must not assume
one send per order, nor one per import.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.dispatch import Signal

from clientela.accounts.models import Workspace
from clientela.commerce.models import Order, OrderStatus

# New orders were written: by hand, through the API, by a CSV import or the demo loader.
orders_placed = Signal()
# Known orders' fields changed (status included): by hand, through the API or an import.
order_changed = Signal()
# Known orders became cancelled; sent after their `order_changed`.
order_cancelled = Signal()


def changes_announce(
    workspace: Workspace, changes: Sequence[tuple[int, dict[str, Any], dict[str, Any]]]
) -> None:
    """Send `order_changed` for changed orders, given as (id, old values, new values) with
    at least the fields that changed, then `order_cancelled` for those now cancelled."""
    if not changes:
        return
    order_changed.send(sender=Order, workspace=workspace, order_ids=[pk for pk, _, _ in changes])
    cancelled = [
        pk
        for pk, old, new in changes
        if "status" in old and new.get("status") == OrderStatus.CANCELLED
    ]
    if cancelled:
        order_cancelled.send(sender=Order, workspace=workspace, order_ids=cancelled)
