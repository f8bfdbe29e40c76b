"""Retention pages: the dashboard with its refresh button, a run's progress, validation."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.accounts.models import Role
from clientela.retention import reports
from clientela.retention.models import RetentionModel, RetentionRun
from clientela.retention.services import (
    RetentionError,
    retention_refresh_enqueue,
    retention_validate,
)
from clientela.web.access import WorkspaceRequest, workspace_view


def _run_context(request: WorkspaceRequest, run: RetentionRun | None) -> dict[str, Any]:
    return {
        "run": run,
        "can_refresh": request.membership.has_role(Role.MANAGER),
        "models": RetentionModel.choices,
    }


@workspace_view()
def retention_dashboard(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    dropped, lowest = reports.slipping_away(workspace)
    p_bins, clv_bins = reports.p_alive_histogram(workspace), reports.clv_histogram(workspace)
    context = {
        **_run_context(request, reports.latest_run(workspace)),
        "current": RetentionRun.objects.current(workspace),
        "segments": reports.segment_rows(workspace),
        "dropped": dropped,
        "lowest": lowest,
        "charts": {
            "p_alive": {
                "labels": [f"{b.low:.0%}-{b.high:.0%}" for b in p_bins],
                "values": [b.customers for b in p_bins],
                "title": _("Customers by probability of still being active"),
            },
            "clv": {
                "labels": [f"{b.low:,.0f}-{b.high:,.0f}" for b in clv_bins],
                "values": [b.customers for b in clv_bins],
                "title": _("Customers by value of the next 12 months"),
            },
        },
    }
    return render(request, "web/retention/dashboard.html", context)


@workspace_view(min_role=Role.MANAGER)
@require_POST
def retention_refresh_start(request: WorkspaceRequest) -> HttpResponse:
    model = request.POST.get("model") or RetentionModel.BGNBD
    if model not in RetentionModel.values:
        model = RetentionModel.BGNBD
    run = retention_refresh_enqueue(workspace=request.workspace, actor=request.user, model=model)
    if request.htmx:
        return render(request, "web/retention/_run.html", _run_context(request, run))
    return redirect("web:retention", ws=request.workspace.slug)


@workspace_view()
def retention_run(request: WorkspaceRequest, pk: int) -> HttpResponse:
    run = RetentionRun.objects.for_workspace(request.workspace).filter(pk=pk).first()
    if run is None:
        raise Http404
    return render(request, "web/retention/_run.html", _run_context(request, run))


@workspace_view()
def retention_validation(request: WorkspaceRequest) -> HttpResponse:
    context: dict[str, Any] = {"calibration_end": request.GET.get("calibration_end", "")}
    if context["calibration_end"]:
        try:
            end = dt.date.fromisoformat(context["calibration_end"])
            report = retention_validate(workspace=request.workspace, calibration_end=end)
        except ValueError as exc:
            context["error"] = (
                str(exc) if isinstance(exc, RetentionError) else _("Enter a date as YYYY-MM-DD.")
            )
        else:
            context["report"] = report
            context["chart"] = {
                "labels": [p.week for p in report.weekly],
                "actual": [p.actual for p in report.weekly],
                "expected": [round(p.expected, 1) for p in report.weekly],
                "calibration_weeks": report.calibration_weeks,
                "actual_label": _("Actual"),
                "expected_label": _("Model"),
                "parameters": dataclasses.asdict(report)["parameters"],
            }
    return render(request, "web/retention/validation.html", context)
