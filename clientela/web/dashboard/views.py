"""The workspace dashboard: counts, revenue per month and the repeat-purchase rate.

Revenue per month and the repeat-purchase rate group every order by a day of the workspace's
time zone: they are those stored by the last retention refresh, computed here only for a
workspace that has none yet. The counts are live up to a size (see `dashboard_figures`).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats

from clientela.retention.selectors import dashboard_figures
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.dashboard.checklist import checklist


@workspace_view()
def dashboard(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    figures = dashboard_figures(workspace=workspace)
    chart = {
        "labels": [formats.date_format(row.month, "F Y") for row in figures.sales.months],
        "values": [float(row.revenue) for row in figures.sales.months],
        "currency": workspace.currency,
    }
    return render(
        request,
        "web/dashboard/dashboard.html",
        {
            "customers_count": figures.customers,
            "orders_count": figures.orders,
            "repeat": figures.sales.repeat,
            "chart": chart,
            "checklist": checklist(workspace, request.membership),
            "sales_as_of": figures.sales_as_of,
            "counts_stored": figures.counts_stored,
        },
    )
