from __future__ import annotations

from clientela.accounts.models import Workspace
from clientela.mail.models import Outbox, OutboxKind
from clientela.mail.services import OutboxDraft, outbox_enqueue


def draft(
    address: str, *, kind: OutboxKind = OutboxKind.TRANSACTIONAL, key: str | None = None, **extra
) -> OutboxDraft:
    values = {
        "to_address": address,
        "subject": f"Hello {address}",
        "body_text": "Thank you for your order.\n",
        "kind": kind,
        "source_type": "test",
        "source_id": None,
        "dedup_key": key or f"test:{address}",
    }
    values.update(extra)
    return OutboxDraft(**values)


def queue(workspace: Workspace, address: str, **extra) -> Outbox:
    row = outbox_enqueue(workspace=workspace, draft=draft(address, **extra))
    assert row is not None
    return row
