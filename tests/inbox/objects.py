"""Objects the clock's tests need: a customer whom the current retention run calls a champion."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from clientela.accounts.models import Workspace
from clientela.customers.models import Customer
from clientela.retention.models import CustomerScore, RetentionRun


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
