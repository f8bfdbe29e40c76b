"""The dashboard's sales figures are computed by each refresh and read back by every view."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientela.commerce.models import Order
from clientela.commerce.selectors import sales_figures
from clientela.retention.models import RetentionRun
from clientela.retention.services import retention_run_execute, retention_run_request

from .factories import simulated_shop

TODAY = dt.date(2026, 6, 30)


def refresh(workspace) -> RetentionRun:  # type: ignore[no-untyped-def]
    run = retention_run_request(workspace=workspace, actor=None, model="bgnbd")
    retention_run_execute(run=run, today=TODAY)
    run.refresh_from_db()
    return run


def chart(page: str) -> dict:
    return json.loads(re.search(r'id="revenue-data"[^>]*>(.*?)</script>', page).group(1))


@pytest.mark.django_db
def test_a_refresh_stores_the_sales_figures_of_the_orders_it_was_fitted_on(cast):
    simulated_shop(cast.shop, n=60, start=dt.date(2025, 7, 1), end=TODAY)
    simulated_shop(cast.other_shop, n=20, start=dt.date(2025, 7, 1), end=TODAY, seed=3)

    run = refresh(cast.shop)

    live = sales_figures(workspace=cast.shop)
    assert run.dashboard["sales"] == live.as_json()
    assert type(live).from_json(run.dashboard["sales"]) == live
    assert sum(row.revenue for row in live.months) == sum(
        Order.objects.for_workspace(cast.shop).values_list("total", flat=True)
    )


@pytest.mark.django_db
def test_the_dashboard_shows_the_stored_figures_until_the_next_refresh(cast, client_for):
    customers = simulated_shop(cast.shop, n=60, start=dt.date(2025, 7, 1), end=TODAY)
    run = refresh(cast.shop)
    client = client_for(cast.viewer)
    before = client.get("/w/alice/").content.decode()
    Order.objects.create(
        workspace=cast.shop,
        customer=customers[0],
        placed_at=dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC),
        total=Decimal("1000.00"),
    )

    with CaptureQueriesContext(connection) as queries:
        after = client.get("/w/alice/").content.decode()
    refresh(cast.shop)
    refreshed = client.get("/w/alice/").content.decode()

    assert chart(after) == chart(before)  # the order waits for the next refresh ...
    assert chart(refreshed)["values"][-1] == chart(before)["values"][-1] + 1000.0  # ... here
    assert not any("GROUP BY" in q["sql"].upper() for q in queries.captured_queries)
    assert 'id="sales-as-of"' in after and run.finished_at is not None
    assert f'<p class="figure" id="orders-count">{len(Order.objects.all())}</p>' in after


@pytest.mark.django_db
def test_a_large_shop_shows_the_counts_of_the_refresh_too(cast, client_for, monkeypatch):
    from clientela.retention import selectors

    customers = simulated_shop(cast.shop, n=60, start=dt.date(2025, 7, 1), end=TODAY)
    refresh(cast.shop)
    orders = Order.objects.for_workspace(cast.shop).count()
    monkeypatch.setattr(selectors, "LIVE_COUNTS_UP_TO", orders - 1)  # "large" from here
    Order.objects.create(
        workspace=cast.shop,
        customer=customers[0],
        placed_at=dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC),
        total=Decimal("1000.00"),
    )

    with CaptureQueriesContext(connection) as queries:
        page = client_for(cast.viewer).get("/w/alice/").content.decode()

    assert f'<p class="figure" id="orders-count">{orders}</p>' in page
    assert '<p class="figure" id="customers-count">60</p>' in page
    assert "All these figures as of the last refresh of the scores" in page
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
