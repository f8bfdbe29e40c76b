"""Orders: list, read, create (with lines), change, delete."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import ValidationError

from clientela.accounts.models import Workspace
from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.errors import OBJECT_READ, OBJECT_WRITE, READ, WRITE, unprocessable
from clientela.api.pagination import page_of
from clientela.api.routers.exports import CSV_RESPONSE, order_export
from clientela.api.schemas.commerce import (
    LineIn,
    OrderFilters,
    OrderIn,
    OrderOut,
    OrderPage,
    OrderPatch,
)
from clientela.api.types import QueryId
from clientela.commerce.models import Order, Product
from clientela.commerce.policy import ORDER_CREATE, ORDER_DELETE, ORDER_UPDATE
from clientela.commerce.services import CommerceError, order_create, order_delete, order_update
from clientela.customers.models import Customer

router = Router(tags=["orders"])


def _orders(request: HttpRequest) -> QuerySet[Order]:
    return Order.objects.for_workspace(workspace_of(request)).prefetch_related("lines")


def _order(request: HttpRequest, order_id: int) -> Order:
    return get_object_or_404(_orders(request), pk=order_id)


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


@router.get("", response={200: OrderPage, **READ}, summary="List orders, newest first")
def order_list(request: HttpRequest, filters: Query[OrderFilters]) -> dict[str, Any]:
    return page_of(_filtered(_orders(request), filters), filters)


router.get(
    "/export.csv",
    response=READ,
    openapi_extra=CSV_RESPONSE,
    summary="Orders as CSV (managers and owners)",
)(order_export)


@router.post("", response={201: OrderOut, **WRITE}, summary="Record an order")
def order_create_endpoint(request: HttpRequest, payload: OrderIn) -> Status[Order]:
    require(request, ORDER_CREATE)
    workspace = workspace_of(request)
    customer = Customer.objects.for_workspace(workspace).filter(pk=payload.customer_id).first()
    if customer is None:
        raise unprocessable("customer_id", _("Unknown customer."))
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
            lines=_lines(workspace, payload.lines),
        )
    except CommerceError as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return Status(201, _order(request, order.pk))


@router.get("/{order_id}", response={200: OrderOut, **OBJECT_READ}, summary="An order")
def order_read(request: HttpRequest, order_id: Path[QueryId]) -> Order:
    return _order(request, order_id)


@router.patch("/{order_id}", response={200: OrderOut, **OBJECT_WRITE}, summary="Change an order")
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


@router.delete("/{order_id}", response={204: None, **OBJECT_READ}, summary="Delete an order")
def order_delete_endpoint(request: HttpRequest, order_id: Path[QueryId]) -> Status[None]:
    require(request, ORDER_DELETE)
    order_delete(order=_order(request, order_id), actor=actor_of(request))
    return Status(204, None)
