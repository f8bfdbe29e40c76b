"""CSV exports: the same rows and filters as the web downloads, streamed.

Registered on the customers and orders routers before their `/{id}` routes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Query, Schema
from pydantic import ConfigDict

from clientela.accounts.models import Role
from clientela.api.auth import require_role, workspace_of
from clientela.api.pagination import _query_schema
from clientela.api.schemas.commerce import Status
from clientela.api.schemas.customers import Language
from clientela.api.types import NonEmpty, Text60, Text100
from clientela.commerce.selectors import OrderFilters
from clientela.customers.selectors import CustomerFilters
from clientela.imports.exports import (
    CUSTOMER_COLUMNS,
    ORDER_COLUMNS,
    csv_lines,
    customer_rows,
    order_rows,
)

CSV_RESPONSE: dict[str, Any] = {
    "responses": {
        "200": {
            "description": "CSV with a header row, in the columns the importer reads; "
            "cells starting with = + - @ get a leading single quote.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


class CustomerExportFilters(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_query_schema)

    q: Annotated[Text100, NonEmpty] | None = None
    tag: Annotated[Text60, NonEmpty] | None = None
    language: Language | None = None


class OrderExportFilters(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_query_schema)

    status: Status | None = None
    placed_from: date | None = None
    placed_to: date | None = None  # inclusive, in the workspace's time zone


def _download(lines: Iterator[str], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def customer_export(
    request: HttpRequest, filters: Query[CustomerExportFilters]
) -> StreamingHttpResponse:
    require_role(request, Role.MANAGER)
    workspace = workspace_of(request)
    selected = CustomerFilters(
        search=filters.q or "", tag=filters.tag or "", language=filters.language or ""
    )
    rows = customer_rows(workspace, selected)
    return _download(csv_lines(CUSTOMER_COLUMNS, rows), f"customers-{workspace.slug}.csv")


def order_export(request: HttpRequest, filters: Query[OrderExportFilters]) -> StreamingHttpResponse:
    require_role(request, Role.MANAGER)
    workspace = workspace_of(request)
    selected = OrderFilters(
        status=filters.status or "",
        placed_from=filters.placed_from,
        placed_to=filters.placed_to,
    )
    rows = order_rows(workspace, selected)
    return _download(csv_lines(ORDER_COLUMNS, rows), f"orders-{workspace.slug}.csv")
