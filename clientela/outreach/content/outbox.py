"""Building outbox rows for content messages, with the delivery core's field names.

The delivery core sends any queued row; this module only decides what goes in one.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from clientela.accounts.models import Workspace
from clientela.customers.models import Consent, ConsentChannel, ConsentPurpose, Customer
from clientela.outreach.content.rendering import Rendered
from clientela.outreach.models import PRIORITY, Outbox, OutboxKind, SuppressedAddress


def _message_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"


def outbox_build(
    *,
    workspace: Workspace,
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
) -> Outbox:
    """An unsaved outbox row; callers insert one or many (`bulk_create`) in their transaction."""
    now = timezone.now()
    return Outbox(
        workspace=workspace,
        customer=customer,
        to_address=address,
        to_name=customer.display_name if customer and customer.display_name != address else "",
        language=language,
        kind=kind,
        priority=PRIORITY[kind],
        source_type=source_type,
        source_id=source_id,
        dedup_key=dedup_key,
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
        headers=headers or {},
        message_id=make_msgid(domain=_message_domain()),
        not_before=not_before or now,
        next_attempt_at=not_before or now,
    )


def suppressed_addresses(workspace: Workspace) -> QuerySet[SuppressedAddress]:
    return SuppressedAddress.objects.for_workspace(workspace)


def consented_customer_ids(
    workspace: Workspace, purposes: list[ConsentPurpose]
) -> QuerySet[Consent, Any]:
    """Customers with a standing (not withdrawn) e-mail consent for one of `purposes`."""
    return (
        Consent.objects.for_workspace(workspace)
        .filter(purpose__in=purposes, channel=ConsentChannel.EMAIL, withdrawn_at__isnull=True)
        .values("customer_id")
    )


def not_suppressed(workspace: Workspace) -> Q:
    """A filter on Customer: has an address and it is not on the suppression list."""
    return ~Q(email="") & ~Q(email__in=suppressed_addresses(workspace).values("address"))
