"""Writes of the retention engine. See `runs` for the life of a refresh."""

from clientela.retention.services.runs import (
    CHUNK_SIZE,
    RetentionError,
    retention_refresh,
    retention_run_execute,
    retention_run_request,
)
from clientela.retention.services.settings import (
    retention_settings_for,
    retention_settings_update,
)
from clientela.retention.services.validation import (
    ConditionalRow,
    ValidationReport,
    WeeklyPoint,
    retention_validate,
    retention_validation_execute,
    retention_validation_request,
    validation_report,
)

__all__ = [
    "CHUNK_SIZE",
    "ConditionalRow",
    "RetentionError",
    "ValidationReport",
    "WeeklyPoint",
    "retention_refresh",
    "retention_run_execute",
    "retention_run_request",
    "retention_settings_for",
    "retention_settings_update",
    "retention_validate",
    "retention_validation_execute",
    "retention_validation_request",
    "validation_report",
]
