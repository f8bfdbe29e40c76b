"""Orders entered by hand: the form and its line editor, the order page, a product's orders."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from clientela.commerce.models import Order, OrderLine, OrderStatus
from clientela.commerce.services import product_create
from clientela.customers.models import Customer
from clientela.timeline.models import Event
from tests.web.conftest import BUCHAREST, post

pytestmark = pytest.mark.django_db


def _form(customer: str = "", **extra: Any) -> dict[str, Any]:
    data = {
        "customer": customer,
        "email": "",
        "first_name": "",
        "last_name": "",
        "placed_on": "2026-03-05",
        "external_id": "",
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
    }
    return data | extra


def _lines(*rows: tuple[str, str, str]) -> dict[str, str]:
    data = {"lines-TOTAL_FORMS": str(len(rows))}
    for i, (item, quantity, price) in enumerate(rows):
        data |= {f"lines-{i}-item": item, f"lines-{i}-quantity": quantity}
        data[f"lines-{i}-unit_price"] = price
    return data


@pytest.fixture
def honey(cast):
    return product_create(
        workspace=cast.shop, actor=cast.owner, name="Miere", price=Decimal("32.50")
    )


def test_the_form_opens_with_today_and_one_line_and_offers_the_products(cast, client_for, shop):
    page = client_for(cast.manager).get("/w/alice/orders/new/").content.decode()

    today = timezone.localdate(timezone=BUCHAREST)
    assert f'name="placed_on" value="{today:%Y-%m-%d}"' in page
    assert 'name="lines-TOTAL_FORMS" value="1"' in page
    assert f'<option value="Ceai verde (#{shop.product.pk})">15.00 RON</option>' in page
    assert "Cafea" not in page  # the other shop's product


def test_a_customer_page_link_opens_the_form_for_that_customer(cast, client_for, shop):
    page = client_for(cast.manager).get(f"/w/alice/orders/new/?customer={shop.customer.pk}")
    foreign = client_for(cast.manager).get(
        f"/w/alice/orders/new/?customer={shop.foreign_customer.pk}"
    )

    assert f'name="customer" value="{shop.customer.pk}"' in page.content.decode()
    assert "Ioana Popescu" in page.content.decode()
    assert foreign.status_code == 404


def test_a_search_on_the_form_offers_customers_to_pick(cast, client_for, shop):
    client = client_for(cast.manager)

    found = client.get("/w/alice/orders/new/?q=popes").content.decode()
    none = client.get("/w/alice/orders/new/?q=dan").content.decode()

    assert f'<a href="?customer={shop.customer.pk}">Ioana Popescu</a>' in found
    assert "No customer matches; enter a new one below." in none  # Dan is the other shop's


def test_add_and_remove_a_line_keep_every_value_typed(cast, client_for, shop):
    client = client_for(cast.manager)
    typed = _form(email="new@example.com") | _lines(("Ceai", "2", "3.00"), ("Cana", "1", "20"))

    added = post(client, "/w/alice/orders/new/", typed | {"add_line": "1"}).content.decode()
    removed = post(client, "/w/alice/orders/new/", typed | {"remove_line": "0"}).content.decode()

    assert 'name="lines-TOTAL_FORMS" value="3"' in added
    assert 'name="lines-2-quantity" value="1"' in added
    assert 'value="new@example.com"' in added
    assert 'name="lines-TOTAL_FORMS" value="1"' in removed
    assert 'name="lines-0-item" value="Cana"' in removed
    assert Order.objects.count() == 2  # the shop fixture's two, nothing recorded
    assert 'class="error"' not in added + removed


def test_a_sale_of_a_picked_and_a_typed_product_for_a_new_customer(cast, client_for, shop, honey):
    data = _form(
        email="Maria@Example.com", first_name="Maria", last_name="Ionescu", external_id="M-1"
    ) | _lines((f"Miere (#{honey.pk})", "2", ""), ("Ambalaj cadou", "1", "4.99"))

    response = post(client_for(cast.manager), "/w/alice/orders/new/", data)

    order = Order.objects.get(external_id="M-1")
    assert response.status_code == 302
    assert response["Location"] == f"/w/alice/orders/{order.pk}/"
    maria = Customer.objects.get(email="maria@example.com")
    assert (maria.first_name, maria.last_name, order.customer) == ("Maria", "Ionescu", maria)
    assert (order.total, order.currency, order.status) == (Decimal("69.99"), "RON", "placed")
    assert order.placed_at == datetime(2026, 3, 5, 12, tzinfo=BUCHAREST)
    lines = list(
        OrderLine.objects.filter(order=order)
        .order_by("pk")
        .values_list("product_id", "description", "quantity", "unit_price")
    )
    assert lines == [
        (honey.pk, "Miere", Decimal("2.000"), Decimal("32.50")),
        (None, "Ambalaj cadou", Decimal("1.000"), Decimal("4.99")),
    ]
    kinds = list(Event.objects.filter(customer=maria).order_by("pk").values_list("kind", "actor"))
    assert kinds == [("customer.created", cast.manager.pk), ("order.created", cast.manager.pk)]


def test_a_known_address_picks_its_customer(cast, client_for, shop):
    data = _form(email="IOANA@example.com") | _lines(("Ceai", "1", "10"))

    post(client_for(cast.manager), "/w/alice/orders/new/", data)

    assert Customer.objects.filter(workspace=cast.shop).count() == 1
    assert Order.objects.filter(customer=shop.customer).count() == 2


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"placed_on": "1999-12-31"}, "placed_on", "The order date must be between 01/01/2000"),
        (_lines(("Ceai", "1", "")), "lines-0-unit_price", "Enter the unit price."),
        (_lines(("Ceai (#999999)", "1", "")), "lines-0-item", "Unknown product."),
        (_lines(("Ceai", "0", "1")), "lines-0-quantity", "greater than or equal to 0.001"),
        ({"email": ""}, "", "Choose a customer or enter a new one"),
        (_lines(), "", "Add at least one line"),
    ],
)
def test_a_refused_sale_shows_why_and_records_nothing(
    cast, client_for, shop, change, field, message
):
    data = _form(email="nou@example.com") | _lines(("Ceai", "1", "10")) | change
    before = (Order.objects.count(), Customer.objects.count(), Event.objects.count())

    response = post(client_for(cast.manager), "/w/alice/orders/new/", data)

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    if field:
        assert f'id="id_{field}_error"' in page
    assert (Order.objects.count(), Customer.objects.count(), Event.objects.count()) == before


def test_the_order_page_shows_lines_totals_status_and_timeline(cast, client_for, shop, honey):
    post(
        client_for(cast.manager),
        "/w/alice/orders/new/",
        _form(customer=str(shop.customer.pk), external_id="M-2")
        | _lines((f"Miere (#{honey.pk})", "1.5", "")),
    )
    order = Order.objects.get(external_id="M-2")

    page = client_for(cast.viewer).get(f"/w/alice/orders/{order.pk}/").content.decode()

    assert "<h1>Order M-2</h1>" in page
    assert f'<a href="/w/alice/products/{honey.pk}/">Miere</a>' in page
    assert '<td class="num">1.5</td>' in page
    assert '<dd id="order-total">48.75 RON</dd>' in page
    assert '<dd id="order-status">Placed</dd>' in page
    assert 'data-kind="order.created">Order placed</span>' in page
    assert "Cancel the order" not in page  # a viewer changes nothing


def test_cancel_and_refund_are_each_one_timeline_row_and_only_from_placed(cast, client_for, shop):
    client = client_for(cast.manager)
    url = f"/w/alice/orders/{shop.order.pk}/"

    page = client.get(url).content.decode()
    cancelled = post(client, url + "status/", {"status": "cancelled"})
    again = post(client, url + "status/", {"status": "refunded"}, follow=True)

    assert "Cancel the order" in page and "Mark as refunded" in page
    assert cancelled.status_code == 302
    shop.order.refresh_from_db()
    assert shop.order.status == OrderStatus.CANCELLED
    rows = Event.objects.filter(subject_type="order", subject_id=shop.order.pk).order_by("pk")
    assert [(e.kind, e.old, e.new) for e in rows][1:] == [
        ("order.cancelled", {"status": "placed"}, {"status": "cancelled"})
    ]
    assert "A cancelled order cannot become refunded." in again.content.decode()
    assert 'data-kind="order.cancelled">Order cancelled</span>' in again.content.decode()


def test_an_agent_cannot_change_a_status(cast, client_for, shop):
    response = post(
        client_for(cast.teammate),
        f"/w/alice/orders/{shop.order.pk}/status/",
        {"status": "cancelled"},
    )

    assert response.status_code == 403
    shop.order.refresh_from_db()
    assert shop.order.status == OrderStatus.PLACED


def test_a_product_page_lists_the_orders_it_was_sold_in(cast, client_for, shop, honey):
    client = client_for(cast.manager)
    for number, quantity in (("P-1", "1"), ("P-2", "3")):
        post(
            client,
            "/w/alice/orders/new/",
            _form(
                customer=str(shop.customer.pk), external_id=number, placed_on=f"2026-03-0{quantity}"
            )
            | _lines((f"Miere (#{honey.pk})", quantity, ""), ("Altceva", "1", "1")),
        )

    page = client.get(f"/w/alice/products/{honey.pk}/").content.decode()
    empty = client.get(f"/w/alice/products/{shop.product.pk}/").content.decode()

    p1, p2 = (Order.objects.get(external_id=n) for n in ("P-1", "P-2"))
    assert page.index(f'/orders/{p2.pk}/">P-2</a>') < page.index(f'/orders/{p1.pk}/">P-1</a>')
    assert '<td class="num">3</td>' in page
    assert "No order has this product yet." in empty


def test_the_status_of_another_shops_order_is_not_found(cast, client_for, shop):
    url = f"/w/alice/orders/{shop.foreign_order.pk}/status/"

    response = post(client_for(cast.owner), url, {"status": "cancelled"})

    assert response.status_code == 404
    shop.foreign_order.refresh_from_db()
    assert shop.foreign_order.status == OrderStatus.PLACED
