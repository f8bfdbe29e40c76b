"""Writes for products and orders."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
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
from clientela.customers.services import customer_create
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


def _check_line(line: dict[str, Any]) -> None:
    if Decimal(line.get("quantity", 1)) <= 0:
        raise CommerceError("lines", _("A line's quantity must be more than zero"))
    if Decimal(line["unit_price"]) < 0:
        raise CommerceError("lines", _("A unit price cannot be negative"))


def lines_total(lines: list[dict[str, Any]]) -> Decimal:
    """The sum of quantity times unit price, in cents (half away from zero, as a till rounds)."""
    total = sum(
        (Decimal(line.get("quantity", 1)) * Decimal(line["unit_price"]) for line in lines),
        Decimal(0),
    )
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def sale_record(
    *,
    workspace: Workspace,
    actor: User | None,
    customer: Customer | None,
    new_customer: dict[str, Any] | None = None,
    placed_at: datetime,
    lines: list[dict[str, Any]],
    external_id: str | None = None,
) -> Order:
    """Record a sale entered by hand: its lines, for a known customer or a new one.

    The total is the sum of the lines; a line picked from a product keeps the product's name
    as its description, so it still reads right once the product is gone. The new customer
    and the order are written together or not at all.
    """
    permit(actor=actor, workspace=workspace, rule=ORDER_CREATE)
    if not lines:
        raise CommerceError("lines", _("Add at least one line"))
    clean = []
    for line in lines:
        product = line.get("product")
        description = str(line.get("description") or "").strip()
        if product is None and not description:
            raise CommerceError("lines", _("Each line needs a product or a description"))
        _check_line(line)
        clean.append({**line, "description": description or (product.name if product else "")})
    if customer is None:
        if not new_customer or not any(str(v).strip() for v in new_customer.values()):
            raise CommerceError("customer", _("Choose a customer or enter a new one"))
        customer = customer_create(workspace=workspace, actor=actor, **new_customer)
    return order_create(
        workspace=workspace,
        actor=actor,
        customer=customer,
        placed_at=placed_at,
        total=lines_total(clean),
        external_id=external_id,
        lines=clean,
    )


# The status changes a member can make by hand: a placed order is cancelled or refunded.
ORDER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    OrderStatus.PLACED: (OrderStatus.CANCELLED, OrderStatus.REFUNDED),
}
STATUS_EVENTS = {OrderStatus.CANCELLED: "order.cancelled", OrderStatus.REFUNDED: "order.refunded"}


@transaction.atomic
def order_status_change(*, order: Order, actor: User | None, status: str) -> Order:
    """Cancel or refund a placed order; any other change of status is refused."""
    permit(actor=actor, workspace=order.workspace, rule=ORDER_UPDATE)
    old = Order.objects.filter(pk=order.pk).values_list("status", flat=True).first()
    if old is None or status not in ORDER_TRANSITIONS.get(old, ()):
        raise CommerceError(
            "status",
            _("A %(old)s order cannot become %(new)s.")
            % {"old": OrderStatus(old).label.lower() if old else "", "new": _status_word(status)},
        )
    # Conditional, so that two clicks at once change it once: the second finds it changed.
    if not Order.objects.filter(pk=order.pk, status=old).update(status=status):
        raise CommerceError("status", _("The order changed meanwhile; reload the page."))
    order.status = status
    event_record(
        workspace=order.workspace,
        actor=actor,
        kind=STATUS_EVENTS[OrderStatus(status)],
        subject=order,
        customer_id=order.customer_id,
        old={"status": old},
        new={"status": status},
    )
    signals.changes_announce(order.workspace, [(order.pk, {"status": old}, {"status": status})])
    return order


def _status_word(status: str) -> str:
    try:
        return str(OrderStatus(status).label).lower()
    except ValueError:
        return status


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
