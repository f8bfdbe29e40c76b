"""Retention rows of the API permission matrix (collected by test_permissions.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from .permissions_outreach import READ_ALL, READ_OBJECT, allowed


def _scored(shop: Any) -> dict[str, int]:
    """A published run in Alice's shop with a score for her customer (made on first use)."""
    cache = shop.__dict__.setdefault("_retention", {})
    if not cache:
        from clientela.retention.models import CustomerScore, RetentionRun, RunStatus

        workspace = shop.customer.workspace
        run = RetentionRun.objects.create(
            workspace=workspace,
            status=RunStatus.SUCCEEDED,
            published=True,
            finished_at=timezone.now(),
        )
        CustomerScore.objects.create(
            workspace=workspace,
            run=run,
            customer=shop.customer,
            segment="new",
            recency_score=5,
            frequency_score=1,
            monetary_score=1,
            purchases=1,
            total_spend=Decimal("5.00"),
            first_purchase=dt.date(2026, 3, 2),
            last_purchase=dt.date(2026, 3, 2),
            scored_at=timezone.now(),
        )
        cache.update(run=run.pk, customer=shop.customer.pk)
    return cache


Call = Callable[[Any], tuple[str, Any]]
MATRIX: dict[tuple[str, str], tuple[Call, dict[str, int]]] = {
    ("GET", "/retention/scores"): (lambda s: ("/retention/scores", None), READ_ALL),
    ("GET", "/retention/scores/{customer_id}"): (
        lambda s: (f"/retention/scores/{_scored(s)['customer']}", None),
        READ_OBJECT,
    ),
    ("GET", "/retention/segments"): (lambda s: ("/retention/segments", None), READ_ALL),
    ("POST", "/retention/refresh"): (
        lambda s: ("/retention/refresh", {"model": "bgnbd"}),
        allowed(202, 403, 403, 202, 202),
    ),
    ("GET", "/retention/runs/{run_id}"): (
        lambda s: (f"/retention/runs/{_scored(s)['run']}", None),
        READ_OBJECT,
    ),
}
