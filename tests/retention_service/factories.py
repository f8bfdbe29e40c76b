"""Shops with order histories for the retention tests, written straight to the tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np

from clientela.accounts.models import Workspace
from clientela.commerce.models import Order, OrderStatus
from clientela.customers.models import Customer

BUCHAREST = ZoneInfo("Europe/Bucharest")


def customers(workspace: Workspace, n: int) -> list[Customer]:
    Customer.objects.bulk_create(
        Customer(workspace=workspace, first_name=f"C{i}", email=f"c{i}@example.com")
        for i in range(n)
    )
    return list(Customer.objects.for_workspace(workspace).order_by("pk"))


def order(
    customer: Customer,
    placed_at: dt.datetime,
    total: str | float,
    status: str = OrderStatus.PLACED,
) -> Order:
    return Order.objects.create(
        workspace_id=customer.workspace_id,
        customer=customer,
        placed_at=placed_at,
        total=Decimal(str(total)),
        status=status,
    )


def simulated_shop(
    workspace: Workspace,
    *,
    n: int,
    start: dt.date,
    end: dt.date,
    r: float = 0.25,
    alpha: float = 30.0,
    a: float = 0.8,
    b: float = 2.5,
    seed: int = 7,
) -> list[Customer]:
    """Customers who buy as the BG/NBD model says (time in days), first purchase in the
    first third of the period, spend lognormal around 40."""
    rng = np.random.default_rng(seed)
    people = customers(workspace, n)
    span = (end - start).days
    rows = []
    for person in people:
        lam = rng.gamma(r, 1.0 / alpha)
        p = rng.beta(a, b)
        day = float(rng.integers(0, span // 3))
        while day <= span:
            placed = dt.datetime.combine(
                start + dt.timedelta(days=int(day)), dt.time(12), tzinfo=BUCHAREST
            )
            spend = round(float(rng.lognormal(np.log(40), 0.5)), 2)
            rows.append(
                Order(
                    workspace=workspace,
                    customer=person,
                    placed_at=placed,
                    total=Decimal(str(spend)),
                )
            )
            if rng.random() < p:
                break
            day += rng.exponential(1.0 / lam) if lam > 0 else span + 1
    Order.objects.bulk_create(rows, batch_size=1000)
    return people
