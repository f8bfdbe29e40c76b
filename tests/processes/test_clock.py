"""The clock enqueues each time slot of each periodic job exactly once."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from clientela.clock.models import ClockSlot
from clientela.clock.registry import InvalidCron, Registry
from clientela.clock.schedule import cron_trigger, due_slot, latest_slot
from clientela.clock.services import clock_tick
from tests.processes.tasks import minutely_noop, nightly_noop

BUCHAREST = ZoneInfo("Europe/Bucharest")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BUCHAREST)


def nightly_registry() -> Registry:
    jobs = Registry()
    jobs.register("test.nightly", "30 3 * * *", nightly_noop)
    return jobs


def enqueued(task_path: str) -> list[str]:
    return list(DBTaskResult.objects.filter(task_path=task_path).values_list("status", flat=True))


NIGHTLY = "tests.processes.tasks.nightly_noop"
MINUTELY = "tests.processes.tasks.minutely_noop"


def test_latest_slot_is_the_last_firing_at_or_before_now():
    nightly = cron_trigger("30 3 * * *", BUCHAREST)
    assert latest_slot(nightly, at("2026-11-23 14:00")) == at("2026-11-23 03:30")
    assert latest_slot(nightly, at("2026-11-23 03:30")) == at("2026-11-23 03:30")
    assert latest_slot(nightly, at("2026-11-23 03:29:59")) == at("2026-11-22 03:30")
    minutely = cron_trigger("* * * * *", BUCHAREST)
    assert latest_slot(minutely, at("2026-11-23 14:07:42")) == at("2026-11-23 14:07")
    leap = cron_trigger("0 0 29 2 *", BUCHAREST)
    assert latest_slot(leap, at("2026-11-23 14:00")) == at("2024-02-29 00:00")


def test_catch_up_after_an_outage_is_only_the_latest_missed_slot():
    nightly = cron_trigger("30 3 * * *", BUCHAREST)
    last = at("2026-11-19 03:30")  # then the machine was off for four nights
    assert due_slot(nightly, at("2026-11-23 14:00"), last) == at("2026-11-23 03:30")
    assert due_slot(nightly, at("2026-11-23 14:00"), at("2026-11-23 03:30")) is None


@pytest.mark.parametrize(
    "expression", ["61 * * * *", "* * *", "every night", "* * * * * *", "30 25 * * *", ""]
)
def test_a_bad_cron_expression_is_rejected_at_registration(expression):
    jobs = Registry()
    with pytest.raises(InvalidCron):
        jobs.register("test.bad", expression, nightly_noop)
    assert jobs.jobs() == []


def test_a_name_registered_twice_with_another_schedule_is_refused():
    jobs = nightly_registry()
    jobs.register("test.nightly", "30 3 * * *", nightly_noop)  # the same again is fine
    with pytest.raises(ValueError, match="already registered"):
        jobs.register("test.nightly", "0 4 * * *", nightly_noop)
    with pytest.raises(TypeError):
        jobs.register("test.plain", "0 4 * * *", print)  # type: ignore[arg-type]
    assert [(job.name, job.cron) for job in jobs.jobs()] == [("test.nightly", "30 3 * * *")]


@pytest.mark.django_db
def test_each_slot_is_enqueued_once_and_the_next_slot_when_it_comes():
    jobs = nightly_registry()
    first = clock_tick(now=at("2026-11-23 14:00"), jobs=jobs)
    again = clock_tick(now=at("2026-11-23 14:00:05"), jobs=jobs)
    before_next = clock_tick(now=at("2026-11-24 03:29"), jobs=jobs)
    following = clock_tick(now=at("2026-11-24 03:30:02"), jobs=jobs)

    assert [slot.slot_start for slot in first] == [at("2026-11-23 03:30")]
    assert again == [] and before_next == []
    assert [slot.slot_start for slot in following] == [at("2026-11-24 03:30")]
    assert list(ClockSlot.objects.order_by("slot_start").values_list("job", "slot_start")) == [
        ("test.nightly", at("2026-11-23 03:30")),
        ("test.nightly", at("2026-11-24 03:30")),
    ]
    assert enqueued(NIGHTLY) == ["READY", "READY"]
    slot_task_ids = set(ClockSlot.objects.values_list("task_id", flat=True))
    assert slot_task_ids == {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}


@pytest.mark.django_db
def test_after_an_outage_the_clock_enqueues_only_the_latest_missed_slot():
    jobs = nightly_registry()
    clock_tick(now=at("2026-11-19 04:00"), jobs=jobs)
    caught_up = clock_tick(now=at("2026-11-23 14:00"), jobs=jobs)

    assert [slot.slot_start for slot in caught_up] == [at("2026-11-23 03:30")]
    assert list(ClockSlot.objects.order_by("slot_start").values_list("slot_start", flat=True)) == [
        at("2026-11-19 03:30"),
        at("2026-11-23 03:30"),
    ]
    assert len(enqueued(NIGHTLY)) == 2


@pytest.mark.django_db
def test_a_slot_already_taken_by_another_clock_is_not_enqueued_again():
    jobs = nightly_registry()
    ClockSlot.objects.create(job="test.nightly", slot_start=at("2026-11-23 03:30"))

    assert clock_tick(now=at("2026-11-23 14:00"), jobs=jobs) == []
    assert enqueued(NIGHTLY) == []


@pytest.mark.django_db(transaction=True)
def test_two_clocks_ticking_at_once_enqueue_exactly_one_task_per_slot():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; the in-memory SQLite test db is shared")
    jobs = nightly_registry()
    jobs.register("test.minutely", "* * * * *", minutely_noop)
    start = at("2026-11-23 03:25")
    moments = [start + timedelta(seconds=20 * step) for step in range(30)]  # 10 minutes
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run_clock() -> None:
        try:
            for now in moments:
                barrier.wait(timeout=10)
                clock_tick(now=now, jobs=jobs)
        except BaseException as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    clocks = [threading.Thread(target=run_clock) for _ in range(2)]
    for clock in clocks:
        clock.start()
    for clock in clocks:
        clock.join(timeout=60)

    assert errors == []
    minutely = [at("2026-11-23 03:25") + timedelta(minutes=m) for m in range(10)]
    assert (
        sorted(ClockSlot.objects.filter(job="test.minutely").values_list("slot_start", flat=True))
        == minutely
    )
    nightly = ClockSlot.objects.filter(job="test.nightly").order_by("slot_start")
    assert list(nightly.values_list("slot_start", flat=True)) == [
        at("2026-11-22 03:30"),  # the latest before the clocks started
        at("2026-11-23 03:30"),  # came round while they ran
    ]
    assert len(enqueued(MINUTELY)) == 10
    assert len(enqueued(NIGHTLY)) == 2
