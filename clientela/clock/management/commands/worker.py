"""`clientela worker`: run tasks from every queue, with the configured backend."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run queued tasks from every queue (django-tasks-db, or RQ when configured)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Run what is queued now, then exit."
        )

    def handle(self, *args: Any, batch: bool, **options: Any) -> None:
        backend = str(settings.TASKS["default"]["BACKEND"])
        if backend.startswith("django_tasks_rq."):
            # RQ needs its own job class to run django-tasks, and the scheduler for
            # tasks enqueued with run_after.
            call_command(
                "rqworker",
                *settings.TASKS["default"]["QUEUES"],
                job_class="django_tasks_rq.Job",
                with_scheduler=True,
                burst=batch,
            )
            return
        # Without --queue-name db_worker serves only the "default" queue.
        call_command("db_worker", queue_name="*", reload=False, batch=batch)
