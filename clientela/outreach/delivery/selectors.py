"""Reads for the UI and API: always scoped to one workspace."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from clientela.accounts.models import Workspace
from clientela.outreach.models import (
    DeliverySettings,
    Outbox,
    OutboxStatus,
    SuppressedAddress,
)


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


def suppressed_among(pairs: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which (workspace id, address) pairs are suppressed: one query for a whole batch."""
    pairs = set(pairs)
    if not pairs:
        return set()
    found = SuppressedAddress.objects.filter(
        workspace_id__in={ws for ws, _ in pairs}, address__in={addr for _, addr in pairs}
    ).values_list("workspace_id", "address")
    return pairs & set(found)


def delivery_settings_for(workspace: Workspace) -> DeliverySettings:
    """The workspace's settings row, or an unsaved one holding the defaults."""
    found = DeliverySettings.objects.filter(workspace=workspace).first()
    return found or DeliverySettings(workspace=workspace)
