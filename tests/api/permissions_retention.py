"""Retention rows of the API permission matrix (collected by test_permissions.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tests.matrix import READ_ALL, READ_OBJECT, allowed


def _run(shop: Any) -> int:
    """A published run of Alice's shop that scores her customer (made on first use)."""
    from clientela.retention.models import CustomerScore, RetentionRun, RunStatus

    cache = shop.__dict__.setdefault("_retention", {})
    if not cache:
        workspace = shop.customer.workspace
        run = RetentionRun.objects.create(
            workspace=workspace, status=RunStatus.SUCCEEDED, published=True
        )
        day = dt.date(2026, 1, 1)
        CustomerScore.objects.create(
            workspace=workspace,
            run=run,
            customer=shop.customer,
            segment="new",
            recency_score=5,
            frequency_score=1,
            monetary_score=1,
            purchases=1,
            total_spend=Decimal("10.00"),
            first_purchase=day,
            last_purchase=day,
            scored_at=timezone.now(),
        )
        cache["run"] = run.pk
    return int(cache["run"])


def _score(shop: Any) -> tuple[str, None]:
    _run(shop)
    return f"/retention/scores/{shop.customer.pk}", None


Call = Callable[[Any], tuple[str, Any]]
MATRIX: dict[tuple[str, str], tuple[Call, dict[str, int]]] = {
    ("GET", "/retention/scores"): (lambda s: ("/retention/scores", None), READ_ALL),
    ("GET", "/retention/scores/{customer_id}"): (_score, READ_OBJECT),
    ("GET", "/retention/segments"): (lambda s: ("/retention/segments", None), READ_ALL),
    ("POST", "/retention/refresh"): (
        lambda s: ("/retention/refresh", {"model": "bgnbd"}),
        allowed(202, 403, 403, 202, 202),
    ),
    ("GET", "/retention/runs/{run_id}"): (
        lambda s: (f"/retention/runs/{_run(s)}", None),
        READ_OBJECT,
    ),
    ("GET", "/retention/settings"): (lambda s: ("/retention/settings", None), READ_ALL),
    ("PATCH", "/retention/settings"): (
        lambda s: ("/retention/settings", {"clv_margin": 0.4}),
        allowed(200, 403, 403, 200, 200),
    ),
}
