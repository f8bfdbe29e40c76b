"""The daily sweep that erases silent customers where a workspace set a retention period."""

from __future__ import annotations

from django_tasks import task

from clientela.privacy.services import retention_sweep_all

# Daily at 04:15, in the quiet hours, after the nightly retention refresh has read the orders.
SWEEP_CRON = "15 4 * * *"


@task(queue_name="default")
def privacy_retention_sweep() -> int:
    """Erase the silent customers of every workspace with a retention period; safe twice."""
    return retention_sweep_all()
