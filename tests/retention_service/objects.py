"""Objects of the retention pages for the web permission matrix (tests/web/test_permissions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from clientela.retention.models import RetentionRun, RunStatus, ValidationRun


def retention_objects(cast: Any) -> dict[str, int]:
    run = RetentionRun.objects.create(workspace=cast.shop, status=RunStatus.SUCCEEDED)
    validation = ValidationRun.objects.create(
        workspace=cast.shop, calibration_end=dt.date(2026, 1, 31), status=RunStatus.SUCCEEDED
    )
    return {"retention_run": run.pk, "retention_validation": validation.pk}
