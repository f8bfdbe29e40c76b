"""Reads for the UI and API: always scoped to one workspace."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, QuerySet

from clientela.accounts.models import Workspace
from clientela.accounts.scoping import settings_for
from clientela.mail.digest import address_digest
from clientela.mail.models import (
    DeliveryInstance,
    DeliverySettings,
    Outbox,
    OutboxStatus,
    SuppressedAddress,
    SuppressedDigest,
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


def suppression_for_workspace(
    workspace: Workspace, *, search: str = ""
) -> QuerySet[SuppressedAddress]:
    """The workspace's suppressed addresses, newest first; `search` is a part of the address."""
    rows = SuppressedAddress.objects.for_workspace(workspace)
    if search.strip():
        rows = rows.filter(address__icontains=search.strip())
    return rows.order_by("-id")


@dataclass(frozen=True)
class DeliveryStatus:
    """Whether the workspace's mail leaves, why not, and how many rows are in each state."""

    paused: bool
    pause_reason: str  # a PauseReason value, "" while not paused
    paused_at: datetime | None
    # The install-wide switch (only the operator's CLI clears it): nothing leaves anywhere.
    install_paused: bool
    counts: dict[str, int]  # every OutboxStatus value, zeros included


def delivery_status(workspace: Workspace) -> DeliveryStatus:
    own = delivery_settings_for(workspace)
    found = dict(
        Outbox.objects.for_workspace(workspace)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return DeliveryStatus(
        paused=own.sending_paused,
        pause_reason=own.pause_reason if own.sending_paused else "",
        paused_at=own.paused_at if own.sending_paused else None,
        install_paused=DeliveryInstance.objects.filter(pk=1, paused=True).exists(),
        counts={status.value: found.get(status.value, 0) for status in OutboxStatus},
    )


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
    """The ids of the rows the suppression list stops, or whose address was erased on
    request (two queries for a whole batch)."""
    reasons = suppressed_among((row.workspace_id, row.to_address) for row in rows)
    digests = {row.pk: address_digest(row.to_address) for row in rows}
    erased = set(
        SuppressedDigest.objects.filter(
            workspace_id__in={row.workspace_id for row in rows}, digest__in=set(digests.values())
        ).values_list("workspace_id", "digest")
    )
    return {
        row.pk
        for row in rows
        if suppression_blocks(reasons.get((row.workspace_id, row.to_address)), row.source_type)
        or (row.workspace_id, digests[row.pk]) in erased
    }


def delivery_settings_for(workspace: Workspace) -> DeliverySettings:
    """The workspace's settings row, or an unsaved one holding the defaults."""
    return settings_for(DeliverySettings, workspace)
