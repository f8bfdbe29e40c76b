"""Reads: the customer's value and budget, the catalogue, the ledger and its totals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from clientela.accounts.models import Workspace
from clientela.care.models import Case
from clientela.commerce.models import Order, OrderStatus
from clientela.customers.models import Customer
from clientela.retention.models import CustomerScore
from clientela.rewards.models import (
    CatalogueItem,
    Compensation,
    CompensationKind,
    CompensationStatus,
)

# The budget of one compensation: BUDGET_SHARE of what the customer is worth, never less
# than BUDGET_FLOOR (even a new customer may get a small gift) nor more than BUDGET_CAP
# (above it a manager decides whatever the customer is worth). In the shop's currency.
BUDGET_SHARE = Decimal("0.05")
BUDGET_FLOOR = Decimal("25.00")
BUDGET_CAP = Decimal("500.00")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Budget:
    basis: str  # "clv": the retention engine's lifetime value; "spend": total spent so far
    value: Decimal
    amount: Decimal


def customer_value(customer: Customer) -> tuple[str, Decimal]:
    """The customer's CLV from the current retention run when it scored them, else the total
    of their placed orders."""
    score = (
        CustomerScore.objects.current(customer.workspace)
        .filter(customer=customer, clv__isnull=False)
        .values_list("clv", flat=True)
        .first()
    )
    if score is not None:
        return "clv", Decimal(str(score)).quantize(CENT, ROUND_HALF_UP)
    spent = (
        Order.objects.for_workspace(customer.workspace)
        .filter(customer=customer, status=OrderStatus.PLACED)
        .aggregate(total=Sum("total"))["total"]
    )
    return "spend", Decimal(spent or 0).quantize(CENT)


def budget_for(customer: Customer) -> Budget:
    """min(CAP, max(FLOOR, SHARE * value)), rounded to the cent."""
    basis, value = customer_value(customer)
    share = (value * BUDGET_SHARE).quantize(CENT, ROUND_HALF_UP)
    return Budget(basis, value, min(BUDGET_CAP, max(BUDGET_FLOOR, share)))


def catalogue(workspace: Workspace, *, active_only: bool = False) -> QuerySet[CatalogueItem]:
    items = CatalogueItem.objects.for_workspace(workspace).order_by("kind", "name")
    return items.filter(active=True) if active_only else items


def ledger(workspace: Workspace) -> QuerySet[Compensation]:
    return (
        Compensation.objects.for_workspace(workspace)
        .select_related("customer", "item", "proposed_by", "decided_by", "case")
        .order_by("-created_at", "-id")
    )


def case_compensations(case: Case) -> list[Compensation]:
    """The compensations proposed on a complaint case, oldest first, with their items."""
    return list(
        Compensation.objects.for_workspace(case.workspace)
        .filter(case=case)
        .select_related("item")
        .order_by("created_at", "id")
    )


def given_cost(compensations: list[Compensation]) -> Decimal:
    """What the given ones cost (pending and rejected ones cost nothing yet)."""
    return sum(
        (c.cost for c in compensations if c.status == CompensationStatus.GIVEN), Decimal("0.00")
    )


@dataclass(frozen=True)
class LedgerTotal:
    month: object  # a date: the first of the month, in the shop's time zone
    kind: str
    currency: str
    count: int
    cost: Decimal

    @property
    def kind_label(self) -> str:
        return str(CompensationKind(self.kind).label)


def ledger_totals(workspace: Workspace) -> list[LedgerTotal]:
    """What was given, per month, kind and currency (pending and rejected ones left out)."""
    rows = (
        Compensation.objects.for_workspace(workspace)
        .filter(status=CompensationStatus.GIVEN)
        .annotate(month=TruncMonth("decided_at"))
        .values("month", "kind", "currency")
        .annotate(count=Count("id"), cost=Sum("cost"))
        .order_by("-month", "kind", "currency")
    )
    return [LedgerTotal(r["month"], r["kind"], r["currency"], r["count"], r["cost"]) for r in rows]
