"""CSV imports: upload a file to start one (202), then poll its status and errors.

And the CSV exports: the same rows and filters as the web downloads, streamed. They are
operations of the customers and orders routers, which register them before their `/{id}`
routes (Django would read `export.csv` as an id).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path as FilePath
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import File, Form, Path, Query, Router, Status
from ninja.files import UploadedFile

from clientela.accounts.scoping import scoped_get
from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.errors import OBJECT_READ, WRITE, unprocessable
from clientela.api.imports.schemas import (
    CustomerExportFilters,
    ImportJobOut,
    Kind,
    OrderExportFilters,
)
from clientela.api.openapi import keep_operation_ids
from clientela.api.types import QueryId
from clientela.commerce.selectors import OrderFilters
from clientela.customers.selectors import CustomerFilters
from clientela.imports.exports import customers_export, orders_export
from clientela.imports.models import ImportJob
from clientela.imports.policy import CUSTOMER_EXPORT, IMPORT_START, ORDER_EXPORT
from clientela.imports.services import ImportFileError
from clientela.imports.tasks import import_start

router = Router(tags=["imports"])


@router.post(
    "",
    response={202: ImportJobOut, **WRITE},
    summary="Upload a CSV file of customers or orders; it is imported in the background",
)
def import_create(
    request: HttpRequest, kind: Form[Kind], file: File[UploadedFile]
) -> Status[ImportJob]:
    require(request, IMPORT_START)
    # The upload may live in memory or in a temporary file; the service wants a path and
    # keeps its own copy, so ours can go when the request ends.
    with tempfile.TemporaryDirectory() as folder:
        source = FilePath(folder) / "upload.csv"
        with source.open("wb") as handle:
            for chunk in file.chunks():
                handle.write(chunk)
        try:
            job = import_start(
                workspace=workspace_of(request),
                kind=kind,
                source_path=source,
                file_name=file.name or "upload.csv",
                actor=actor_of(request),
            )
        except ImportFileError as exc:
            raise unprocessable("file", str(exc), source="file") from exc
    return Status(202, job)


@router.get(
    "/{import_id}",
    response={200: ImportJobOut, **OBJECT_READ},
    summary="An import: its status, progress and the rows it refused",
)
def import_read(request: HttpRequest, import_id: Path[QueryId]) -> ImportJob:
    jobs = ImportJob.objects.select_related("created_by")
    return scoped_get(jobs, workspace_of(request), import_id)


keep_operation_ids(router, "clientela.api.routers.imports")


# -- exports ---------------------------------------------------------------------------

CSV_RESPONSE: dict[str, Any] = {
    "responses": {
        "200": {
            "description": "CSV with a header row, in the columns the importer reads; "
            "cells starting with = + - @ get a leading single quote.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


def _download(lines: Iterator[str], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def customer_export(
    request: HttpRequest, filters: Query[CustomerExportFilters]
) -> StreamingHttpResponse:
    require(request, CUSTOMER_EXPORT)
    workspace = workspace_of(request)
    selected = CustomerFilters(
        search=filters.q or "", tag=filters.tag or "", language=filters.language or ""
    )
    lines = customers_export(workspace=workspace, actor=actor_of(request), filters=selected)
    return _download(lines, f"customers-{workspace.slug}.csv")


def order_export(request: HttpRequest, filters: Query[OrderExportFilters]) -> StreamingHttpResponse:
    require(request, ORDER_EXPORT)
    workspace = workspace_of(request)
    selected = OrderFilters(
        status=filters.status or "",
        placed_from=filters.placed_from,
        placed_to=filters.placed_to,
    )
    lines = orders_export(workspace=workspace, actor=actor_of(request), filters=selected)
    return _download(lines, f"orders-{workspace.slug}.csv")
