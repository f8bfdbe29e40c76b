"""Import job payloads, and the filters of the CSV exports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from clientela.api.commerce.schemas import Status as OrderStatus
from clientela.api.customers.schemas import Language
from clientela.api.pagination import _query_schema
from clientela.api.types import NonEmpty, Text60, Text100
from clientela.imports.models import ImportJob

Kind = Literal["customers", "orders"]
Status = Literal["queued", "running", "succeeded", "failed"]
# "" (or no field): detected from the file's bytes.
Encoding = Literal["", "utf-8", "cp1250", "iso-8859-2"]
Failure = Literal["", "worker_stopped", "file_missing", "command_stopped"]
# "excel_ro": semicolons, decimal commas, a UTF-8 BOM (Excel with Romanian settings).
ExportFormat = Literal["csv", "excel_ro"]


class RowErrorOut(Schema):
    line: int = Field(description="Line of the file; 0 for the file as a whole.")
    column: str
    reason: str


class ImportJobOut(Schema):
    id: int
    kind: Kind
    status: Status
    file_name: str
    created_by: str | None = Field(description="The e-mail of the user who uploaded it.")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    total_bytes: int
    processed_bytes: int
    progress_percent: int = Field(ge=0, le=100)
    rows_read: int
    created_count: int
    updated_count: int
    unchanged_count: int
    error_count: int = Field(description="All errors found; `errors` keeps the first ones.")
    errors: list[RowErrorOut]
    encoding: Encoding = Field(description="The file's encoding: chosen, or once read, found.")
    file_format: str = Field(
        description="The layout recognised by the header: clientela-customers, "
        "shopify-orders, woocommerce-orders, prestashop-customers, ..."
    )
    failure: Failure = Field(description="Why a job failed when no row is at fault.")
    attempts: int = Field(description="How many workers took it (more than 1: one died).")
    retryable: bool = Field(description="Failed for its worker, with its file kept: retry it.")

    @staticmethod
    def resolve_retryable(obj: ImportJob) -> bool:
        return obj.retryable and obj.file_kept

    @staticmethod
    def resolve_created_by(obj: ImportJob) -> str | None:
        return obj.created_by.email if obj.created_by is not None else None

    @staticmethod
    def resolve_errors(obj: ImportJob) -> list[dict[str, Any]]:
        return list(obj.errors or [])


class CustomerExportFilters(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_query_schema)

    q: Annotated[Text100, NonEmpty] | None = None
    tag: Annotated[Text60, NonEmpty] | None = None
    language: Language | None = None
    format: ExportFormat | None = None


class OrderExportFilters(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_query_schema)

    status: OrderStatus | None = None
    placed_from: date | None = None
    placed_to: date | None = None  # inclusive, in the workspace's time zone
    format: ExportFormat | None = None
