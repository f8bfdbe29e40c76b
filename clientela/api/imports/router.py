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
from ninja.errors import HttpError
from ninja.files import UploadedFile

from clientela.accounts.scoping import scoped_get
from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.errors import OBJECT_READ, OBJECT_WRITE, WRITE, responses, unprocessable
from clientela.api.imports.schemas import (
    CustomerExportFilters,
    Encoding,
    ImportJobOut,
    Kind,
    OrderExportFilters,
)
from clientela.api.openapi import keep_operation_ids
from clientela.api.types import QueryId
from clientela.commerce.selectors import OrderFilters
from clientela.customers.selectors import CustomerFilters
from clientela.imports.exports import DIALECTS, customers_export, orders_export
from clientela.imports.models import ImportJob
from clientela.imports.policy import CUSTOMER_EXPORT, IMPORT_START, ORDER_EXPORT
from clientela.imports.services import ImportFileError, ImportRetryError
from clientela.imports.tasks import import_retry_start, import_start

router = Router(tags=["imports"])


@router.post(
    "",
    response={202: ImportJobOut, **WRITE},
    summary="Upload a CSV file of customers or orders; it is imported in the background",
)
def import_create(
    request: HttpRequest,
    kind: Form[Kind],
    file: File[UploadedFile],
    encoding: Form[Encoding] = "",
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
                encoding=encoding,
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


@router.post(
    "/{import_id}/retry",
    response={202: ImportJobOut, **OBJECT_WRITE, **responses(409)},
    summary="Queue again an import whose worker kept dying, from its stored file; "
    "409 for any other import",
)
def import_retry(request: HttpRequest, import_id: Path[QueryId]) -> Status[ImportJob]:
    require(request, IMPORT_START)
    job = scoped_get(ImportJob, workspace_of(request), import_id)
    try:
        job = import_retry_start(job=job, actor=actor_of(request))
    except ImportRetryError as exc:
        raise HttpError(409, str(exc)) from exc
    return Status(202, job)


keep_operation_ids(router, "clientela.api.routers.imports")


# -- exports ---------------------------------------------------------------------------

CSV_RESPONSE: dict[str, Any] = {
    "responses": {
        "200": {
            "description": "CSV with a header row, in the columns the importer reads; "
            "cells starting with = + - @ get a leading single quote. With format=excel_ro: "
            "semicolons, decimal commas and a UTF-8 byte order mark.",
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
    dialect = filters.format or "csv"
    lines = customers_export(
        workspace=workspace, actor=actor_of(request), filters=selected, dialect=DIALECTS[dialect]
    )
    return _download(lines, _file_name("customers", workspace.slug, dialect))


def order_export(request: HttpRequest, filters: Query[OrderExportFilters]) -> StreamingHttpResponse:
    require(request, ORDER_EXPORT)
    workspace = workspace_of(request)
    selected = OrderFilters(
        status=filters.status or "",
        placed_from=filters.placed_from,
        placed_to=filters.placed_to,
    )
    dialect = filters.format or "csv"
    lines = orders_export(
        workspace=workspace, actor=actor_of(request), filters=selected, dialect=DIALECTS[dialect]
    )
    return _download(lines, _file_name("orders", workspace.slug, dialect))


def _file_name(base: str, slug: str, dialect: str) -> str:
    return f"{base}-{slug}{'-excel' if dialect == 'excel_ro' else ''}.csv"
