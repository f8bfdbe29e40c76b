"""Builders for outreach content tests: customers with consent, orders, scores, outbox rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from clientela.accounts.models import Workspace
from clientela.commerce.models import Order
from clientela.customers.models import ConsentChannel, ConsentPurpose, Customer
from clientela.customers.services import consent_grant, customer_create
from clientela.mail.models import Outbox, OutboxKind
from clientela.mail.services import outbox_enqueue
from clientela.outreach.rendering import Rendered
from clientela.outreach.services.drafts import outbox_draft
from clientela.retention.models import CustomerScore, RetentionRun
from tests.mail.conftest import sink  # noqa: F401  (the recording SMTP relay)


class Builder:
    def customer(
        self,
        ws: Workspace,
        email: str,
        *,
        first: str = "Ana",
        consent: bool = True,
        language: str = "ro",
        **fields: Any,
    ) -> Customer:
        customer = customer_create(
            workspace=ws,
            actor=None,
            email=email,
            first_name=first,
            last_name="Test",
            language=language,
            **fields,
        )
        if consent:
            consent_grant(
                customer=customer,
                purpose=ConsentPurpose.MARKETING,
                channel=ConsentChannel.EMAIL,
                source="test",
                ip=None,
                actor=None,
            )
        return customer

    def order(self, customer: Customer, *, at: datetime, total: str = "100.00") -> Order:
        return Order.objects.create(
            workspace=customer.workspace, customer=customer, placed_at=at, total=Decimal(total)
        )

    def run(self, ws: Workspace) -> RetentionRun:
        run = RetentionRun.objects.for_workspace(ws).filter(published=True).first()
        return run or RetentionRun.objects.create(
            workspace=ws, status="succeeded", published=True, finished_at=timezone.now()
        )

    def score(
        self,
        customer: Customer,
        *,
        p_alive: float = 0.9,
        overdue: float = 1.0,
        clv: float = 100.0,
        segment: str = "loyal",
    ) -> CustomerScore:
        return CustomerScore.objects.create(
            workspace=customer.workspace,
            run=self.run(customer.workspace),
            customer=customer,
            p_alive=p_alive,
            overdue_ratio=overdue,
            clv=clv,
            segment=segment,
            recency_score=3,
            frequency_score=3,
            monetary_score=3,
            purchases=2,
            total_spend=Decimal("10"),
            first_purchase=date(2026, 1, 1),
            last_purchase=date(2026, 2, 1),
            scored_at=timezone.now(),
        )

    def thank_you_row(self, order: Order, *, due: datetime) -> Outbox:
        customer = order.customer
        draft = outbox_draft(
            customer=customer,
            address=customer.email,
            kind=OutboxKind.TRANSACTIONAL,
            source_type="thank_you",
            source_id=order.pk,
            dedup_key=f"thank_you:{order.pk}",
            message=Rendered("Mulțumim", f"Dragă {customer.first_name}, mulțumim!", ""),
            language="ro",
            not_before=due,
        )
        row = outbox_enqueue(workspace=order.workspace, draft=draft)
        assert row is not None
        return row


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    # A request through the public pages leaves the visitor's language active on this thread;
    # pytest-django runs the tests without a database last, so they inherited Romanian.
    with translation.override("en"):
        yield


@pytest.fixture
def build() -> Builder:
    return Builder()


def days_ago(n: int) -> datetime:
    return timezone.now() - timedelta(days=n)
