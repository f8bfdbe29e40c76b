"""Drafts of outbox rows for content messages, written through mail's
`outbox_enqueue` services (which pick the Message-ID and normalise the address).
"""

from __future__ import annotations

from datetime import datetime

from clientela.customers.models import Customer
from clientela.mail.models import OutboxKind
from clientela.mail.services import OutboxDraft
from clientela.outreach.rendering import Rendered


def outbox_draft(
    *,
    customer: Customer | None,
    address: str,
    kind: OutboxKind,
    source_type: str,
    source_id: int | None,
    dedup_key: str,
    message: Rendered,
    language: str,
    not_before: datetime | None = None,
    headers: dict[str, str] | None = None,
) -> OutboxDraft:
    """A draft for mail's `outbox_enqueue`/`outbox_enqueue_many`."""
    return OutboxDraft(
        to_address=address,
        to_name=customer.display_name if customer and customer.display_name != address else "",
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
        kind=kind,
        source_type=source_type,
        source_id=source_id,
        dedup_key=dedup_key,
        customer=customer,
        language=language,
        not_before=not_before,
        headers=headers or {},
    )
