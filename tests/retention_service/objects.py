"""Objects of the retention pages for the web permission matrix (tests/web/test_permissions)."""

from __future__ import annotations

from typing import Any

from clientela.retention.models import RetentionRun, RunStatus


def retention_objects(cast: Any) -> dict[str, int]:
    run = RetentionRun.objects.create(workspace=cast.shop, status=RunStatus.SUCCEEDED)
    return {"retention_run": run.pk}
