"""CSV downloads from the customer and order lists."""

from __future__ import annotations

import pytest

from tests.imports.export_data import CUSTOMERS_ALL, ORDERS_ALL, export_shop, first_cells

pytestmark = pytest.mark.django_db


def _download(client, url: str, **query: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url, query)
    assert response.status_code == 200
    assert response.streaming  # rows are sent as they are read, never held whole
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content).decode()


def test_a_manager_downloads_every_customer_of_the_shop_neutralised(cast, client_for):
    export_shop(cast)
    text = _download(client_for(cast.manager), "/w/alice/customers/export.csv")
    assert first_cells(text) == CUSTOMERS_ALL


def test_the_customer_download_keeps_the_lists_filters(cast, client_for):
    export_shop(cast)
    text = _download(client_for(cast.owner), "/w/alice/customers/export.csv", q="stef")
    assert first_cells(text) == CUSTOMERS_ALL[:2]


def test_the_order_download_keeps_the_lists_filters(cast, client_for):
    export_shop(cast)
    client = client_for(cast.manager)
    assert first_cells(_download(client, "/w/alice/orders/export.csv")) == ORDERS_ALL
    cancelled = _download(client, "/w/alice/orders/export.csv", status="cancelled")
    assert first_cells(cancelled) == [ORDERS_ALL[0], ORDERS_ALL[2]]


def test_the_download_link_carries_the_current_filters_and_only_managers_see_it(cast, client_for):
    export_shop(cast)
    page = client_for(cast.manager).get(
        "/w/alice/customers/", {"q": "stef", "language": "ro", "after": "99"}
    )
    assert 'href="/w/alice/customers/export.csv?q=stef&amp;language=ro"' in page.content.decode()
    orders = client_for(cast.owner).get("/w/alice/orders/", {"status": "placed"})
    assert 'href="/w/alice/orders/export.csv?status=placed"' in orders.content.decode()
    as_agent = client_for(cast.teammate).get("/w/alice/customers/").content.decode()
    assert "export.csv" not in as_agent
    assert client_for(cast.teammate).get("/w/alice/customers/export.csv").status_code == 403


def test_the_excel_romania_download_has_semicolons_decimal_commas_and_a_bom(cast, client_for):
    export_shop(cast)
    client = client_for(cast.manager)
    response = client.get("/w/alice/orders/export-excel.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="orders-alice-excel.csv"'
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # so that Excel reads it as UTF-8
    assert raw.decode("utf-8-sig").splitlines() == [
        "external_id;customer_external_id;customer_email;placed_at;status;currency;total",
        "O1;C1;s@x.ro;2026-03-01 12:00:00;placed;RON;9,50",
        "O2;C2;;2026-03-01 12:00:00;cancelled;RON;9,50",
    ]
    customers = b"".join(client.get("/w/alice/customers/export-excel.csv").streaming_content)
    assert customers.decode("utf-8-sig").splitlines()[:2] == [
        "external_id;first_name;last_name;email;phone;address;city;postal_code;country;"
        "language;tags;segment;recency_score;frequency_score;monetary_score",
        "C1;Ștefan;;s@x.ro;;;;;RO;ro;;;;;",  # not scored yet: no segment, no R, F, M
    ]


def test_the_lists_offer_the_excel_romania_download_with_their_filters(cast, client_for):
    export_shop(cast)
    page = client_for(cast.manager).get("/w/alice/orders/", {"status": "placed"})
    assert 'href="/w/alice/orders/export-excel.csv?status=placed"' in page.content.decode()
    page = client_for(cast.manager).get("/w/alice/customers/", {"q": "stef"})
    assert 'href="/w/alice/customers/export-excel.csv?q=stef"' in page.content.decode()
    assert client_for(cast.teammate).get("/w/alice/orders/export-excel.csv").status_code == 403
