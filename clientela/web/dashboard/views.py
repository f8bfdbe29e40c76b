"""The workspace dashboard: counts, revenue per month and the repeat-purchase rate.

The counts are live. Revenue per month and the repeat-purchase rate group every order by a
day of the workspace's time zone: they are those stored by the last retention refresh, and
computed here only for a workspace that has none yet.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats

from clientela.commerce.selectors import orders_count, sales_figures
from clientela.customers.selectors import customers_count
from clientela.retention.selectors import stored_sales_figures
from clientela.web.access import WorkspaceRequest, workspace_view


@workspace_view()
def dashboard(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    stored = stored_sales_figures(workspace=workspace)
    sales = stored.figures if stored else sales_figures(workspace=workspace)
    chart = {
        "labels": [formats.date_format(row.month, "F Y") for row in sales.months],
        "values": [float(row.revenue) for row in sales.months],
        "currency": workspace.currency,
    }
    return render(
        request,
        "web/dashboard/dashboard.html",
        {
            "customers_count": customers_count(workspace=workspace),
            "orders_count": orders_count(workspace=workspace),
            "repeat": sales.repeat,
            "chart": chart,
            "sales_as_of": stored.as_of if stored else None,
        },
    )
