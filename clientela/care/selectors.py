"""Workspace-scoped reads of the care app: case lists, the fact log, lessons, the report."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet

from clientela.accounts.models import Workspace
from clientela.care.models import Case, CaseRating, CaseReview, CaseStatus, Category
from clientela.textcheck import Finding, check
from clientela.timeline.models import Event

OPEN_STATUSES = (CaseStatus.OPEN, CaseStatus.ACKNOWLEDGED, CaseStatus.SOLUTION_PROPOSED)
FACT_LOG_DAYS = 730
FACT_LOG_MAX = 200


def cases_filtered(workspace: Workspace, *, status: str = "", query: str = "") -> QuerySet[Case]:
    cases = Case.objects.for_workspace(workspace).select_related("customer", "assignee")
    if status == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif status in CaseStatus.values:
        cases = cases.filter(status=status)
    query = query.strip()[:100]
    if query:
        cases = cases.filter(
            Q(subject__icontains=query)
            | Q(customer__first_name__icontains=query)
            | Q(customer__last_name__icontains=query)
            | Q(customer__email__icontains=query)
        )
    return cases.order_by("-opened_at", "-pk")


def fact_log(case: Case) -> list[Event]:
    """Every recorded contact with the client, newest first: when, what about, by whom.

    Read from the timeline, which holds every change and contact; the last two years, at
    most 200 rows.
    """
    since = case.opened_at - timedelta(days=FACT_LOG_DAYS)
    return list(
        Event.objects.for_workspace(case.workspace)
        .filter(customer_id=case.customer_id, at__gte=since)
        .select_related("actor")
        .order_by("-at", "-pk")[:FACT_LOG_MAX]
    )


def lessons(workspace: Workspace, *, query: str = "") -> QuerySet[CaseReview]:
    reviews = CaseReview.objects.for_workspace(workspace).select_related("case", "written_by")
    query = query.strip()[:100]
    if query:
        reviews = reviews.filter(
            Q(lesson__icontains=query)
            | Q(what_went_wrong__icontains=query)
            | Q(change__icontains=query)
            | Q(case__subject__icontains=query)
        )
    return reviews.order_by("-written_at")


@dataclass(frozen=True)
class ReportRow:
    key: str  # a category value, or an agent's name
    label: str
    closed: int
    resolved: int
    median_hours: float | None  # opening to resolution, resolved cases
    ratings: int
    mean_rating: float | None

    @property
    def recovery_rate(self) -> float | None:
        return self.resolved / self.closed if self.closed else None


def _row(key: str, label: str, cases: list[Case], ratings: dict[int, int]) -> ReportRow:
    closed = [c for c in cases if c.closed_at is not None]
    resolved = [c for c in closed if c.resolved_at is not None]
    hours = [
        (c.resolved_at - c.opened_at).total_seconds() / 3600 for c in resolved if c.resolved_at
    ]
    scores = [ratings[c.pk] for c in cases if c.pk in ratings]
    return ReportRow(
        key,
        label,
        len(closed),
        len(resolved),
        statistics.median(hours) if hours else None,
        len(scores),
        statistics.fmean(scores) if scores else None,
    )


def care_report(workspace: Workspace) -> dict[str, list[ReportRow]]:
    """Recovery rate, time to resolve and ratings per category and per agent."""
    cases = list(Case.objects.for_workspace(workspace).select_related("assignee"))
    ratings: dict[int, int] = {
        case_id: score
        for case_id, score in CaseRating.objects.for_workspace(workspace)
        .filter(score__isnull=False)
        .values_list("case_id", "score")
        if score is not None
    }
    by_category = [
        _row(value, str(label), [c for c in cases if c.category == value], ratings)
        for value, label in Category.choices
    ]
    agents: dict[int | None, list[Case]] = {}
    for case in cases:
        agents.setdefault(case.assignee_id, []).append(case)
    by_agent = [
        _row(
            str(agent_id or ""),
            (group[0].assignee.name or group[0].assignee.email) if group[0].assignee else "",
            group,
            ratings,
        )
        for agent_id, group in agents.items()
    ]
    total = [_row("all", "", cases, ratings)]
    return {"total": total, "category": by_category, "agent": by_agent}


def recent_lessons(workspace: Workspace, *, limit: int = 5) -> tuple[int, list[CaseReview]]:
    """How many reviews were written, and the latest lessons."""
    reviews = lessons(workspace)
    return reviews.count(), list(reviews[:limit])


# What a member's draft should not carry: excuses and several options always; apologies
# with a chronic complainer (the guide: keep to facts, do not start apologising).
_ALWAYS_HINT = frozenset({"excuse", "options", "blame", "anger"})


def draft_hints(text: str, *, case: Case, reader: str) -> list[Finding]:
    """Textcheck's findings in a reply draft that the playbook advises against."""
    if not text.strip():
        return []
    unwanted = set(_ALWAYS_HINT)
    if case.handling == "facts":
        unwanted.add("apology")
    report = check(text, language=case.language, ui_language=reader)
    return [f for f in report.findings if f.check in unwanted]
