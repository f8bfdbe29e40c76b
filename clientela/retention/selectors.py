"""Reads for the retention engine: the per-customer purchase summary, computed in the database.

The summary follows Fader, Hardie & Lee (2005): purchases on the same day (in the workspace's
time zone) are one transaction; cancelled and refunded orders do not count. The database
groups orders per (customer, local day), then per customer; Python receives one row per
customer, streamed in chunks, never the orders themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncDate
from numpy.typing import NDArray

from clientela.accounts.models import Workspace
from clientela.commerce.models import Order, OrderStatus
from clientela.commerce.selectors import SalesFigures, orders_count, sales_figures
from clientela.customers.selectors import customers_count
from clientela.retention.models import RetentionRun

FETCH_SIZE = 20_000
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class PurchaseSummary:
    """One entry per customer with at least one purchase day up to `as_of`, by customer id.

    Days are counted from 1970-01-01. `first_spend` is the spend of the first purchase day,
    which the Gamma-Gamma model leaves out.
    """

    as_of: dt.date
    customer_id: NDArray[np.int64]
    purchases: NDArray[np.int64]
    first_day: NDArray[np.int64]
    last_day: NDArray[np.int64]
    total_spend: NDArray[np.float64]
    first_spend: NDArray[np.float64]

    @property
    def size(self) -> int:
        return int(self.customer_id.size)

    def frequency(self) -> NDArray[np.float64]:
        """x: repeat purchase days."""
        return (self.purchases - 1).astype(float)

    def recency(self, unit_days: float) -> NDArray[np.float64]:
        """t_x: from the first to the last purchase day."""
        return (self.last_day - self.first_day) / unit_days

    def age(self, unit_days: float) -> NDArray[np.float64]:
        """T: from the first purchase day to `as_of`."""
        return (day_number(self.as_of) - self.first_day) / unit_days

    def repeat_spend(self) -> NDArray[np.float64]:
        """Mean spend of the repeat purchase days; 0 for one-time buyers."""
        x = self.frequency()
        repeat = self.total_spend - self.first_spend
        return np.divide(repeat, x, out=np.zeros_like(repeat), where=x > 0)


def day_number(day: dt.date) -> int:
    return day.toordinal() - _EPOCH_ORDINAL


def local_midnight(workspace: Workspace, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(workspace.time_zone))


def counted_orders(workspace: Workspace, *, max_order_id: int | None = None) -> Any:
    """Orders that count as purchases: placed, neither cancelled nor refunded."""
    orders = Order.objects.for_workspace(workspace).filter(status=OrderStatus.PLACED)
    if max_order_id is not None:
        orders = orders.filter(pk__lte=max_order_id)
    return orders


def data_fingerprint(workspace: Workspace) -> tuple[str, int | None]:
    """A short string that changes when the counted orders change, and the newest order id."""
    agg = counted_orders(workspace).aggregate(n=Count("pk"), top=Max("pk"), last=Max("placed_at"))
    last = agg["last"].isoformat() if agg["last"] else "-"
    return f"{agg['n']}:{agg['top'] or 0}:{last}", agg["top"]


def _per_day(orders: Any, tz: ZoneInfo) -> Any:
    """One row per (customer, local day) with the day's spend."""
    return (
        orders.annotate(day=TruncDate("placed_at", tzinfo=tz))
        .values("customer_id", "day")
        .annotate(spend=Sum("total"))
        .order_by()
    )


def purchase_days(
    workspace: Workspace, *, as_of: dt.date
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(customer id, day number) of every purchase day up to `as_of`, for validation charts."""
    orders = counted_orders(workspace).filter(
        placed_at__lt=local_midnight(workspace, as_of + dt.timedelta(days=1))
    )
    rows = _per_day(orders, ZoneInfo(workspace.time_zone)).values_list("customer_id", "day")
    ids: list[int] = []
    days: list[int] = []
    for customer_id, day in rows.iterator(chunk_size=FETCH_SIZE):
        ids.append(customer_id)
        days.append(_day(day))
    return np.asarray(ids, dtype=np.int64), np.asarray(days, dtype=np.int64)


def last_purchase_day(workspace: Workspace) -> dt.date | None:
    last = counted_orders(workspace).aggregate(last=Max("placed_at"))["last"]
    return last.astimezone(ZoneInfo(workspace.time_zone)).date() if last else None


_OUTER_SQL = (
    "SELECT customer_id, COUNT(*), MIN(day), MAX(day), SUM(spend), "
    "SUM(CASE WHEN rn = 1 THEN spend ELSE 0 END) FROM ("
    "SELECT customer_id, day, spend, ROW_NUMBER() OVER "
    "(PARTITION BY customer_id ORDER BY day) AS rn FROM ({inner}) per_day"
    ") ranked GROUP BY customer_id ORDER BY customer_id"
)


def _summary_sql(
    workspace: Workspace, *, as_of: dt.date, since: dt.date | None, max_order_id: int | None
) -> tuple[str, tuple[Any, ...]]:
    tz = ZoneInfo(workspace.time_zone)
    orders = counted_orders(workspace, max_order_id=max_order_id).filter(
        placed_at__lt=local_midnight(workspace, as_of + dt.timedelta(days=1))
    )
    if since is not None:
        orders = orders.filter(placed_at__gte=local_midnight(workspace, since))
    inner, params = _per_day(orders, tz).query.sql_with_params()
    # The window marks each customer's first day so its spend can be set apart in one pass.
    # `inner` is SQL that Django compiled; every value in it is a bound parameter.
    sql = _OUTER_SQL.replace("{inner}", inner)
    return sql, tuple(params)


def summary_rows(
    workspace: Workspace,
    *,
    as_of: dt.date,
    since: dt.date | None = None,
    max_order_id: int | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Stream (customer_id, days, first_day, last_day, spend, first_day_spend) rows."""
    sql, params = _summary_sql(workspace, as_of=as_of, since=since, max_order_id=max_order_id)
    # A server-side cursor on PostgreSQL: a million customers never sit in memory as tuples.
    # Inside a transaction it streams (outside, Django declares it WITH HOLD, which runs the
    # whole query into a store first).
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        if connection.vendor == "postgresql":
            _summary_settings()
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH_SIZE):
            yield from rows


def _summary_settings() -> None:
    """Plan the summary as the full aggregation it is, for this transaction only.

    Orders lie on disk in the order they were placed; walking them by the customer index
    fetches a scattered page per order (measured at 1M customers and 3M orders: several
    times slower than reading the table and sorting). Without plain index scans the planner
    picks a sequential scan, or a bitmap scan of a small workspace's orders, which reads the
    pages in disk order; the sort of a few million (customer, day) rows then fits in memory.
    JIT compilation costs more than it saves on a query that runs once.
    """
    with connection.cursor() as settings:
        settings.execute("SET LOCAL work_mem = '256MB'")
        settings.execute("SET LOCAL enable_indexscan = off")
        settings.execute("SET LOCAL jit = off")


def _day(value: dt.date | str) -> int:
    # SQLite returns the truncated date as text, PostgreSQL as a date.
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return day.toordinal() - _EPOCH_ORDINAL


def purchase_summary(
    workspace: Workspace,
    *,
    as_of: dt.date,
    since: dt.date | None = None,
    max_order_id: int | None = None,
) -> PurchaseSummary:
    """The summary of purchases from `since` (if given) to `as_of`, both inclusive local days."""
    ids: list[int] = []
    days: list[int] = []
    first: list[int] = []
    last: list[int] = []
    spend: list[float] = []
    first_spend: list[float] = []
    for row in summary_rows(workspace, as_of=as_of, since=since, max_order_id=max_order_id):
        ids.append(row[0])
        days.append(row[1])
        first.append(_day(row[2]))
        last.append(_day(row[3]))
        spend.append(float(row[4]))
        first_spend.append(float(row[5]))
    return PurchaseSummary(
        as_of=as_of,
        customer_id=np.asarray(ids, dtype=np.int64),
        purchases=np.asarray(days, dtype=np.int64),
        first_day=np.asarray(first, dtype=np.int64),
        last_day=np.asarray(last, dtype=np.int64),
        total_spend=np.asarray(spend, dtype=float),
        first_spend=np.asarray(first_spend, dtype=float),
    )


# Up to this many orders the dashboard counts customers and orders at every view (tens of
# milliseconds); past it, counting them takes longer than the page's budget of 300 ms, and the
# counts stored by the refresh are shown with the other figures.
LIVE_COUNTS_UP_TO = 100_000


@dataclass(frozen=True)
class DashboardFigures:
    customers: int
    orders: int
    sales: SalesFigures
    sales_as_of: dt.datetime | None  # None: computed for this view
    counts_stored: bool


def dashboard_figures(*, workspace: Workspace) -> DashboardFigures:
    """The main dashboard's figures: the sales figures the current run stored when it has
    them (see `SalesFigures`), the counts too for a large shop (`LIVE_COUNTS_UP_TO`)."""
    run = RetentionRun.objects.current(workspace)
    if run is None or not run.dashboard or "sales" not in run.dashboard or not run.finished_at:
        sales = sales_figures(workspace=workspace)
        return DashboardFigures(
            customers_count(workspace=workspace), sales.orders, sales, None, False
        )
    sales = SalesFigures.from_json(run.dashboard["sales"])
    if sales.orders > LIVE_COUNTS_UP_TO:
        return DashboardFigures(
            run.dashboard["customers"], sales.orders, sales, run.finished_at, True
        )
    return DashboardFigures(
        customers_count(workspace=workspace),
        orders_count(workspace=workspace),
        sales,
        run.finished_at,
        False,
    )
