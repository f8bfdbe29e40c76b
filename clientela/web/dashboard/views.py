"""The workspace dashboard: counts, revenue per month and the repeat-purchase rate."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats

from clientela.commerce.selectors import orders_count, repeat_purchase_rate, revenue_by_month
from clientela.customers.selectors import customers_count
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.dashboard.checklist import checklist


@workspace_view()
def dashboard(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    months = revenue_by_month(workspace=workspace)
    chart = {
        "labels": [formats.date_format(row.month, "F Y") for row in months],
        "values": [float(row.revenue) for row in months],
        "currency": workspace.currency,
    }
    return render(
        request,
        "web/dashboard/dashboard.html",
        {
            "customers_count": customers_count(workspace=workspace),
            "orders_count": orders_count(workspace=workspace),
            "repeat": repeat_purchase_rate(workspace=workspace),
            "chart": chart,
            "checklist": checklist(workspace, request.membership),
        },
    )
