"""Inbox objects for the tests: a conversation with an attachment for the shared permission
matrices, and a customer whom the current retention run calls a champion (the clock's tests)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from clientela.accounts.models import Workspace
from clientela.customers.models import Customer
from clientela.inbox.models import Attachment
from clientela.inbox.services.receive import message_receive
from clientela.retention.models import CustomerScore, RetentionRun
from tests.inbox.mails import OUTLOOK_WITH_ATTACHMENT


def inbox_objects(cast: Any) -> dict[str, int]:
    message = message_receive(workspace=cast.shop, raw=OUTLOOK_WITH_ATTACHMENT, channel="email")
    assert message is not None
    return {
        "conversation": message.conversation_id,
        "inbox_attachment": Attachment.objects.filter(message=message).first().pk,  # type: ignore[union-attr]
    }


def make_champion(workspace: Workspace) -> Customer:
    customer = Customer.objects.create(workspace=workspace, first_name="Ana", last_name="Pop")
    run = RetentionRun.objects.create(
        workspace=workspace, status="succeeded", published=True, finished_at=timezone.now()
    )
    CustomerScore.objects.create(
        workspace=workspace,
        run=run,
        customer=customer,
        segment="champions",
        recency_score=5,
        frequency_score=5,
        monetary_score=5,
        purchases=9,
        total_spend=1000,
        first_purchase=date(2025, 1, 1),
        last_purchase=date(2026, 11, 1),
        scored_at=timezone.now(),
    )
    return customer
