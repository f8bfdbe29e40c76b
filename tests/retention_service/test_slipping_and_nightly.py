"""Who is slipping away between two runs, and the nightly refresh of every shop."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clientela.clock.registry import registry
from clientela.retention import engine, reports
from clientela.retention.models import CustomerScore, RetentionRun, RunStatus
from clientela.retention.stats import _fit
from clientela.retention.tasks import retention_refresh_all, retention_run_task

from .factories import BUCHAREST, customers, simulated_shop
from .test_failures import edge_shop

DAY = dt.date(2026, 1, 1)


def run_with(workspace, finished, p_alive, clv, previous=None):
    """A published, fitted run whose scores are the given numbers, customer by customer."""
    run = RetentionRun.objects.create(
        workspace=workspace,
        status=RunStatus.SUCCEEDED,
        fitted=True,
        published=True,
        finished_at=finished,
    )
    CustomerScore.objects.bulk_create(
        CustomerScore(
            workspace=workspace,
            run=run,
            customer_id=customer_id,
            p_alive=p,
            p_alive_previous=None if previous is None else previous[customer_id],
            clv=clv[customer_id],
            segment="loyal",
            recency_score=3,
            frequency_score=3,
            monetary_score=3,
            purchases=2,
            total_spend=Decimal("50.00"),
            first_purchase=DAY,
            last_purchase=DAY,
            scored_at=finished,
        )
        for customer_id, p in p_alive.items()
    )
    return run


@pytest.mark.django_db
def test_slipping_away_ranks_the_valuable_customers_by_their_drop_since_the_last_run(cast):
    people = [c.pk for c in customers(cast.shop, 20)]
    c = dict(enumerate(people))
    clv = {pk: 2000.0 - 100 * i for i, pk in enumerate(people)}  # c0 is worth most
    # The top fifth by value (20 customers: the five from 1,600 up) are c0-c4.
    before = {pk: 0.5 for pk in people} | {
        c[0]: 0.9,
        c[1]: 0.8,
        c[2]: 0.6,
        c[3]: 0.95,
        c[4]: 0.7,
        c[5]: 0.99,
    }
    now = {pk: 0.5 for pk in people} | {
        c[0]: 0.5,  # dropped 0.4
        c[1]: 0.7,  # dropped 0.1
        c[2]: 0.65,  # rose: not slipping
        c[3]: 0.2,  # dropped 0.75
        c[4]: 0.3,  # dropped 0.4, as much as c0: the lower id first
        c[5]: 0.01,  # dropped most of all, but is not among the most valuable
    }
    first_finished = timezone.now() - dt.timedelta(days=1)
    run_with(cast.shop, first_finished, before, clv)
    second = run_with(cast.shop, timezone.now(), now, clv, previous=before)
    # Another shop's customers with the same numbers never show.
    theirs = {x.pk: 0.01 for x in customers(cast.other_shop, 5)}
    run_with(cast.other_shop, timezone.now(), theirs, {pk: 9999.0 for pk in theirs})

    dropped, lowest = reports.slipping_away(cast.shop)

    assert RetentionRun.objects.current(cast.shop) == second
    assert [s.customer_id for s in dropped] == [c[3], c[0], c[4], c[1]]
    assert [round(s.p_alive_drop, 2) for s in dropped] == [0.75, 0.4, 0.4, 0.1]
    assert {s.run_id for s in dropped + lowest} == {second.pk}
    assert [s.customer_id for s in lowest] == [c[3], c[4], c[0], c[2], c[1]]


def test_the_nightly_refresh_is_registered_with_the_clock():
    [job] = [j for j in registry.jobs() if j.name == "retention.refresh"]
    assert (job.cron, job.task) == ("30 2 * * *", retention_refresh_all)


@pytest.mark.django_db(transaction=True)
def test_the_nightly_refresh_queues_every_shop_with_orders_and_one_failure_stays_there(
    cast, request, monkeypatch
):
    from clientela.accounts.services import workspace_create

    simulated_shop(cast.shop, n=150, start=dt.date(2024, 7, 1), end=dt.date(2026, 3, 12))
    edge_shop(cast.other_shop)  # 120 customers, whose search is cut short below: it fails
    real_fit = engine.fit

    def fit_cut_short_for_charlie(model, x, t_x, T):
        # Only Charlie's search is cut off after 3 iterations (see unfittable_shop); Alice's
        # 150 customers are fitted in full, in the same worker.
        with monkeypatch.context() as patch:
            if len(x) == 120:
                patch.setattr(_fit, "MAX_ITERATIONS", 3)
            return real_fit(model, x, t_x, T)

    monkeypatch.setattr(engine, "fit", fit_cut_short_for_charlie)
    workspace_create(name="Empty", slug="empty", owner=cast.owner)  # no orders: no run
    # A run summarises up to the shop's local today: freeze it on 12 March.
    travel = time_machine.travel(dt.datetime(2026, 3, 12, 23, 30, tzinfo=BUCHAREST), tick=False)
    travel.start()
    request.addfinalizer(travel.stop)

    assert retention_refresh_all.call() == 2

    runs = {r.workspace.slug: r for r in RetentionRun.objects.select_related("workspace")}
    assert set(runs) == {"alice", "charlie"}
    assert {r.status for r in runs.values()} == {RunStatus.QUEUED}
    tasks = DBTaskResult.objects.filter(task_path=retention_run_task.module_path)
    assert sorted(t.args_kwargs["args"][0] for t in tasks) == sorted(r.pk for r in runs.values())

    call_command("db_worker", queue_name="retention", batch=True, interval=0, no_startup_delay=True)

    alice = RetentionRun.objects.get(pk=runs["alice"].pk)
    charlie = RetentionRun.objects.get(pk=runs["charlie"].pk)
    assert (alice.status, alice.published) == (RunStatus.SUCCEEDED, True)
    assert CustomerScore.objects.current(cast.shop).count() == 150
    # Charlie's fit fails (its search was cut short); it does not stop Alice's refresh.
    assert (charlie.status, charlie.published, charlie.reason_code) == (
        RunStatus.FAILED,
        False,
        "fit_not_converged",
    )
    assert not CustomerScore.objects.for_workspace(cast.other_shop).exists()
    assert set(tasks.values_list("status", flat=True)) == {"SUCCESSFUL"}
