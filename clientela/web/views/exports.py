"""CSV downloads of the customer and order lists, with the filters the list shows."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import StreamingHttpResponse

from clientela.accounts.models import Role
from clientela.commerce.selectors import OrderFilters
from clientela.imports.exports import (
    CUSTOMER_COLUMNS,
    ORDER_COLUMNS,
    csv_lines,
    customer_rows,
    order_rows,
)
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.forms import CustomerFilterForm, OrderFilterForm
from clientela.web.views.customers import list_filters


def _download(lines: Iterator[str], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Managers and owners: an export takes every matching customer's personal data out in bulk.
@workspace_view(min_role=Role.MANAGER)
def customer_export(request: WorkspaceRequest) -> StreamingHttpResponse:
    form = CustomerFilterForm(request.GET)
    if not form.is_valid():
        form = CustomerFilterForm({})
        form.is_valid()
    rows = customer_rows(request.workspace, list_filters(form))
    return _download(csv_lines(CUSTOMER_COLUMNS, rows), f"customers-{request.workspace.slug}.csv")


@workspace_view(min_role=Role.MANAGER)
def order_export(request: WorkspaceRequest) -> StreamingHttpResponse:
    form = OrderFilterForm(request.GET)
    if not form.is_valid():
        form = OrderFilterForm({})
        form.is_valid()
    data = form.cleaned_data
    filters = OrderFilters(
        status=data["status"], placed_from=data["placed_from"], placed_to=data["placed_to"]
    )
    rows = order_rows(request.workspace, filters)
    return _download(csv_lines(ORDER_COLUMNS, rows), f"orders-{request.workspace.slug}.csv")
