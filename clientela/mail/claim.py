"""Claiming outbox rows with a lease, safe with any number of workers on either database.

A claim picks candidate ids, then flips them with a conditional UPDATE that re-checks they
are still claimable, tagging them with a fresh claim tag; the rows read back by that tag are
ours and nobody else's. On PostgreSQL the candidates are picked with SKIP LOCKED so workers
do not queue behind each other; SQLite ignores `select_for_update`, but its IMMEDIATE
transactions run one writer at a time, and the conditional UPDATE keeps the claim exact.
A worker killed mid-batch leaves its unsent rows SENDING; once `lease_until` passes they are
claimable again. Each sent row is recorded right after its reply (`send`), so the only row
that goes out a second time, with the same Message-ID, is the one in flight at the kill.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from clientela.mail.models import DeliveryInstance, DeliverySettings, Outbox, OutboxStatus

DEFAULT_LEASE = timedelta(minutes=5)


def _claimable(now: datetime) -> Q:
    return Q(status=OutboxStatus.QUEUED, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, lease_until__lt=now
    )


def _paused_workspaces() -> QuerySet[DeliverySettings, Any]:
    return DeliverySettings.objects.filter(sending_paused=True).values("workspace_id")


def _candidates(now: datetime, limit: int) -> list[int]:
    paused = _paused_workspaces()
    expired = list(
        Outbox.objects.select_for_update(skip_locked=True)
        .filter(status=OutboxStatus.SENDING, lease_until__lt=now)
        .exclude(workspace_id__in=paused)
        .order_by("lease_until")
        .values_list("pk", flat=True)[:limit]
    )
    # Transactional mail first (priority 0), so a thank-you never waits behind a campaign.
    queued = list(
        Outbox.objects.select_for_update(skip_locked=True)
        .filter(status=OutboxStatus.QUEUED, next_attempt_at__lte=now)
        .exclude(workspace_id__in=paused)
        .order_by("priority", "next_attempt_at", "id")
        .values_list("pk", flat=True)[: limit - len(expired)]
    )
    return expired + queued


def sending_paused_globally() -> bool:
    return DeliveryInstance.objects.filter(pk=1, paused=True).exists()


def outbox_claim(
    *, worker_id: str, limit: int, lease: timedelta = DEFAULT_LEASE, now: datetime | None = None
) -> list[Outbox]:
    """Lease up to `limit` due rows to this worker; return them (attempts already counted)."""
    now = now or timezone.now()
    if sending_paused_globally():
        return []
    tag = f"{worker_id}/{secrets.token_hex(6)}"[-100:]
    with transaction.atomic():
        ids = _candidates(now, limit)
        if not ids:
            return []
        Outbox.objects.filter(_claimable(now), pk__in=ids).update(
            status=OutboxStatus.SENDING,
            lease_until=now + lease,
            leased_by=tag,
            in_flight=False,
            attempts=F("attempts") + 1,
        )
    return list(
        Outbox.objects.filter(pk__in=ids, status=OutboxStatus.SENDING, leased_by=tag)
        .select_related("workspace")
        .order_by("priority", "next_attempt_at", "id")
    )
