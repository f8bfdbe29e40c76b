"""Reads for the UI and API: always scoped to one workspace."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import QuerySet

from clientela.accounts.models import Workspace
from clientela.outreach.models import (
    DeliverySettings,
    Outbox,
    OutboxStatus,
    SuppressedAddress,
    SuppressionReason,
)

# Rows the recipient asked for themselves on our public form: the confirmation of a new
# subscription. An earlier unsubscribe must not stop it, or nobody could ever opt back in
# (confirming lifts that suppression); a hard bounce, a complaint or a manual entry still does.
CONFIRMATION_SOURCE = "subscription"
SELF_REQUESTED_SOURCES = frozenset({CONFIRMATION_SOURCE})


def outbox_for_workspace(
    workspace: Workspace, *, status: OutboxStatus | str | None = None
) -> QuerySet[Outbox]:
    """The workspace's messages, newest first; a failed one shows its last SMTP reply."""
    rows = Outbox.objects.for_workspace(workspace)
    if status is not None:
        rows = rows.filter(status=status)
    return rows.order_by("-id")


def suppression_for_workspace(workspace: Workspace) -> QuerySet[SuppressedAddress]:
    return SuppressedAddress.objects.for_workspace(workspace).order_by("-id")


def address_is_suppressed(workspace: Workspace, address: str) -> bool:
    return SuppressedAddress.objects.for_workspace(workspace).filter(address=address).exists()


def suppressed_among(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], str]:
    """The suppression reason of each suppressed (workspace id, address) pair: one query."""
    pairs = set(pairs)
    if not pairs:
        return {}
    found = SuppressedAddress.objects.filter(
        workspace_id__in={ws for ws, _ in pairs}, address__in={addr for _, addr in pairs}
    ).values_list("workspace_id", "address", "reason")
    return {(ws, addr): reason for ws, addr, reason in found if (ws, addr) in pairs}


def suppression_blocks(reason: str | None, source_type: str) -> bool:
    """Whether a suppression with `reason` (None: none) stops a row from `source_type`."""
    if reason is None:
        return False
    return not (reason == SuppressionReason.UNSUBSCRIBE and source_type in SELF_REQUESTED_SOURCES)


def outbox_blocked(rows: Sequence[Outbox]) -> set[int]:
    """The ids of the rows the suppression list stops (one query for a whole batch)."""
    reasons = suppressed_among((row.workspace_id, row.to_address) for row in rows)
    return {
        row.pk
        for row in rows
        if suppression_blocks(reasons.get((row.workspace_id, row.to_address)), row.source_type)
    }


def delivery_settings_for(workspace: Workspace) -> DeliverySettings:
    """The workspace's settings row, or an unsaved one holding the defaults."""
    found = DeliverySettings.objects.filter(workspace=workspace).first()
    return found or DeliverySettings(workspace=workspace)
