"""The dashboard's figures stored on a run when it publishes are those the live queries give."""

from __future__ import annotations

import datetime as dt

import pytest

from clientela.retention import reports
from clientela.retention.models import CustomerScore, RetentionRun
from clientela.retention.services import retention_run_execute, retention_run_request

from .factories import simulated_shop

TODAY = dt.date(2026, 6, 30)


def _figures(workspace):
    dropped, lowest = reports.slipping_away(workspace)

    def shown(rows):
        return [
            (r.run_id, r.customer_id, r.customer.pk, r.p_alive, r.p_alive_previous, r.clv)
            for r in rows
        ]

    return {
        "segments": reports.segment_rows(workspace),
        "p_alive": reports.p_alive_histogram(workspace),
        "clv": reports.clv_histogram(workspace),
        "dropped": shown(dropped),
        "lowest": shown(lowest),
    }


@pytest.mark.django_db
def test_the_figures_stored_at_publish_equal_the_live_queries_across_chunks_and_a_resume(cast):
    simulated_shop(cast.shop, n=300, start=dt.date(2024, 7, 1), end=TODAY)
    simulated_shop(cast.other_shop, n=40, start=dt.date(2024, 7, 1), end=TODAY, seed=3)
    first = retention_run_request(workspace=cast.shop, actor=None, model="bgnbd")
    retention_run_execute(run=first, today=TODAY)
    # Two months without orders later, P(alive) has dropped: the second run has something
    # slipping away. It is written in chunks, interrupted after one and resumed.
    later = TODAY + dt.timedelta(days=60)
    run = retention_run_request(workspace=cast.shop, actor=None, model="bgnbd")
    run = retention_run_execute(run=run, today=later, chunk_size=64, max_chunks=1)
    assert not run.published
    run = retention_run_execute(run=run, today=later, chunk_size=64)
    run.refresh_from_db()
    assert run.published and run.fitted and run.dashboard is not None
    retention_run_execute(
        run=retention_run_request(workspace=cast.other_shop, actor=None, model="bgnbd"),
        today=TODAY,
    )

    stored = _figures(cast.shop)
    RetentionRun.objects.filter(pk=run.pk).update(dashboard=None)  # as a run from before
    live = _figures(cast.shop)

    assert stored == live
    scores = CustomerScore.objects.filter(run=run)
    assert sum(r.customers for r in stored["segments"]) == scores.count() == 300
    assert sum(b.customers for b in stored["p_alive"]) == scores.exclude(p_alive=None).count()
    assert sum(b.customers for b in stored["clv"]) == scores.exclude(clv=None).count()
    assert len(stored["dropped"]) == len(stored["lowest"]) == reports.SLIPPING_LIMIT
    assert {row[0] for row in stored["dropped"] + stored["lowest"]} == {run.pk}


@pytest.mark.django_db
def test_the_dashboard_reads_the_stored_figures_not_the_scores(cast):
    simulated_shop(cast.shop, n=60, start=dt.date(2024, 7, 1), end=TODAY)
    run = retention_run_execute(
        run=retention_run_request(workspace=cast.shop, actor=None, model="bgnbd"), today=TODAY
    )
    before = _figures(cast.shop)
    assert sum(r.customers for r in before["segments"]) == 60
    # Scores gone (never happens to a published run): the page still shows the run's figures.
    CustomerScore.objects.filter(run=run).delete()
    assert _figures(cast.shop) == before
    RetentionRun.objects.filter(pk=run.pk).update(dashboard=None)
    assert sum(r.customers for r in reports.segment_rows(cast.shop)) == 0
