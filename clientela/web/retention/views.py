"""Retention pages: the dashboard with its refresh button, a run's progress, validation."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from clientela.accounts.models import Workspace
from clientela.accounts.scoping import scoped_get
from clientela.retention import reports
from clientela.retention.models import (
    DEFAULT_CLV_ANNUAL_DISCOUNT,
    DEFAULT_CLV_MARGIN,
    RetentionModel,
    RetentionRun,
    ValidationRun,
)
from clientela.retention.policy import (
    RETENTION_REFRESH,
    RETENTION_SETTINGS_UPDATE,
    RETENTION_VALIDATE,
)
from clientela.retention.services import (
    retention_settings_for,
    retention_settings_update,
    validation_report,
)
from clientela.retention.services.choosing import choice_sentence
from clientela.retention.services.validation import MAX_GROUP, ValidationReport
from clientela.retention.tasks import retention_refresh_enqueue, retention_validation_enqueue
from clientela.retention.verdict import holdout_verdict
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.retention.forms import RetentionSettingsForm


def _run_context(run: RetentionRun | None) -> dict[str, Any]:
    return {"run": run, "models": RetentionModel.choices}


def _percent(value: Decimal) -> str:
    # 0.3550 -> "35.5%" ("35,5%" in Romanian): no trailing zeros, the locale's separator.
    return f"{number_format(Decimal(format((value * 100).normalize(), 'f')))}%"


def _clv_basis(workspace: Workspace, current: RetentionRun | None) -> dict[str, Any]:
    """The margin and discount rate behind the CLV shown, and those the next refresh uses
    when they differ (the owner changed them since)."""
    saved = retention_settings_for(workspace)
    upcoming = (saved.clv_margin, saved.clv_annual_discount)
    used = None
    if current is not None and current.fitted:
        # Runs from before the settings existed valued customers with the defaults.
        used = (
            current.clv_margin if current.clv_margin is not None else DEFAULT_CLV_MARGIN,
            current.clv_annual_discount
            if current.clv_annual_discount is not None
            else DEFAULT_CLV_ANNUAL_DISCOUNT,
        )
    return {
        "clv_used": [_percent(v) for v in used] if used else None,
        "clv_next": [_percent(v) for v in upcoming] if used != upcoming else None,
    }


@workspace_view()
def retention_dashboard(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    current = RetentionRun.objects.current(workspace)
    dropped, lowest = reports.slipping_away(workspace)
    p_bins, clv_bins = reports.p_alive_histogram(workspace), reports.clv_histogram(workspace)
    segments = reports.segment_rows(workspace)
    context = {
        **_run_context(reports.latest_run(workspace)),
        "current": current,
        "model_reason": choice_sentence(current) if current is not None else "",
        **_clv_basis(workspace, RetentionRun.objects.current(workspace)),
        "segments": segments,
        # BG/NBD's one-time buyers, whose P(alive) it assumes rather than estimates.
        "p_alive_unknown": sum(r.customers for r in segments) - sum(b.customers for b in p_bins),
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


@workspace_view(RETENTION_REFRESH)
@require_POST
def retention_refresh_start(request: WorkspaceRequest) -> HttpResponse:
    # Empty or unknown: the settings decide (the model pinned, or the automatic choice).
    model = request.POST.get("model") or None
    if model not in RetentionModel.values:
        model = None
    run = retention_refresh_enqueue(workspace=request.workspace, actor=request.user, model=model)
    if request.htmx and not run.is_active:
        return HttpResponseClientRefresh()  # done at once (tasks run inline): show its figures
    if request.htmx:
        return render(request, "web/retention/_run.html", _run_context(run))
    return redirect("web:retention", ws=request.workspace.slug)


@workspace_view()
def retention_run(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The progress panel, polled by htmx while the run is queued or running. Once it is over
    the page reloads: its segments, charts and lists are the new run's (or, after a refusal or
    a failure, the reason is shown next to the scores that stay)."""
    run = scoped_get(RetentionRun, request.workspace, pk)
    if request.htmx and not run.is_active:
        return HttpResponseClientRefresh()
    return render(request, "web/retention/_run.html", _run_context(run))


@workspace_view(RETENTION_SETTINGS_UPDATE)
def retention_settings(request: WorkspaceRequest) -> HttpResponse:
    current = retention_settings_for(request.workspace)
    initial = {name: getattr(current, name) for name in RetentionSettingsForm.base_fields}
    form = RetentionSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            values = {**form.cleaned_data, "model": form.cleaned_data.get("model") or None}
            retention_settings_update(workspace=request.workspace, actor=request.user, **values)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("web:retention", ws=request.workspace.slug)
    return render(request, "web/retention/settings.html", {"form": form})


def _latest_validation(workspace: Workspace) -> ValidationRun | None:
    return ValidationRun.objects.for_workspace(workspace).order_by("-created_at", "-pk").first()


def _validation_context(validation: ValidationRun | None) -> dict[str, Any]:
    return {"validation": validation}


@workspace_view()
def retention_validation(request: WorkspaceRequest) -> HttpResponse:
    """The latest validation of the workspace: its progress while a worker computes it, its
    report once done, and the form that asks for another."""
    validation = _latest_validation(request.workspace)
    context = _validation_context(validation)
    context["calibration_end"] = validation.calibration_end.isoformat() if validation else ""
    report = validation_report(validation) if validation else None
    if report is not None:
        context["report"] = report
        context["verdict"] = holdout_verdict(report)
        context["chart"] = {
            "labels": [p.week for p in report.weekly],
            "actual": [p.actual for p in report.weekly],
            "expected": [round(p.expected, 1) for p in report.weekly],
            "calibration_weeks": report.calibration_weeks,
            "actual_label": _("Actual"),
            "expected_label": _("Model"),
            "parameters": dataclasses.asdict(report)["parameters"],
            "conditional": _conditional_chart(report),
        }
    return render(request, "web/retention/validation.html", context)


@workspace_view(RETENTION_VALIDATE)
@require_POST
def retention_validation_start(request: WorkspaceRequest) -> HttpResponse:
    try:
        end = dt.date.fromisoformat(request.POST.get("calibration_end", ""))
    except ValueError:
        context = _validation_context(_latest_validation(request.workspace))
        context["calibration_end"] = request.POST.get("calibration_end", "")
        context["error"] = _("Enter a date as YYYY-MM-DD.")
        return render(request, "web/retention/validation.html", context, status=400)
    retention_validation_enqueue(
        workspace=request.workspace, actor=request.user, calibration_end=end
    )
    return redirect("web:retention_validation", ws=request.workspace.slug)


@workspace_view()
def retention_validation_run(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The progress panel, polled by htmx; a finished validation reloads the page, which then
    shows its report (the charts are drawn on page load)."""
    validation = scoped_get(ValidationRun, request.workspace, pk)
    if request.htmx and not validation.is_active:
        return HttpResponseClientRefresh()
    return render(request, "web/retention/_validation.html", _validation_context(validation))


def _conditional_chart(report: ValidationReport) -> dict[str, Any]:
    """Mean holdout purchases by calibration repeat purchases, actual against the model's
    conditional expectation (Fader, Hardie & Lee 2005, figure 4)."""
    rows = report.conditional
    return {
        "labels": [
            f"{r.purchases}+" if r.purchases == MAX_GROUP else str(r.purchases) for r in rows
        ],
        "actual": [round(r.actual, 3) for r in rows],
        "predicted": [round(r.predicted, 3) for r in rows],
        "customers": [r.customers for r in rows],
        "actual_label": _("Actual"),
        "predicted_label": _("Model"),
        "x_title": _("Repeat purchases in calibration"),
        "y_title": _("Mean purchases in the holdout"),
    }
