"""The periodic jobs the clock enqueues. Apps register theirs from `AppConfig.ready()`:

    from clientela.clock.registry import register
    register("retention.refresh", "30 3 * * *", refresh_scores)

The cron expression is read in the install's time zone (settings.TIME_ZONE). The task is a
Django task (`@task`) that takes no arguments; the clock enqueues it once per time slot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django_tasks.base import Task

from clientela.clock.schedule import InvalidCron, cron_trigger

__all__ = ["InvalidCron", "PeriodicJob", "Registry", "register", "registry"]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    cron: str
    task: Task[Any, Any]
    trigger: CronTrigger = field(compare=False, repr=False)


class Registry:
    def __init__(self) -> None:
        self._jobs: dict[str, PeriodicJob] = {}

    def register(self, name: str, cron: str, task: Task[Any, Any]) -> PeriodicJob:
        """Add a job; raise InvalidCron for a bad expression, ValueError for a clash."""
        if not name or len(name) > 100:
            raise ValueError("A periodic job needs a name of 1 to 100 characters")
        if not isinstance(task, Task):
            raise TypeError(f"{name}: {task!r} is not a Django task (decorate it with @task)")
        job = PeriodicJob(name, cron, task, cron_trigger(cron, ZoneInfo(settings.TIME_ZONE)))
        existing = self._jobs.get(name)
        # ready() may run twice (tests, reloaders): the same job again is not a clash.
        if existing is not None and existing != job:
            raise ValueError(f"A periodic job named {name!r} is already registered")
        self._jobs[name] = job
        return job

    def unregister(self, name: str) -> None:
        self._jobs.pop(name, None)

    def jobs(self) -> list[PeriodicJob]:
        return sorted(self._jobs.values(), key=lambda job: job.name)


registry = Registry()


def register(name: str, cron: str, task: Task[Any, Any]) -> PeriodicJob:
    return registry.register(name, cron, task)
