"""The waiting clock through the API: who is waiting, response times, hours and targets.

Mounted at /inbox/clock. Durations are business seconds: the time the shop was open,
with the pauses while it waited for the client left out.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.core import signing
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import ConfigDict, Field, StringConstraints

from clientela.accounts.scoping import scoped_get, settings_for
from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.errors import OBJECT_WRITE, READ, WRITE, unprocessable
from clientela.api.openapi import keep_operation_ids
from clientela.api.pagination import PageParams
from clientela.api.types import QueryId
from clientela.inbox.clock_selectors import (
    PAGE_MAX,
    WEEKS_MAX,
    WaitingRow,
    response_report,
    waiting_after,
    waiting_counts,
)
from clientela.inbox.models import ClockSettings, ClockTarget
from clientela.inbox.policy import CLOCK_SETTINGS_UPDATE, CLOCK_VIEW, SLA_TARGET_UPDATE
from clientela.inbox.services.clock_settings import (
    MAX_TARGET_MINUTES,
    ClockSettingsError,
    clock_settings_update,
    clock_target_delete,
    clock_target_set,
)
from clientela.inbox.stats.percentiles import ResponseSummary

router = Router(tags=["inbox clock"])


class WaitOut(Schema):
    id: int
    subject: str
    subject_id: int
    customer_id: int | None
    channel: str
    title: str
    url: str
    assignee_id: int | None
    started_at: datetime
    waited_seconds: int = Field(description="Business seconds waited so far.")
    due_at: datetime
    overdue: bool
    escalation_level: int = Field(description="0 none, 1 assignee told, 2 managers told.")


class WaitingOut(Schema):
    waiting: int
    paused: int
    overdue: int
    items: list[WaitOut] = Field(
        description="The longest business waits first; waits that waited as long, by id."
    )
    next: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


# Opaque to clients: the (start_key, id) of a page's last wait, signed so that a cursor
# that was not ours is refused rather than read.
_CURSOR = signing.Signer(salt="clientela.api.inbox.waiting", sep=".", algorithm="sha256")
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,100}\.[A-Za-z0-9_-]{1,100}$"


def cursor_of(last: tuple[int, int]) -> str:
    return _CURSOR.sign_object(list(last))


def _after(cursor: str | None) -> tuple[int, int] | None:
    if cursor is None:
        return None
    try:
        key, pk = _CURSOR.unsign_object(cursor)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise unprocessable("cursor", _("Unknown cursor."), source="query") from exc
    if not (isinstance(key, int) and isinstance(pk, int)):
        raise unprocessable("cursor", _("Unknown cursor."), source="query")
    return key, pk


class WaitingQuery(PageParams):
    limit: Annotated[
        int, Field(ge=1, le=PAGE_MAX, description=f"Waits per page, 1 to {PAGE_MAX}.")
    ] = 50
    cursor: (
        Annotated[
            str,
            StringConstraints(pattern=CURSOR_PATTERN, max_length=201),
            Field(
                description="The `next` value of the previous page (opaque); omit it for "
                "the first page."
            ),
        ]
        | None
    ) = None


def _wait_out(row: WaitingRow) -> dict[str, Any]:
    wait = row.wait
    return {
        "id": wait.pk,
        "subject": wait.subject,
        "subject_id": wait.subject_id,
        "customer_id": wait.customer_id,
        "channel": wait.channel,
        "title": wait.title,
        "url": wait.url,
        "assignee_id": wait.assignee_id,
        "started_at": wait.started_at,
        "waited_seconds": row.waited_seconds,
        "due_at": row.due_at,
        "overdue": row.overdue,
        "escalation_level": wait.escalation_level,
    }


@router.get(
    "/waiting",
    response={200: WaitingOut, **READ},
    summary="Who is waiting for us, longest business wait first, a page at a time",
)
def clock_waiting(request: HttpRequest, query: Query[WaitingQuery]) -> dict[str, Any]:
    """Keyset pages in a stable order: the business time waited (longest first), then the
    wait's id. Walking the pages with `next` gives every wait once; a wait answered, paused
    or started meanwhile may move out of or into pages not read yet."""
    require(request, CLOCK_VIEW)
    workspace, now = workspace_of(request), timezone.now()
    page = waiting_after(workspace, now=now, after=_after(query.cursor), limit=query.limit)
    counts = waiting_counts(workspace, now=now)
    return {
        "waiting": counts.waiting,
        "paused": counts.paused,
        "overdue": counts.overdue,
        "items": [_wait_out(row) for row in page.rows],
        "next": cursor_of(page.last) if page.last else None,
    }


class SummaryOut(Schema):
    count: int
    median_seconds: float | None
    p90_seconds: float | None
    within_target: int
    share_within_target: float | None


class ResponseLineOut(SummaryOut):
    key: str


class ReportOut(Schema):
    since: date
    overall: SummaryOut
    first_response: SummaryOut
    by_agent: list[ResponseLineOut]
    by_channel: list[ResponseLineOut]
    by_week: list[ResponseLineOut]


class ReportQuery(Schema):
    weeks: int = Field(12, ge=1, le=WEEKS_MAX)


def _summary(summary: ResponseSummary, key: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "count": summary.count,
        "median_seconds": summary.median,
        "p90_seconds": summary.p90,
        "within_target": summary.within_target,
        "share_within_target": summary.share_within,
    }
    if key is not None:
        out["key"] = key
    return out


@router.get(
    "/response-times",
    response={200: ReportOut, **READ},
    summary="Median and 90th percentile response times, and the share within target",
)
def clock_response_times(request: HttpRequest, query: Query[ReportQuery]) -> dict[str, Any]:
    require(request, CLOCK_VIEW)
    report = response_report(workspace_of(request), today=timezone.localdate(), weeks=query.weeks)
    return {
        "since": report.since,
        "overall": _summary(report.overall),
        "first_response": _summary(report.first),
        "by_agent": [_summary(line.summary, line.key) for line in report.by_agent],
        "by_channel": [_summary(line.summary, line.key) for line in report.by_channel],
        "by_week": [_summary(line.summary, line.key) for line in report.by_week],
    }


class ClockSettingsOut(Schema):
    hours: list[list[list[int]]] = Field(
        description="Seven lists, Monday first, of [start, end) minutes from local midnight."
    )
    holiday_country: str = Field(description='"RO" for the Romanian public holidays, or "".')
    holidays_added: list[date]
    holidays_removed: list[date]
    default_target_minutes: int
    escalate_after_minutes: int


class ClockSettingsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    hours: list[list[tuple[int, int]]] = Field(min_length=7, max_length=7)
    holiday_country: str = Field(pattern="^(RO)?$")
    holidays_added: list[date] = Field(default_factory=list, max_length=400)
    holidays_removed: list[date] = Field(default_factory=list, max_length=400)
    default_target_minutes: int = Field(ge=1, le=MAX_TARGET_MINUTES)
    escalate_after_minutes: int = Field(ge=0, le=MAX_TARGET_MINUTES)


@router.get("/settings", response={200: ClockSettingsOut, **READ}, summary="Business hours")
def clock_settings_read(request: HttpRequest) -> ClockSettings:
    require(request, CLOCK_VIEW)
    return settings_for(ClockSettings, workspace_of(request))


@router.put(
    "/settings",
    response={200: ClockSettingsOut, **WRITE},
    summary="Set business hours, holidays and escalation (managers)",
)
def clock_settings_write(request: HttpRequest, payload: ClockSettingsIn) -> ClockSettings:
    require(request, CLOCK_SETTINGS_UPDATE)
    if any(len(day) > 12 for day in payload.hours):
        raise unprocessable("hours", "at most 12 intervals a day")
    try:
        return clock_settings_update(
            workspace=workspace_of(request),
            actor=actor_of(request),
            hours=payload.hours,
            holiday_country=payload.holiday_country,
            holidays_added=payload.holidays_added,
            holidays_removed=payload.holidays_removed,
            default_target_minutes=payload.default_target_minutes,
            escalate_after_minutes=payload.escalate_after_minutes,
        )
    except ClockSettingsError as exc:
        raise unprocessable("hours", str(exc)) from exc


class TargetOut(Schema):
    id: int
    channel: str
    segment: str
    minutes: int


class TargetIn(Schema):
    model_config = ConfigDict(extra="forbid")

    channel: str = Field("", max_length=20)
    segment: str = Field("", max_length=20)
    minutes: int = Field(ge=1, le=MAX_TARGET_MINUTES)


@router.get("/targets", response={200: list[TargetOut], **READ}, summary="Response targets")
def clock_targets(request: HttpRequest) -> list[ClockTarget]:
    require(request, CLOCK_VIEW)
    return list(
        ClockTarget.objects.for_workspace(workspace_of(request)).order_by("segment", "channel")
    )


@router.post(
    "/targets",
    response={200: TargetOut, **WRITE},
    summary="Set the target of a channel and/or customer group (managers)",
)
def clock_target_put(request: HttpRequest, payload: TargetIn) -> ClockTarget:
    require(request, SLA_TARGET_UPDATE)
    try:
        return clock_target_set(
            workspace=workspace_of(request),
            actor=actor_of(request),
            channel=payload.channel,
            segment=payload.segment,
            minutes=payload.minutes,
        )
    except ClockSettingsError as exc:
        raise unprocessable("channel", str(exc)) from exc


@router.delete(
    "/targets/{target_id}",
    response={204: None, **OBJECT_WRITE},
    summary="Remove a response target (managers)",
)
def clock_target_remove(request: HttpRequest, target_id: Path[QueryId]) -> Status[None]:
    require(request, SLA_TARGET_UPDATE)
    workspace = workspace_of(request)
    target = scoped_get(ClockTarget, workspace, target_id)
    clock_target_delete(workspace=workspace, actor=actor_of(request), target=target)
    return Status(204, None)


keep_operation_ids(router, "clientela.api.routers.inbox_clock")
