"""Reads of the waiting clock: who is waiting (longest business wait first) and the
response-time report. Workspace-scoped; the web pages and the API both call these."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q

from clientela.accounts.models import User, Workspace
from clientela.inbox.models import Wait, WaitResponse, WaitState
from clientela.inbox.services.clock import calendar_for
from clientela.inbox.stats.business import BusinessCalendar, instant_at, ordinal
from clientela.inbox.stats.percentiles import ResponseSummary, summarize

PAGE_MAX = 200
WEEKS_MAX = 52


@dataclass(frozen=True)
class WaitingRow:
    wait: Wait
    waited_seconds: int
    due_at: datetime
    overdue: bool


@dataclass(frozen=True)
class WaitingPage:
    rows: list[WaitingRow]
    waiting: int
    paused: int
    overdue: int
    now: datetime


def waiting_list(workspace: Workspace, *, now: datetime, limit: int = 50) -> WaitingPage:
    """The waits running now, longest business wait first: an index scan on (workspace,
    state, start_key), since waited = ordinal(now) - start_key for every row alike."""
    limit = max(1, min(limit, PAGE_MAX))
    calendar = calendar_for(workspace)
    now_key = ordinal(calendar, now)
    rows = _waiting_rows(workspace, calendar, now_key, after=None, count=limit)
    counts = _counts(workspace, now_key)
    return WaitingPage(
        rows=rows,
        waiting=counts.waiting,
        paused=counts.paused,
        overdue=counts.overdue,
        now=now,
    )


def _waiting_rows(
    workspace: Workspace,
    calendar: BusinessCalendar,
    now_key: int,
    *,
    after: tuple[int, int] | None,
    count: int,
) -> list[WaitingRow]:
    """Up to `count` running waits in the list's order (start_key, then id), those after the
    (start_key, id) `after` when given."""
    waits = Wait.objects.for_workspace(workspace).filter(state=WaitState.WAITING)
    if after is not None:
        key, pk = after
        waits = waits.filter(Q(start_key__gt=key) | Q(start_key=key, pk__gt=pk))
    return [
        WaitingRow(
            wait=wait,
            waited_seconds=max(now_key - wait.start_key, 0),
            due_at=instant_at(calendar, wait.due_key),
            overdue=wait.due_key <= now_key,
        )
        for wait in waits.select_related("customer", "assignee").order_by("start_key", "pk")[:count]
    ]


@dataclass(frozen=True)
class ReportLine:
    key: str  # the agent's name, the channel or the week's Monday (ISO)
    summary: ResponseSummary


@dataclass(frozen=True)
class ResponseReport:
    since: date
    overall: ResponseSummary
    first: ResponseSummary
    by_agent: list[ReportLine]
    by_channel: list[ReportLine]
    by_week: list[ReportLine]


def response_report(workspace: Workspace, *, today: date, weeks: int = 12) -> ResponseReport:
    """Median and 90th percentile of the business time to answer, and the share answered
    within target, over the last `weeks` weeks: overall, for first responses, and per agent,
    channel and week."""
    weeks = max(1, min(weeks, WEEKS_MAX))
    since = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    rows = list(
        WaitResponse.objects.for_workspace(workspace)
        .filter(week__gte=since)
        .values_list("agent_id", "channel", "week", "kind", "business_seconds", "met")
    )
    names = {
        user.pk: str(user)
        for user in User.objects.filter(pk__in={r[0] for r in rows if r[0] is not None})
    }

    def grouped(index: int, label: Mapping[Any, str] | None = None) -> list[ReportLine]:
        groups: dict[Hashable, list[tuple[int, bool]]] = defaultdict(list)
        for row in rows:
            groups[row[index]].append((row[4], row[5]))
        lines = []
        for key, values in groups.items():
            text = (label or {}).get(key) or (
                key.isoformat() if isinstance(key, date) else str(key or "—")
            )
            lines.append(
                ReportLine(text, summarize([v[0] for v in values], [v[1] for v in values]))
            )
        return sorted(lines, key=lambda line: line.key)

    first = [r for r in rows if r[3] == "first"]
    return ResponseReport(
        since=since,
        overall=summarize([r[4] for r in rows], [r[5] for r in rows]),
        first=summarize([r[4] for r in first], [r[5] for r in first]),
        by_agent=grouped(0, names),
        by_channel=grouped(1),
        by_week=grouped(2),
    )


# Pages for the API --------------------------------------------------------------------------


@dataclass(frozen=True)
class WaitingSlice:
    rows: list[WaitingRow]
    # (start_key, id) of the last row when more follow; None on the last page.
    last: tuple[int, int] | None


def waiting_after(
    workspace: Workspace, *, now: datetime, after: tuple[int, int] | None, limit: int
) -> WaitingSlice:
    """The running waits in `waiting_list`'s order (longest business wait first, then id),
    those after the (start_key, id) `after`: a keyset page, so a client walking the pages
    sees every wait once, none twice, while no wait starts or moves meanwhile."""
    limit = max(1, min(limit, PAGE_MAX))
    calendar = calendar_for(workspace)
    now_key = ordinal(calendar, now)
    found = _waiting_rows(workspace, calendar, now_key, after=after, count=limit + 1)
    rows = found[:limit]
    last = rows[-1].wait if len(found) > limit else None
    return WaitingSlice(rows=rows, last=(last.start_key, last.pk) if last else None)


@dataclass(frozen=True)
class WaitingCounts:
    waiting: int
    paused: int
    overdue: int


def waiting_counts(workspace: Workspace, *, now: datetime) -> WaitingCounts:
    """How many waits run, stand paused and are past due now (the figures of `waiting_list`)."""
    return _counts(workspace, ordinal(calendar_for(workspace), now))


def _counts(workspace: Workspace, now_key: int) -> WaitingCounts:
    waits = Wait.objects.for_workspace(workspace)
    counts = dict(
        waits.filter(state__in=[WaitState.WAITING, WaitState.PAUSED])
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    overdue = waits.filter(state=WaitState.WAITING, due_key__lte=now_key).count()
    return WaitingCounts(
        waiting=counts.get(WaitState.WAITING, 0),
        paused=counts.get(WaitState.PAUSED, 0),
        overdue=overdue,
    )
