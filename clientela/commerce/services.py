"""Writes for products and orders."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.commerce import signals
from clientela.commerce.dates import order_date_check
from clientela.commerce.models import Order, OrderLine, OrderStatus, Product
from clientela.commerce.policy import (
    ORDER_CREATE,
    ORDER_DELETE,
    ORDER_UPDATE,
    PRODUCT_CREATE,
    PRODUCT_DELETE,
    PRODUCT_UPDATE,
)
from clientela.customers.models import Customer
from clientela.timeline.services import changed_fields, event_record


class CommerceError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


PRODUCT_FIELDS = ("external_id", "name", "description", "price", "currency")
ORDER_FIELDS = ("external_id", "placed_at", "status", "currency", "total")


def _check_unique(
    model: type[Product] | type[Order],
    workspace: Workspace,
    external_id: str | None,
    pk: int | None,
) -> None:
    if not external_id:
        return
    taken = model.objects.for_workspace(workspace).filter(external_id=external_id)
    if pk is not None:
        taken = taken.exclude(pk=pk)
    if taken.exists():
        raise CommerceError(
            "external_id",
            _("The external id %(external_id)s is already used") % {"external_id": external_id},
        )


@transaction.atomic
def product_create(
    *, workspace: Workspace, actor: User | None, name: str, **fields: Any
) -> Product:
    permit(actor=actor, workspace=workspace, rule=PRODUCT_CREATE)
    fields["external_id"] = fields.get("external_id") or None
    _check_unique(Product, workspace, fields["external_id"], None)
    if Decimal(fields.get("price", 0)) < 0:
        raise CommerceError("price", _("A price cannot be negative"))
    product = Product.objects.create(workspace=workspace, name=name, **fields)
    event_record(
        workspace=workspace,
        actor=actor,
        kind="product.created",
        subject=product,
        new={"name": name, **fields},
    )
    return product


@transaction.atomic
def product_update(*, product: Product, actor: User | None, **values: Any) -> Product:
    permit(actor=actor, workspace=product.workspace, rule=PRODUCT_UPDATE)
    if "external_id" in values:
        values["external_id"] = values["external_id"] or None
        _check_unique(Product, product.workspace, values["external_id"], product.pk)
    if "price" in values and Decimal(values["price"]) < 0:
        raise CommerceError("price", _("A price cannot be negative"))
    old, new = changed_fields(product, values)
    if not new:
        return product
    for field, value in new.items():
        setattr(product, field, value)
    product.updated_at = timezone.now()
    product.save(update_fields=[*new, "updated_at"])
    event_record(
        workspace=product.workspace,
        actor=actor,
        kind="product.changed",
        subject=product,
        old=old,
        new=new,
    )
    return product


@transaction.atomic
def product_delete(*, product: Product, actor: User | None) -> None:
    permit(actor=actor, workspace=product.workspace, rule=PRODUCT_DELETE)
    event_record(
        workspace=product.workspace,
        actor=actor,
        kind="product.deleted",
        subject_type="product",
        subject_id=product.pk,
        old={"name": product.name},
    )
    product.delete()


def _check_placed_at(workspace: Workspace, placed_at: datetime) -> None:
    if timezone.is_naive(placed_at):
        raise CommerceError("placed_at", _("The time of the order needs a time zone"))
    problem = order_date_check(placed_at, zoneinfo.ZoneInfo(workspace.time_zone))
    if problem:
        raise CommerceError("placed_at", problem)


@transaction.atomic
def order_create(
    *,
    workspace: Workspace,
    actor: User | None,
    customer: Customer,
    placed_at: datetime,
    total: Decimal,
    external_id: str | None = None,
    status: str = OrderStatus.PLACED,
    currency: str | None = None,
    lines: list[dict[str, Any]] | None = None,
    actor_label: str = "",
) -> Order:
    """Record an order.

    `lines` are dicts of product (or None), description, quantity and unit_price.
    """
    permit(actor=actor, workspace=workspace, rule=ORDER_CREATE)
    if customer.workspace_id != workspace.pk:
        raise CommerceError("customer", _("Unknown customer"))
    _check_placed_at(workspace, placed_at)
    if total < 0:
        raise CommerceError("total", _("A total cannot be negative"))
    _check_unique(Order, workspace, external_id or None, None)
    order = Order.objects.create(
        workspace=workspace,
        customer=customer,
        placed_at=placed_at,
        total=total,
        external_id=external_id or None,
        status=status,
        currency=currency or workspace.currency,
    )
    for line in lines or []:
        product = line.get("product")
        if product is not None and product.workspace_id != workspace.pk:
            raise CommerceError("lines", _("Unknown product"))
        OrderLine.objects.create(order=order, **line)
    event_record(
        workspace=workspace,
        actor=actor,
        actor_label=actor_label,
        kind="order.created",
        subject=order,
        customer=customer,
        new={
            "external_id": order.external_id,
            "total": str(total),
            "placed_at": placed_at.isoformat(),
            "status": status,
        },
    )
    signals.orders_placed.send(sender=Order, workspace=workspace, order_ids=[order.pk])
    return order


@transaction.atomic
def order_update(*, order: Order, actor: User | None, **values: Any) -> Order:
    permit(actor=actor, workspace=order.workspace, rule=ORDER_UPDATE)
    unknown = set(values) - set(ORDER_FIELDS)
    if unknown:
        raise CommerceError(sorted(unknown)[0], _("Unknown field"))
    if "external_id" in values:
        values["external_id"] = values["external_id"] or None
        _check_unique(Order, order.workspace, values["external_id"], order.pk)
    if "total" in values and Decimal(values["total"]) < 0:
        raise CommerceError("total", _("A total cannot be negative"))
    if "placed_at" in values:
        _check_placed_at(order.workspace, values["placed_at"])
    old, new = changed_fields(order, values)
    if not new:
        return order
    for field, value in new.items():
        setattr(order, field, value)
    order.save(update_fields=list(new))
    event_record(
        workspace=order.workspace,
        actor=actor,
        kind="order.changed",
        subject=order,
        customer_id=order.customer_id,
        old=old,
        new=new,
    )
    signals.changes_announce(order.workspace, [(order.pk, old, new)])
    return order


@transaction.atomic
def order_delete(*, order: Order, actor: User | None) -> None:
    permit(actor=actor, workspace=order.workspace, rule=ORDER_DELETE)
    event_record(
        workspace=order.workspace,
        actor=actor,
        kind="order.deleted",
        subject_type="order",
        subject_id=order.pk,
        customer_id=order.customer_id,
        old={"external_id": order.external_id, "total": str(order.total)},
    )
    order.delete()
