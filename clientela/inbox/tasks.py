"""The clock job of the inbox: escalate the waits past their targets (registered in apps.py)."""

from __future__ import annotations

from django_tasks import task

from clientela.inbox.services.clock_escalation import clock_escalate

ESCALATE_CRON = "*/5 * * * *"


@task()
def inbox_clock_escalate() -> dict[str, int]:
    counts = clock_escalate()
    return {"nudged": counts.nudged, "mails": counts.mails}
