"""Dashboard figures, the orders list and the products pages."""

import json
import re
from datetime import datetime
from decimal import Decimal

import pytest

from clientela.commerce.models import OrderStatus, Product
from clientela.commerce.selectors import RepeatRate, repeat_purchase_rate, revenue_by_month
from clientela.commerce.services import order_create
from clientela.customers.services import customer_create
from clientela.timeline.models import Event
from tests.web.conftest import BUCHAREST, post


def at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=BUCHAREST)


@pytest.fixture
def history(cast):  # type: ignore[no-untyped-def]
    ws = cast.shop
    ana = customer_create(workspace=ws, actor=None, first_name="Ana")
    ion = customer_create(workspace=ws, actor=None, first_name="Ion")
    eva = customer_create(workspace=ws, actor=None, first_name="Eva")
    customer_create(workspace=ws, actor=None, first_name="Never")  # no orders
    make = order_create
    make(
        workspace=ws,
        actor=None,
        customer=ana,
        placed_at=at(1, 31, 23),
        total=Decimal("100"),
        external_id="O1",
    )
    make(
        workspace=ws,
        actor=None,
        customer=ana,
        placed_at=at(2, 3),
        total=Decimal("50"),
        external_id="O2",
    )
    # Two orders on one day: not a repeat purchase.
    make(
        workspace=ws,
        actor=None,
        customer=ion,
        placed_at=at(2, 10, 9),
        total=Decimal("20"),
        external_id="O3",
    )
    make(
        workspace=ws,
        actor=None,
        customer=ion,
        placed_at=at(2, 10, 18),
        total=Decimal("30"),
        external_id="O4",
    )
    # Cancelled and refunded orders count for neither revenue nor repeats.
    make(
        workspace=ws,
        actor=None,
        customer=eva,
        placed_at=at(3, 1),
        total=Decimal("70"),
        external_id="O5",
        status=OrderStatus.PLACED,
    )
    make(
        workspace=ws,
        actor=None,
        customer=eva,
        placed_at=at(3, 9),
        total=Decimal("999"),
        external_id="O6",
        status=OrderStatus.CANCELLED,
    )
    make(
        workspace=ws,
        actor=None,
        customer=ion,
        placed_at=at(3, 12),
        total=Decimal("888"),
        external_id="O7",
        status=OrderStatus.REFUNDED,
    )
    other = customer_create(workspace=cast.other_shop, actor=None, first_name="Dan")
    make(
        workspace=cast.other_shop,
        actor=None,
        customer=other,
        placed_at=at(1, 5),
        total=Decimal("5000"),
    )
    make(
        workspace=cast.other_shop,
        actor=None,
        customer=other,
        placed_at=at(2, 5),
        total=Decimal("5000"),
    )


@pytest.mark.django_db
def test_revenue_per_month_is_summed_in_the_workspace_time_zone(cast, history):
    # O1 is 23:00 on 31 January in Bucharest (21:00 UTC): January, not February.
    rows = [(row.month.isoformat(), row.revenue) for row in revenue_by_month(workspace=cast.shop)]
    assert rows == [
        ("2026-01-01", Decimal("100")),
        ("2026-02-01", Decimal("100")),
        ("2026-03-01", Decimal("70")),
    ]


@pytest.mark.django_db
def test_repeat_rate_counts_buyers_with_orders_on_two_distinct_days(cast, history):
    assert repeat_purchase_rate(workspace=cast.shop) == RepeatRate(buyers=3, repeat_buyers=1)
    assert repeat_purchase_rate(workspace=cast.other_shop) == RepeatRate(buyers=1, repeat_buyers=1)


@pytest.mark.django_db
def test_the_dashboard_shows_the_figures_and_the_chart_data(cast, client_for, history):
    page = client_for(cast.viewer).get("/w/alice/").content.decode()
    assert '<p class="figure" id="customers-count">4</p>' in page
    assert '<p class="figure" id="orders-count">7</p>' in page
    assert '<p class="figure" id="repeat-rate">33.3 %</p>' in page
    assert "1 of 3 buyers ordered on two days or more" in page
    data = json.loads(re.search(r'id="revenue-data"[^>]*>(.*?)</script>', page).group(1))
    assert data == {
        "labels": ["January 2026", "February 2026", "March 2026"],
        "values": [100.0, 100.0, 70.0],
        "currency": "RON",
    }
    assert "/static/web/vendor/chart.umd.min.js" in page


@pytest.mark.django_db
def test_the_dashboard_in_romanian_writes_months_in_lower_case(cast, client_for, history):
    client = client_for(cast.viewer)
    client.cookies["django_language"] = "ro"
    page = client.get("/w/alice/").content.decode()
    data = json.loads(re.search(r'id="revenue-data"[^>]*>(.*?)</script>', page).group(1))
    assert data["labels"] == ["ianuarie 2026", "februarie 2026", "martie 2026"]
    assert "1 din 3 cumpărători au comandat în două zile sau mai multe" in page


def order_ids(response) -> list[str]:  # type: ignore[no-untyped-def]
    # Each order's number links to its page.
    return re.findall(
        r'<tr>\s*<td><a href="/w/alice/orders/\d+/">(O\d+)</a></td>', response.content.decode()
    )


@pytest.mark.django_db
def test_orders_are_listed_newest_first_and_filtered(cast, client_for, history):
    client = client_for(cast.viewer)
    assert order_ids(client.get("/w/alice/orders/")) == ["O7", "O6", "O5", "O4", "O3", "O2", "O1"]
    assert order_ids(client.get("/w/alice/orders/", {"status": "cancelled"})) == ["O6"]
    dated = client.get("/w/alice/orders/", {"placed_from": "2026-02-01", "placed_to": "2026-02-10"})
    assert order_ids(dated) == ["O4", "O3", "O2"]


@pytest.mark.django_db
def test_orders_pages_continue_from_a_cursor(cast, client_for, history, monkeypatch):
    from clientela.commerce import selectors

    # Pages of three, so that seven orders make three pages.
    monkeypatch.setattr(
        selectors.order_page, "__kwdefaults__", {"size": 3, "after": "", "before": ""}
    )
    client = client_for(cast.viewer)
    first = client.get("/w/alice/orders/")
    assert order_ids(first) == ["O7", "O6", "O5"]
    after = re.search(r'href="\?after=([^"]+)"', first.content.decode()).group(1)
    second = client.get(f"/w/alice/orders/?after={after}")
    assert order_ids(second) == ["O4", "O3", "O2"]
    before = re.search(r'href="\?before=([^"]+)"', second.content.decode()).group(1)
    assert order_ids(client.get(f"/w/alice/orders/?before={before}")) == ["O7", "O6", "O5"]


@pytest.mark.django_db
def test_a_manager_creates_and_edits_a_product(cast, client_for):
    client = client_for(cast.manager)
    data = {
        "name": "Ceai",
        "description": "",
        "price": "12.50",
        "currency": "ron",
        "external_id": "P1",
    }
    response = post(client, "/w/alice/products/new/", data)
    assert response.status_code == 302
    product = Product.objects.for_workspace(cast.shop).get()
    assert (product.name, product.price, product.currency) == ("Ceai", Decimal("12.50"), "RON")
    response = post(client, f"/w/alice/products/{product.pk}/edit/", {**data, "price": "14"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.price == Decimal("14")
    kinds = list(
        Event.objects.for_workspace(cast.shop)
        .filter(subject_type="product")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["product.created", "product.changed"]
    page = client.get("/w/alice/products/").content.decode()
    assert "Ceai" in page and "14.00\N{NO-BREAK SPACE}RON" in page


@pytest.mark.django_db
def test_a_product_form_reports_bad_input(cast, client_for):
    response = post(
        client_for(cast.manager),
        "/w/alice/products/new/",
        {"name": "", "price": "-1", "currency": "RON"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in text
    assert "Ensure this value is greater than or equal to 0." in text
    assert not Product.objects.exists()
