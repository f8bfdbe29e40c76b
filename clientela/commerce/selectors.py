"""Reads for commerce: dashboard aggregates and the keyset-paginated order and product lists.

Revenue and repeat purchases count only orders that stood: cancelled and refunded orders
are left out. Months and days are those of the workspace's time zone.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth

from clientela.accounts.models import Workspace
from clientela.commerce.models import Order, OrderLine, OrderStatus, Product

PAGE_SIZE = 50
NOT_COUNTED = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)


@dataclass(frozen=True)
class MonthRevenue:
    month: date
    revenue: Decimal


@dataclass(frozen=True)
class RepeatRate:
    """Buyers with orders on at least two distinct days, out of all buyers."""

    buyers: int
    repeat_buyers: int

    @property
    def percent(self) -> float | None:
        return 100 * self.repeat_buyers / self.buyers if self.buyers else None


def _zone(workspace: Workspace) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(workspace.time_zone)


def counted_orders(*, workspace: Workspace) -> QuerySet[Order]:
    return Order.objects.for_workspace(workspace).exclude(status__in=NOT_COUNTED)


def orders_count(*, workspace: Workspace) -> int:
    return Order.objects.for_workspace(workspace).count()


def revenue_by_month(*, workspace: Workspace) -> list[MonthRevenue]:
    rows = (
        counted_orders(workspace=workspace)
        .annotate(month=TruncMonth("placed_at", tzinfo=_zone(workspace)))
        .values("month")
        .annotate(revenue=Sum("total"))
        .order_by("month")
    )
    return [MonthRevenue(month=_as_date(row["month"]), revenue=row["revenue"]) for row in rows]


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def repeat_purchase_rate(*, workspace: Workspace) -> RepeatRate:
    per_buyer = (
        counted_orders(workspace=workspace)
        .values("customer")
        .annotate(days=Count(TruncDate("placed_at", tzinfo=_zone(workspace)), distinct=True))
    )
    totals = per_buyer.aggregate(
        buyers=Count("customer"), repeat=Count("customer", filter=Q(days__gte=2))
    )
    return RepeatRate(buyers=totals["buyers"] or 0, repeat_buyers=totals["repeat"] or 0)


@dataclass(frozen=True)
class SalesFigures:
    """The dashboard's revenue per month and repeat-purchase rate. Both group every order by
    a day or a month of the workspace's time zone, seconds of work on a large shop: the
    retention refresh stores them with its run (`as_json`), the dashboard reads them back."""

    months: list[MonthRevenue]
    repeat: RepeatRate
    orders: int  # every order, counted or not, as `orders_count`

    def as_json(self) -> dict[str, Any]:
        return {
            "months": [[row.month.isoformat(), str(row.revenue)] for row in self.months],
            "buyers": self.repeat.buyers,
            "repeat_buyers": self.repeat.repeat_buyers,
            "orders": self.orders,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SalesFigures:
        return cls(
            [MonthRevenue(date.fromisoformat(m), Decimal(r)) for m, r in data["months"]],
            RepeatRate(buyers=data["buyers"], repeat_buyers=data["repeat_buyers"]),
            data["orders"],
        )


def sales_figures(*, workspace: Workspace) -> SalesFigures:
    return SalesFigures(
        revenue_by_month(workspace=workspace),
        repeat_purchase_rate(workspace=workspace),
        orders_count(workspace=workspace),
    )


@dataclass(frozen=True)
class OrderFilters:
    status: str = ""
    placed_from: date | None = None
    placed_to: date | None = None  # inclusive


@dataclass(frozen=True)
class OrderPage:
    rows: list[Order]
    next_after: str | None
    previous_before: str | None


def _cursor(order: Order) -> str:
    return f"{order.placed_at.isoformat()}_{order.pk}"


def cursor_parse(value: str) -> tuple[datetime, int] | None:
    """A cursor written by this module, or None when it is not one."""
    stamp, _, pk = value.rpartition("_")
    try:
        moment = datetime.fromisoformat(stamp)
        number = int(pk)
    except ValueError:
        return None
    return (moment, number) if moment.tzinfo is not None else None


def orders_filtered(*, workspace: Workspace, filters: OrderFilters) -> QuerySet[Order]:
    """The orders that pass `filters` (the list's and the export's), in no order."""
    queryset = Order.objects.for_workspace(workspace).select_related("customer")
    zone = _zone(workspace)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.placed_from:
        start = datetime.combine(filters.placed_from, datetime.min.time(), tzinfo=zone)
        queryset = queryset.filter(placed_at__gte=start)
    if filters.placed_to:
        end = datetime.combine(filters.placed_to, datetime.max.time(), tzinfo=zone)
        queryset = queryset.filter(placed_at__lte=end)
    return queryset


def order_page(
    *,
    workspace: Workspace,
    filters: OrderFilters,
    after: str = "",
    before: str = "",
    size: int = PAGE_SIZE,
) -> OrderPage:
    """Orders newest first, continued from a `(placed_at, id)` cursor; never counts them."""
    queryset = orders_filtered(workspace=workspace, filters=filters)
    above = cursor_parse(before) if before else None
    if above is not None:
        moment, pk = above
        newer = Q(placed_at__gt=moment) | Q(placed_at=moment, pk__gt=pk)
        rows = list(queryset.filter(newer).order_by("placed_at", "pk")[: size + 1])
        more_above = len(rows) > size
        rows = list(reversed(rows[:size]))
        return OrderPage(
            rows=rows,
            next_after=_cursor(rows[-1]) if rows else None,
            previous_before=_cursor(rows[0]) if rows and more_above else None,
        )
    below = cursor_parse(after) if after else None
    if below is not None:
        moment, pk = below
        queryset = queryset.filter(Q(placed_at__lt=moment) | Q(placed_at=moment, pk__lt=pk))
    rows = list(queryset.order_by("-placed_at", "-pk")[: size + 1])
    more_below = len(rows) > size
    rows = rows[:size]
    return OrderPage(
        rows=rows,
        next_after=_cursor(rows[-1]) if rows and more_below else None,
        previous_before=_cursor(rows[0]) if rows and below is not None else None,
    )


def customer_orders(*, workspace: Workspace, customer_id: int, limit: int = 50) -> list[Order]:
    return list(
        Order.objects.for_workspace(workspace)
        .filter(customer_id=customer_id)
        .order_by("-placed_at", "-pk")[:limit]
    )


def product_list(*, workspace: Workspace) -> QuerySet[Product]:
    return Product.objects.for_workspace(workspace).order_by("name", "pk")


def product_orders(*, workspace: Workspace, product_id: int, limit: int = 50) -> list[Order]:
    """The latest orders with a line of the product, newest first, with their lines."""
    return list(
        Order.objects.for_workspace(workspace)
        .filter(pk__in=OrderLine.objects.filter(product_id=product_id).values("order_id"))
        .select_related("customer")
        .prefetch_related("lines")
        .order_by("-placed_at", "-pk")[:limit]
    )
