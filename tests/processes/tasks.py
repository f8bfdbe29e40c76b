"""Tasks for the process tests: module-level, as the task backends require."""

from __future__ import annotations

from django_tasks import task


@task()
def nightly_noop() -> None:
    return None


@task()
def minutely_noop() -> None:
    return None


@task(queue_name="mail")
def mail_queue_probe(marker: str) -> str:
    return marker
