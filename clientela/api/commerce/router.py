"""Products (list, read, create, change, delete) and orders (the same, with their lines)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import ValidationError

from clientela.accounts.models import Workspace
from clientela.accounts.scoping import scoped_get
from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.commerce.schemas import (
    LineIn,
    OrderFilters,
    OrderIn,
    OrderOut,
    OrderPage,
    OrderPatch,
    ProductFilters,
    ProductIn,
    ProductOut,
    ProductPage,
    ProductPatch,
)
from clientela.api.errors import OBJECT_READ, OBJECT_WRITE, READ, WRITE, unprocessable
from clientela.api.imports.router import CSV_RESPONSE, order_export
from clientela.api.openapi import former_operation_id, keep_operation_ids
from clientela.api.pagination import page_of
from clientela.api.types import QueryId
from clientela.commerce.models import Order, Product
from clientela.commerce.policy import (
    ORDER_CREATE,
    ORDER_DELETE,
    ORDER_UPDATE,
    PRODUCT_CREATE,
    PRODUCT_DELETE,
    PRODUCT_UPDATE,
)
from clientela.commerce.services import (
    CommerceError,
    order_create,
    order_delete,
    order_update,
    product_create,
    product_delete,
    product_update,
)
from clientela.customers.models import Customer

product_router = Router(tags=["products"])
order_router = Router(tags=["orders"])


def _product(request: HttpRequest, product_id: int) -> Product:
    return scoped_get(Product, workspace_of(request), product_id)


@product_router.get("", response={200: ProductPage, **READ}, summary="List products, newest first")
def product_list(request: HttpRequest, filters: Query[ProductFilters]) -> dict[str, Any]:
    products = Product.objects.for_workspace(workspace_of(request))
    if filters.q:
        products = products.filter(
            Q(name__istartswith=filters.q) | Q(external_id__istartswith=filters.q)
        )
    return page_of(products, filters)


@product_router.post("", response={201: ProductOut, **WRITE}, summary="Create a product")
def product_create_endpoint(request: HttpRequest, payload: ProductIn) -> Status[Product]:
    require(request, PRODUCT_CREATE)
    workspace = workspace_of(request)
    values = payload.model_dump()
    values["currency"] = values["currency"] or workspace.currency
    try:
        product = product_create(workspace=workspace, actor=actor_of(request), **values)
    except CommerceError as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return Status(201, _product(request, product.pk))


@product_router.get("/{product_id}", response={200: ProductOut, **OBJECT_READ}, summary="A product")
def product_read(request: HttpRequest, product_id: Path[QueryId]) -> Product:
    return _product(request, product_id)


@product_router.patch(
    "/{product_id}", response={200: ProductOut, **OBJECT_WRITE}, summary="Change a product"
)
def product_update_endpoint(
    request: HttpRequest, product_id: Path[QueryId], payload: ProductPatch
) -> Product:
    require(request, PRODUCT_UPDATE)
    product = _product(request, product_id)
    try:
        product_update(
            product=product, actor=actor_of(request), **payload.model_dump(exclude_unset=True)
        )
    except CommerceError as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return _product(request, product.pk)


@product_router.delete(
    "/{product_id}",
    response={204: None, **OBJECT_READ},
    summary="Delete a product; order lines keep their description and price",
)
def product_delete_endpoint(request: HttpRequest, product_id: Path[QueryId]) -> Status[None]:
    require(request, PRODUCT_DELETE)
    product_delete(product=_product(request, product_id), actor=actor_of(request))
    return Status(204, None)


keep_operation_ids(product_router, "clientela.api.routers.products")


# -- orders --------------------------------------------------------------------------------


def _order(request: HttpRequest, order_id: int) -> Order:
    return scoped_get(Order.objects.prefetch_related("lines"), workspace_of(request), order_id)


def _filtered(orders: QuerySet[Order], filters: OrderFilters) -> QuerySet[Order]:
    if filters.customer_id is not None:
        orders = orders.filter(customer_id=filters.customer_id)
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.placed_after is not None:
        orders = orders.filter(placed_at__gte=filters.placed_after)
    if filters.placed_before is not None:
        orders = orders.filter(placed_at__lt=filters.placed_before)
    if filters.external_id:
        orders = orders.filter(external_id=filters.external_id)
    return orders


def _lines(workspace: Workspace, lines: list[LineIn]) -> list[dict[str, Any]]:
    """The service's line dicts; a product of another workspace is unknown, like a missing one."""
    wanted = {line.product_id for line in lines if line.product_id is not None}
    products = Product.objects.for_workspace(workspace).in_bulk(wanted)
    result = []
    for index, line in enumerate(lines):
        if line.product_id is not None and line.product_id not in products:
            raise ValidationError(
                [
                    {
                        "loc": ["body", "payload", "lines", index, "product_id"],
                        "msg": _("Unknown product."),
                        "type": "value_error",
                    }
                ]
            )
        result.append(
            {
                "product": products.get(line.product_id) if line.product_id else None,
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
            }
        )
    return result


@order_router.get("", response={200: OrderPage, **READ}, summary="List orders, newest first")
def order_list(request: HttpRequest, filters: Query[OrderFilters]) -> dict[str, Any]:
    orders = Order.objects.for_workspace(workspace_of(request)).prefetch_related("lines")
    return page_of(_filtered(orders, filters), filters)


order_router.get(
    "/export.csv",
    response=READ,
    openapi_extra=CSV_RESPONSE,
    summary="Orders as CSV (managers and owners)",
    operation_id=former_operation_id("clientela.api.routers.exports", order_export),
)(order_export)


@order_router.post("", response={201: OrderOut, **WRITE}, summary="Record an order")
def order_create_endpoint(request: HttpRequest, payload: OrderIn) -> Status[Order]:
    require(request, ORDER_CREATE)
    workspace = workspace_of(request)
    customer = Customer.objects.for_workspace(workspace).filter(pk=payload.customer_id).first()
    if customer is None:
        raise unprocessable("customer_id", _("Unknown customer."))
    lines = _lines(workspace, payload.lines)
    try:
        order = order_create(
            workspace=workspace,
            actor=actor_of(request),
            customer=customer,
            placed_at=payload.placed_at,
            total=payload.total,
            external_id=payload.external_id,
            status=payload.status,
            currency=payload.currency,
            lines=lines,
        )
    except CommerceError as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return Status(201, _order(request, order.pk))


@order_router.get("/{order_id}", response={200: OrderOut, **OBJECT_READ}, summary="An order")
def order_read(request: HttpRequest, order_id: Path[QueryId]) -> Order:
    return _order(request, order_id)


@order_router.patch(
    "/{order_id}", response={200: OrderOut, **OBJECT_WRITE}, summary="Change an order"
)
def order_update_endpoint(
    request: HttpRequest, order_id: Path[QueryId], payload: OrderPatch
) -> Order:
    require(request, ORDER_UPDATE)
    order = _order(request, order_id)
    try:
        order_update(order=order, actor=actor_of(request), **payload.model_dump(exclude_unset=True))
    except CommerceError as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return _order(request, order.pk)


@order_router.delete("/{order_id}", response={204: None, **OBJECT_READ}, summary="Delete an order")
def order_delete_endpoint(request: HttpRequest, order_id: Path[QueryId]) -> Status[None]:
    require(request, ORDER_DELETE)
    order_delete(order=_order(request, order_id), actor=actor_of(request))
    return Status(204, None)


keep_operation_ids(order_router, "clientela.api.routers.orders")
