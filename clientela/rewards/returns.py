"""A selector: did compensations bring clients back? Their cost against the orders that
followed, for closed complaint cases, beside comparable cases given nothing.

The rules, each shown in plain words on the page:

- a case counts when it was closed in the period and at least `days` days ago (a case closed
  later has not had its whole window: those are counted apart, as `too_recent`);
- it is compensated when a compensation given (not pending, not rejected) is linked to it;
- its client came back when they placed an order after the case closed and within `days`
  days; the value is the total of those orders;
- comparable: within each row, an uncompensated case counts only when a compensated case of
  the same category and severity is in that row, so like is set beside like;
- no difference is claimed while either group has fewer than MIN_CASES cases.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.models import Workspace
from clientela.care.models import Case, Category
from clientela.commerce.models import Order, OrderStatus
from clientela.rewards.models import Compensation, CompensationStatus

DEFAULT_DAYS = 90
# The period a report may ask for: it adds `days` to closing dates and counts whole days, and
# dates far from ours would step outside what a date can hold (no shop's cases are there).
EARLIEST, LATEST = dt.date(1970, 1, 1), dt.date(9000, 12, 31)
MIN_CASES = 20
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class _Closed:
    """One closed case, with what it was given and what its client bought after."""

    category: str
    severity: str
    agent_id: int | None
    agent: str
    cost: Decimal | None  # None: given nothing
    returned: bool
    value: Decimal


@dataclass(frozen=True)
class Group:
    cases: int
    cost: Decimal
    returned: int
    value: Decimal

    @property
    def share(self) -> float | None:
        """The share of cases whose client ordered again, 0-1 (None without cases)."""
        return self.returned / self.cases if self.cases else None


@dataclass(frozen=True)
class ReturnRow:
    key: str
    label: str
    compensated: Group
    uncompensated: Group

    @property
    def enough(self) -> bool:
        return min(self.compensated.cases, self.uncompensated.cases) >= MIN_CASES

    @property
    def gap(self) -> float | None:
        return abs(self.difference) if self.difference is not None else None

    @property
    def groups(self) -> tuple[tuple[str, Group], tuple[str, Group]]:
        """Both groups with their names, for a page's two lines."""
        return (
            (str(_("Compensated")), self.compensated),
            (str(_("Given nothing")), self.uncompensated),
        )

    @property
    def difference(self) -> float | None:
        """Compensated minus uncompensated share, in percentage points, only when enough."""
        if not self.enough or self.compensated.share is None or self.uncompensated.share is None:
            return None
        return round((self.compensated.share - self.uncompensated.share) * 100, 1)


@dataclass(frozen=True)
class ReturnReport:
    start: dt.date
    end: dt.date  # inclusive
    days: int
    too_recent: int
    total: ReturnRow
    by_category: list[ReturnRow]
    by_agent: list[ReturnRow]

    @property
    def total_rows(self) -> list[ReturnRow]:
        return (
            [self.total] if self.total.compensated.cases or self.total.uncompensated.cases else []
        )


def _group(cases: Iterable[_Closed]) -> Group:
    rows = list(cases)
    return Group(
        cases=len(rows),
        cost=sum((c.cost or ZERO for c in rows), ZERO),
        returned=sum(1 for c in rows if c.returned),
        value=sum((c.value for c in rows), ZERO),
    )


def _row(key: str, label: str, cases: list[_Closed]) -> ReturnRow:
    given = [c for c in cases if c.cost is not None]
    strata = {(c.category, c.severity) for c in given}
    comparable = [c for c in cases if c.cost is None and (c.category, c.severity) in strata]
    return ReturnRow(key, label, _group(given), _group(comparable))


def _rows(
    cases: list[_Closed], key: Callable[[_Closed], Any], label: Callable[[Any], str]
) -> list[ReturnRow]:
    groups: dict[Any, list[_Closed]] = defaultdict(list)
    for case in cases:
        groups[key(case)].append(case)
    return [_row(str(k or ""), label(k), groups[k]) for k in groups]


def _bounds(workspace: Workspace, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(workspace.time_zone)
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone),
    )


def _closed_cases(
    workspace: Workspace, since: dt.datetime, until: dt.datetime, days: int
) -> list[_Closed]:
    cases = list(
        Case.objects.for_workspace(workspace)
        .filter(closed_at__gte=since, closed_at__lt=until)
        .select_related("assignee")
        .only("pk", "customer_id", "category", "severity", "closed_at", "assignee")
    )
    costs = dict(
        Compensation.objects.for_workspace(workspace)
        .filter(case__in=[c.pk for c in cases], status=CompensationStatus.GIVEN)
        .values("case_id")
        .annotate(cost=Sum("cost"))
        .values_list("case_id", "cost")
    )
    orders: dict[int, list[tuple[dt.datetime, Decimal]]] = defaultdict(list)
    if cases:
        window = dt.timedelta(days=days)
        placed = Order.objects.for_workspace(workspace).filter(
            customer_id__in={c.customer_id for c in cases},
            status=OrderStatus.PLACED,
            placed_at__gt=min(c.closed_at for c in cases if c.closed_at),
            placed_at__lte=max(c.closed_at for c in cases if c.closed_at) + window,
        )
        for customer_id, at, total in placed.values_list("customer_id", "placed_at", "total"):
            orders[customer_id].append((at, total))
    result = []
    for case in cases:
        assert case.closed_at is not None
        end = case.closed_at + dt.timedelta(days=days)
        after = [t for at, t in orders[case.customer_id] if case.closed_at < at <= end]
        agent = case.assignee
        result.append(
            _Closed(
                category=case.category,
                severity=case.severity,
                agent_id=case.assignee_id,
                agent=(agent.name or agent.email) if agent else "",
                cost=costs.get(case.pk),
                returned=bool(after),
                value=sum(after, ZERO),
            )
        )
    return result


def compensation_return(
    workspace: Workspace,
    *,
    start: dt.date,
    end: dt.date,
    days: int = DEFAULT_DAYS,
    now: dt.datetime | None = None,
) -> ReturnReport:
    """Compensated and uncompensated closed cases of the period, per category and agent."""
    since, until = _bounds(workspace, start, end)
    # Only cases whose whole window has passed: a client closed last week cannot have come
    # back within 90 days yet, and counting them would make every group look worse.
    ripe = (now or timezone.now()) - dt.timedelta(days=days)
    too_recent = (
        Case.objects.for_workspace(workspace)
        .filter(closed_at__gte=max(since, ripe), closed_at__lt=until)
        .count()
        if ripe < until
        else 0
    )
    cases = _closed_cases(workspace, since, min(until, ripe), days) if since < ripe else []
    labels = dict(Category.choices)
    agents = {c.agent_id: c.agent for c in cases}
    return ReturnReport(
        start=start,
        end=end,
        days=days,
        too_recent=too_recent,
        total=_row("all", str(_("All complaints")), cases),
        by_category=sorted(
            _rows(cases, lambda c: c.category, lambda k: str(labels.get(k, k))),
            key=lambda r: r.label,
        ),
        by_agent=sorted(
            _rows(cases, lambda c: c.agent_id, lambda k: agents.get(k, "")),
            key=lambda r: (r.label == "", r.label),
        ),
    )
