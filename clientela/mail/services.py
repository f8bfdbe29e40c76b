"""Writes of mail: enqueue, suppress, pause and resume."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.customers.models import Customer
from clientela.customers.normalize import normalize_email
from clientela.mail.conf import delivery_conf
from clientela.mail.models import (
    PRIORITY,
    DeliverySettings,
    Outbox,
    OutboxKind,
    OutboxStatus,
    PauseReason,
    SuppressedAddress,
    SuppressionReason,
)
from clientela.mail.policy import DELIVERY_PAUSE_SET, DELIVERY_SENDER_SET
from clientela.timeline.services import event_record


@dataclass(frozen=True)
class OutboxDraft:
    """One message to one recipient, before it is written. `dedup_key` makes it idempotent."""

    to_address: str
    subject: str
    body_text: str
    kind: OutboxKind
    source_type: str
    source_id: int | None
    dedup_key: str
    customer: Customer | None = None
    to_name: str = ""
    body_html: str = ""
    language: str = "ro"
    not_before: datetime | None = None
    headers: dict[str, str] = field(default_factory=dict)
    raw_message: bytes | None = None  # sent as is (see Outbox.raw_message)
    envelope_sender: str | None = None


def new_message_id() -> str:
    """`<random@domain>`, chosen once so every retry of a row carries the same Message-ID."""
    return f"<{secrets.token_urlsafe(18)}@{delivery_conf().bounce_domain}>"


def _row(workspace: Workspace, draft: OutboxDraft, now: datetime) -> Outbox:
    due = draft.not_before or now
    return Outbox(
        workspace=workspace,
        customer=draft.customer,
        to_address=normalize_email(draft.to_address),
        to_name=draft.to_name[:200],
        language=draft.language,
        kind=draft.kind,
        priority=PRIORITY[OutboxKind(draft.kind)],
        source_type=draft.source_type,
        source_id=draft.source_id,
        dedup_key=draft.dedup_key,
        subject=draft.subject[:998],
        body_text=draft.body_text,
        body_html=draft.body_html,
        headers=draft.headers,
        raw_message=draft.raw_message,
        envelope_sender=draft.envelope_sender,
        message_id=new_message_id(),
        not_before=due,
        next_attempt_at=due,
        created_at=now,
    )


def outbox_enqueue_many(*, workspace: Workspace, drafts: Sequence[OutboxDraft]) -> int:
    """Write the drafts whose dedup key is new; return how many were written.

    Raises InvalidEmail for a bad address before anything is written. Safe to call twice
    with the same drafts, and from two processes at once: the unique key drops repeats.
    """
    now = timezone.now()
    rows = [_row(workspace, draft, now) for draft in drafts]
    keys = [row.dedup_key for row in rows]
    with transaction.atomic():
        existing = set(
            Outbox.objects.for_workspace(workspace)
            .filter(dedup_key__in=keys)
            .values_list("dedup_key", flat=True)
        )
        fresh: dict[str, Outbox] = {}
        for row in rows:  # the first draft of a key wins, also within one call
            if row.dedup_key not in existing:
                fresh.setdefault(row.dedup_key, row)
        Outbox.objects.bulk_create(fresh.values(), batch_size=1000, ignore_conflicts=True)
    return len(fresh)


def outbox_enqueue(*, workspace: Workspace, draft: OutboxDraft) -> Outbox | None:
    """Write one message; None when its dedup key was already used in this workspace."""
    row = _row(workspace, draft, timezone.now())
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return None
    return row


def outbox_redact(*, outbox_id: int, replacements: dict[str, str]) -> bool:
    """Replace each secret in a settled row's stored subject and bodies by what may stay (a
    masked form): the copy kept for the sent-mail pages no longer holds it. The system's act,
    after delivery; a row still queued or sending is left alone, since a retry must carry the
    secret. True when the row changed."""
    row = (
        Outbox.objects.filter(pk=outbox_id)
        .exclude(status__in=[OutboxStatus.QUEUED, OutboxStatus.SENDING])
        .only("subject", "body_text", "body_html")
        .first()
    )
    if row is None:
        return False
    values = {"subject": row.subject, "body_text": row.body_text, "body_html": row.body_html}
    for name, text in values.items():
        for secret, shown in replacements.items():
            text = text.replace(secret, shown)
        values[name] = text
    changed = {k: v for k, v in values.items() if v != getattr(row, k)}
    if changed:
        Outbox.objects.filter(pk=outbox_id).update(**changed)
    return bool(changed)


def suppression_add(
    *, workspace: Workspace, address: str, reason: SuppressionReason, source: str = ""
) -> SuppressedAddress:
    """Never send to `address` again from this workspace (idempotent: keeps the first reason)."""
    entry, created = SuppressedAddress.objects.get_or_create(
        workspace=workspace,
        address=normalize_email(address),
        defaults={"reason": reason, "source": source[:200]},
    )
    if created:
        event_record(
            workspace=workspace,
            kind="outreach.suppressed",
            subject=entry,
            summary=entry.address,
            new={"reason": reason, "source": source},
        )
    return entry


def suppression_lift(
    *,
    workspace: Workspace,
    address: str,
    reason: SuppressionReason,
    source: str,
    customer: Customer | None = None,
) -> bool:
    """Remove the address's suppression if it is for `reason` (a new opt-in lifts an
    unsubscribe, never a bounce or a complaint); True when one was lifted."""
    entry = (
        SuppressedAddress.objects.for_workspace(workspace)
        .filter(address=normalize_email(address), reason=reason)
        .first()
    )
    if entry is None:
        return False
    event_record(
        workspace=workspace,
        kind="outreach.unsuppressed",
        subject=entry,
        actor_label="customer" if customer is not None else "",
        customer=customer,
        summary=entry.address,
        old={"reason": reason, "source": entry.source},
        new={"source": source},
    )
    entry.delete()
    return True


@transaction.atomic
def delivery_pause_set(
    *,
    workspace: Workspace,
    paused: bool,
    actor: User | None,
    reason: PauseReason = PauseReason.MANUAL,
) -> DeliverySettings:
    """Pause or resume this workspace's sending; rows already sending finish their batch.

    Pausing an already paused workspace only replaces the reason (a restore outranks a
    pause by hand: whoever resumes must know the queue may hold mail already sent).
    """
    permit(actor=actor, workspace=workspace, rule=DELIVERY_PAUSE_SET)
    current, _ = DeliverySettings.objects.select_for_update().get_or_create(workspace=workspace)
    old = {"sending_paused": current.sending_paused, "reason": current.pause_reason}
    new_reason = reason.value if paused else ""
    if paused and current.sending_paused and current.pause_reason == PauseReason.RESTORE:
        new_reason = PauseReason.RESTORE.value
    if old == {"sending_paused": paused, "reason": new_reason}:
        return current
    now = timezone.now()
    current.sending_paused, current.pause_reason = paused, new_reason
    current.paused_at = (current.paused_at or now) if paused else None
    current.updated_at = now
    current.save(update_fields=["sending_paused", "pause_reason", "paused_at", "updated_at"])
    event_record(
        workspace=workspace,
        kind="outreach.sending_paused" if paused else "outreach.sending_resumed",
        subject=current,
        actor=actor,
        old=old,
        new={"sending_paused": paused, "reason": new_reason},
    )
    return current


@transaction.atomic
def delivery_sender_set(
    *, workspace: Workspace, actor: User | None, from_name: str, from_email: str
) -> DeliverySettings:
    """The name and address the workspace's mail leaves from (blank: the install's)."""
    permit(actor=actor, workspace=workspace, rule=DELIVERY_SENDER_SET)
    current, _ = DeliverySettings.objects.select_for_update().get_or_create(workspace=workspace)
    old = {"from_name": current.from_name, "from_email": current.from_email}
    address = normalize_email(from_email) if from_email.strip() else ""
    new = {"from_name": from_name.strip()[:100], "from_email": address}
    if old == new:
        return current
    current.from_name, current.from_email = new["from_name"], new["from_email"]
    current.updated_at = timezone.now()
    current.save(update_fields=["from_name", "from_email", "updated_at"])
    event_record(
        workspace=workspace,
        kind="outreach.sender_changed",
        subject=current,
        actor=actor,
        old=old,
        new=new,
    )
    return current
