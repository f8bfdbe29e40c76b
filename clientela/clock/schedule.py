"""Cron maths for the clock: which time slot of a job is due. Pure; APScheduler does the cron.

A slot is the instant a cron expression fires. At a tick the clock looks for the latest
slot at or before `now`; it is due when it is later than the last slot recorded for the job.
So after an outage only the latest missed slot runs (the catch-up policy): a nightly
refresh that missed three nights runs once, not three times.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import cast

from apscheduler.triggers.cron import CronTrigger


class InvalidCron(ValueError):
    pass


# Windows searched backwards for the latest slot: short first, so that a minutely job costs
# a handful of steps; the last one covers a yearly job and a 29 February.
_WINDOWS = (
    timedelta(minutes=2),
    timedelta(hours=2),
    timedelta(days=2),
    timedelta(days=32),
    timedelta(days=367),
    timedelta(days=366 * 8 + 2),
)


def cron_trigger(expression: str, tz: tzinfo) -> CronTrigger:
    """A trigger for a five-field crontab expression, or InvalidCron saying why not."""
    if len(expression.split()) != 5:
        raise InvalidCron(f"{expression!r}: a cron expression has five fields")
    try:
        return CronTrigger.from_crontab(expression, timezone=tz)
    except ValueError as exc:
        raise InvalidCron(f"{expression!r}: {exc}") from exc


def latest_slot(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The latest instant at or before `now` at which the trigger fires (None if none)."""
    for window in _WINDOWS:
        fire = trigger.get_next_fire_time(None, now - window)
        if fire is None or fire > now:
            continue
        latest = fire
        while True:
            fire = trigger.get_next_fire_time(None, latest + timedelta(seconds=1))
            if fire is None or fire > now:
                return cast("datetime | None", latest)
            latest = fire
    return None


def due_slot(trigger: CronTrigger, now: datetime, last: datetime | None) -> datetime | None:
    """The slot to enqueue at `now`, given the last slot recorded for the job."""
    slot = latest_slot(trigger, now)
    if slot is None or (last is not None and slot <= last):
        return None
    return slot
