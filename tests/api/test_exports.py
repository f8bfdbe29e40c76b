"""GET /api/v1/customers/export.csv and /orders/export.csv: streamed CSV of one's own shop."""

from __future__ import annotations

import pytest

from tests.imports.export_data import CUSTOMERS_ALL, ORDERS_ALL, export_shop, first_cells

pytestmark = pytest.mark.django_db


def _csv(api, path: str, **query: str) -> str:  # type: ignore[no-untyped-def]
    response = api.get(path, **query)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content).decode()


def test_customers_export_is_the_callers_shop_with_formulas_neutralised(cast, api_as):
    export_shop(cast)
    assert first_cells(_csv(api_as("manager"), "/customers/export.csv")) == CUSTOMERS_ALL
    assert first_cells(_csv(api_as("outsider"), "/customers/export.csv")) == [
        CUSTOMERS_ALL[0],
        ["C3", "Ștefan"],
    ]


def test_customers_export_takes_the_lists_search(cast, owner_api):
    export_shop(cast)
    assert first_cells(_csv(owner_api, "/customers/export.csv", q="ȘTEF")) == CUSTOMERS_ALL[:2]


def test_orders_export_takes_status_and_dates(cast, owner_api):
    export_shop(cast)
    assert first_cells(_csv(owner_api, "/orders/export.csv")) == ORDERS_ALL
    placed = _csv(owner_api, "/orders/export.csv", status="placed", placed_from="2026-03-01")
    assert first_cells(placed) == ORDERS_ALL[:2]
    later = _csv(owner_api, "/orders/export.csv", placed_from="2026-03-02")
    assert first_cells(later) == ORDERS_ALL[:1]


def test_agents_and_viewers_cannot_export(cast, api_as):
    assert api_as("agent").get("/customers/export.csv").status_code == 403
    assert api_as("viewer").get("/orders/export.csv").status_code == 403
