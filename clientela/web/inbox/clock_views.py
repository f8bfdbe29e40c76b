"""The waiting clock's pages: who is waiting (refreshing itself), response times, and the
business hours, holidays and targets."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.accounts.scoping import scoped_get, settings_for
from clientela.inbox.clock_selectors import ReportLine, response_report, waiting_list
from clientela.inbox.models import ClockSettings, ClockTarget, Wait
from clientela.inbox.policy import (
    CLOCK_ASSIGN,
    CLOCK_SETTINGS_UPDATE,
    CLOCK_VIEW,
    SLA_TARGET_UPDATE,
)
from clientela.inbox.services.clock import wait_assign
from clientela.inbox.services.clock_settings import (
    ClockSettingsError,
    clock_settings_update,
    clock_target_delete,
    clock_target_set,
)
from clientela.retention.models import Segment
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.inbox.clock_forms import CHANNELS, ClockSettingsForm, TargetForm, hours_text

# How often the "who is waiting" list refreshes itself, in seconds (a setting, so that a
# browser test can watch it refresh without waiting half a minute).
REFRESH_SECONDS = 30


def _refresh_seconds() -> int:
    return int(getattr(settings, "CLIENTELA_WAITING_REFRESH_SECONDS", REFRESH_SECONDS))


def duration(seconds: int | float | None) -> str:
    """Business seconds as "45 min" or "3 h 05 min"."""
    if seconds is None:
        return "—"
    minutes = int(seconds) // 60
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    return _("%(h)d h %(m)02d min") % {"h": minutes // 60, "m": minutes % 60}


def _waiting_context(request: WorkspaceRequest) -> dict[str, object]:
    page = waiting_list(request.workspace, now=timezone.now(), limit=50)
    return {
        "page": page,
        "rows": [(row, duration(row.waited_seconds)) for row in page.rows],
        "refresh": _refresh_seconds(),
    }


@workspace_view(CLOCK_VIEW)
def waiting(request: WorkspaceRequest) -> HttpResponse:
    return render(request, "web/inbox/clock/waiting.html", _waiting_context(request))


@workspace_view(CLOCK_VIEW)
def waiting_rows(request: WorkspaceRequest) -> HttpResponse:
    """The list alone: what the page's htmx poll swaps in."""
    return render(request, "web/inbox/clock/_waiting_rows.html", _waiting_context(request))


@workspace_view(CLOCK_ASSIGN)
@require_POST
def waiting_take(request: WorkspaceRequest, pk: int) -> HttpResponse:
    wait = scoped_get(Wait, request.workspace, pk)
    wait_assign(workspace=request.workspace, actor=request.user, wait=wait, assignee=request.user)
    messages.success(request, _("It is yours to answer."))
    return redirect("web:inbox_waiting", ws=request.workspace.slug)


def _weeks(value: str | None) -> int:
    try:
        return max(1, min(int(value or 12), 52))
    except ValueError:
        return 12


@workspace_view(CLOCK_VIEW)
def response_times(request: WorkspaceRequest) -> HttpResponse:
    weeks = _weeks(request.GET.get("weeks"))
    report = response_report(request.workspace, today=timezone.localdate(), weeks=weeks)

    def lines(items: list[ReportLine]) -> list[dict[str, Any]]:
        return [
            {
                "key": line.key,
                "count": line.summary.count,
                "median": duration(line.summary.median),
                "p90": duration(line.summary.p90),
                "share": line.summary.share_within,
            }
            for line in items
        ]

    channels = dict(CHANNELS)
    context = {
        "weeks": weeks,
        "report": report,
        "summary": {
            "median": duration(report.overall.median),
            "p90": duration(report.overall.p90),
            "first_median": duration(report.first.median),
            "share": report.overall.share_within,
            "count": report.overall.count,
        },
        "by_agent": lines(report.by_agent),
        "by_channel": [
            {**line, "key": str(channels.get(line["key"], line["key"]))}
            for line in lines(report.by_channel)
        ],
        "by_week": [
            {**line, "key": date.fromisoformat(line["key"])} for line in lines(report.by_week)
        ],
    }
    return render(request, "web/inbox/clock/response_times.html", context)


def _settings_initial(clock: ClockSettings) -> dict[str, object]:
    initial: dict[str, object] = {
        f"day_{index}": hours_text(day) for index, day in enumerate(clock.hours)
    }
    initial.update(
        holiday_country=bool(clock.holiday_country),
        holidays_added="\n".join(clock.holidays_added),
        holidays_removed="\n".join(clock.holidays_removed),
        default_target_minutes=clock.default_target_minutes,
        escalate_after_minutes=clock.escalate_after_minutes,
    )
    return initial


def _targets(request: WorkspaceRequest) -> list[dict[str, object]]:
    channels, segments = dict(CHANNELS), dict(Segment.choices)
    return [
        {
            "pk": target.pk,
            "channel": channels.get(target.channel, target.channel) or _("Any channel"),
            "segment": segments.get(target.segment, target.segment) or _("Any customer"),
            "minutes": target.minutes,
        }
        for target in ClockTarget.objects.for_workspace(request.workspace).order_by(
            "segment", "channel"
        )
    ]


@workspace_view(CLOCK_SETTINGS_UPDATE)
def clock_settings(request: WorkspaceRequest) -> HttpResponse:
    clock = settings_for(ClockSettings, request.workspace)
    form = ClockSettingsForm(request.POST or None, initial=_settings_initial(clock))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            clock_settings_update(
                workspace=request.workspace,
                actor=request.user,
                hours=data["hours"],
                holiday_country="RO" if data["holiday_country"] else "",
                holidays_added=data["holidays_added_days"],
                holidays_removed=data["holidays_removed_days"],
                default_target_minutes=data["default_target_minutes"],
                escalate_after_minutes=data["escalate_after_minutes"],
            )
        except ClockSettingsError:
            form.add_error(None, _("The shop must be open at some time of the week."))
        else:
            messages.success(request, _("Saved."))
            return redirect("web:inbox_clock_settings", ws=request.workspace.slug)
    days = [form[f"day_{index}"] for index in range(7)]
    context = {
        "form": form,
        "days": days,
        "targets": _targets(request),
        "target_form": TargetForm(),
        "time_zone": request.workspace.time_zone,
    }
    return render(request, "web/inbox/clock/settings.html", context)


@workspace_view(SLA_TARGET_UPDATE)
@require_POST
def clock_target_add(request: WorkspaceRequest) -> HttpResponse:
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            clock_target_set(
                workspace=request.workspace,
                actor=request.user,
                channel=form.cleaned_data["channel"],
                segment=form.cleaned_data["segment"],
                minutes=form.cleaned_data["minutes"],
            )
        except ClockSettingsError:
            messages.error(request, _("Choose a channel or a customer group, or both."))
        else:
            messages.success(request, _("Target saved."))
    else:
        messages.error(request, _("The target was not saved: check the minutes."))
    return redirect("web:inbox_clock_settings", ws=request.workspace.slug)


@workspace_view(SLA_TARGET_UPDATE)
@require_POST
def clock_target_remove(request: WorkspaceRequest, pk: int) -> HttpResponse:
    target = scoped_get(ClockTarget, request.workspace, pk)
    clock_target_delete(workspace=request.workspace, actor=request.user, target=target)
    messages.success(request, _("Target removed."))
    return redirect("web:inbox_clock_settings", ws=request.workspace.slug)
