"""Products and orders through the API: exact results, one timeline row per change."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from clientela.commerce.models import Order, OrderLine, Product
from clientela.commerce.services import order_create, product_create
from clientela.customers.services import customer_create
from clientela.timeline.models import Event

pytestmark = pytest.mark.django_db


def _kinds(cast: Any) -> list[str]:
    rows = Event.objects.for_workspace(cast.shop).exclude(
        kind__in=["workspace.created", "token.created", "customer.created", "product.created"]
    )
    return list(rows.order_by("id").values_list("kind", flat=True))


@pytest.fixture
def ana(cast: Any) -> Any:
    return customer_create(workspace=cast.shop, actor=cast.owner, email="ana@example.com")


@pytest.fixture
def tea(cast: Any) -> Product:
    return product_create(workspace=cast.shop, actor=cast.owner, name="Tea", price=Decimal("12.50"))


def _order(cast: Any, customer: Any, **fields: Any) -> Order:
    return order_create(
        workspace=cast.shop,
        actor=cast.owner,
        customer=customer,
        placed_at=fields.pop("placed_at", datetime(2026, 3, 1, 9, tzinfo=UTC)),
        total=fields.pop("total", Decimal("10.00")),
        **fields,
    )


def test_product_create_read_patch_delete(cast, api_as):
    manager = api_as("manager")

    created = manager.post("/products", {"name": "Tea", "price": "12.5", "external_id": "P-1"})
    assert created.status_code == 201
    product = Product.objects.get()
    body = created.json()
    assert {k: body[k] for k in ("id", "name", "price", "currency", "external_id")} == {
        "id": product.pk,
        "name": "Tea",
        "price": "12.50",
        "currency": "RON",
        "external_id": "P-1",
    }
    assert product.price == Decimal("12.50")

    changed = manager.patch(f"/products/{product.pk}", {"price": "13.00"})
    assert (changed.status_code, changed.json()["price"], changed.json()["name"]) == (
        200,
        "13.00",
        "Tea",
    )
    event = Event.objects.get(kind="product.changed")
    assert (event.actor, event.old, event.new) == (
        cast.manager,
        {"price": "12.50"},
        {"price": "13.00"},
    )

    assert api_as("viewer").get(f"/products/{product.pk}").json()["price"] == "13.00"
    assert manager.delete(f"/products/{product.pk}").status_code == 204
    assert Product.objects.count() == 0
    assert Event.objects.filter(kind__startswith="product.").count() == 3


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Tea", "price": 12.5},  # decimals are strings, as the schema says
        {"name": "Tea", "price": "-1"},
        {"name": "Tea", "price": "1.234"},
        {"name": "Tea", "price": "12345678901"},
        {"name": ""},
        {"name": "Tea", "currency": "lei"},
    ],
)
def test_product_create_refuses_values_outside_the_schema(cast, owner_api, body):
    response = owner_api.post("/products", body)

    assert response.status_code == 422
    assert Product.objects.count() == 0


def test_product_external_id_taken_is_a_422_on_the_field(cast, owner_api, tea):
    owner_api.patch(f"/products/{tea.pk}", {"external_id": "P-1"})

    response = owner_api.post("/products", {"name": "Coffee", "external_id": "P-1"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "external_id"]
    assert Product.objects.count() == 1


def test_product_list_filters_by_prefix(cast, owner_api, tea):
    coffee = product_create(workspace=cast.shop, actor=cast.owner, name="Coffee")
    product_create(workspace=cast.other_shop, actor=cast.outsider, name="Tea")

    def names(**query: Any) -> list[str]:
        return [p["name"] for p in owner_api.get("/products", **query).json()["items"]]

    assert names() == ["Coffee", "Tea"]
    assert names(q="te") == ["Tea"]
    assert coffee.pk > tea.pk


def test_order_create_with_lines(cast, api_as, ana, tea):
    response = api_as("manager").post(
        "/orders",
        {
            "customer_id": ana.pk,
            "placed_at": "2026-03-01T11:00:00+02:00",
            "total": "25.00",
            "external_id": "O-1",
            "lines": [{"product_id": tea.pk, "quantity": "2", "unit_price": "12.50"}],
        },
    )

    assert response.status_code == 201
    order = Order.objects.get()
    body = response.json()
    body.pop("created_at")
    assert body == {
        "id": order.pk,
        "external_id": "O-1",
        "customer_id": ana.pk,
        "placed_at": "2026-03-01T09:00:00Z",
        "status": "placed",
        "currency": "RON",
        "total": "25.00",
        "lines": [
            {"product_id": tea.pk, "description": "", "quantity": "2.000", "unit_price": "12.50"}
        ],
    }
    assert OrderLine.objects.count() == 1
    event = Event.objects.get(kind="order.created")
    assert (event.actor, event.customer) == (cast.manager, ana)


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"placed_at": "2026-03-01T11:00:00"}, ["body", "payload", "placed_at"]),
        ({"placed_at": 1772355600}, ["body", "payload", "placed_at"]),
        ({"total": 25}, ["body", "payload", "total"]),
        ({"customer_id": "1"}, ["body", "payload", "customer_id"]),
        ({"customer_id": True}, ["body", "payload", "customer_id"]),
        ({"status": "lost"}, ["body", "payload", "status"]),
    ],
)
def test_order_create_refuses_naive_times_and_loose_types(cast, owner_api, ana, change, loc):
    body = {"customer_id": ana.pk, "placed_at": "2026-03-01T11:00:00Z", "total": "1.00"}

    response = owner_api.post("/orders", body | change)

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [loc]
    assert Order.objects.count() == 0


def test_order_for_a_customer_or_product_of_another_shop_is_refused(cast, owner_api, ana):
    stranger = customer_create(workspace=cast.other_shop, actor=cast.outsider, first_name="X")
    their_tea = product_create(workspace=cast.other_shop, actor=cast.outsider, name="Tea")
    body = {"customer_id": ana.pk, "placed_at": "2026-03-01T11:00:00Z", "total": "1.00"}

    wrong_customer = owner_api.post("/orders", body | {"customer_id": stranger.pk})
    wrong_product = owner_api.post(
        "/orders", body | {"lines": [{"product_id": their_tea.pk, "unit_price": "1.00"}]}
    )

    assert wrong_customer.status_code == 422
    assert wrong_customer.json()["detail"][0]["loc"] == ["body", "payload", "customer_id"]
    assert wrong_product.status_code == 422
    assert wrong_product.json()["detail"][0]["loc"] == ["body", "payload", "lines", 0, "product_id"]
    assert Order.objects.count() == 0
    assert _kinds(cast) == []


def test_order_patch_and_delete(cast, owner_api, ana):
    order = _order(cast, ana)

    changed = owner_api.patch(f"/orders/{order.pk}", {"status": "refunded"})
    deleted = owner_api.delete(f"/orders/{order.pk}")

    assert (changed.status_code, changed.json()["status"]) == (200, "refunded")
    assert deleted.status_code == 204
    assert Order.objects.count() == 0
    assert _kinds(cast) == ["order.created", "order.changed", "order.deleted"]
    assert Event.objects.get(kind="order.changed").new == {"status": "refunded"}


def test_order_list_filters(cast, owner_api, ana):
    bob = customer_create(workspace=cast.shop, actor=cast.owner, email="bob@example.com")
    march = _order(cast, ana, external_id="O-1")
    april = _order(cast, bob, placed_at=datetime(2026, 4, 1, tzinfo=UTC), status="cancelled")
    may = _order(cast, ana, placed_at=datetime(2026, 5, 1, tzinfo=UTC))

    def ids(**query: Any) -> list[int]:
        response = owner_api.get("/orders", **query)
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [may.pk, april.pk, march.pk]
    assert ids(customer_id=ana.pk) == [may.pk, march.pk]
    assert ids(status="cancelled") == [april.pk]
    assert ids(placed_after="2026-04-01T00:00:00Z") == [may.pk, april.pk]
    assert ids(placed_before="2026-04-01T00:00:00Z") == [march.pk]
    assert ids(external_id="O-1") == [march.pk]
    assert owner_api.get("/orders", placed_after="2026-04-01").status_code == 422


def test_list_query_counts_are_pinned(cast, owner_api, ana, tea, django_assert_num_queries):
    for number in range(5):
        _order(
            cast,
            ana,
            lines=[{"product": tea, "quantity": 1, "unit_price": Decimal("10")}] * 2,
            external_id=f"O-{number}",
        )
        product_create(workspace=cast.shop, actor=cast.owner, name=f"P{number}")
    owner_api.get("/orders")  # the token's last use is stamped on the first call

    with django_assert_num_queries(3):  # token, orders, their lines
        orders = owner_api.get("/orders")
    with django_assert_num_queries(2):  # token, products
        products = owner_api.get("/products")
    assert len(orders.json()["items"]) == 5
    assert len(products.json()["items"]) == 6
