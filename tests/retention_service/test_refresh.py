"""A refresh: fit, scores in chunks, publish; refused, failed and interrupted runs."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest

from clientela.customers.models import Customer
from clientela.retention import engine
from clientela.retention.models import CustomerScore, RetentionRun, RunStatus
from clientela.retention.selectors import purchase_summary
from clientela.retention.services import (
    retention_refresh,
    retention_run_execute,
    retention_run_request,
)
from clientela.retention.services.scoring import score_table
from clientela.timeline.models import Event

from .factories import BUCHAREST, customers, order, simulated_shop

TODAY = dt.date(2026, 6, 30)
SCORE_FIELDS = (
    "customer_id",
    "p_alive",
    "p_alive_previous",
    "expected_purchases_90d",
    "expected_purchases_365d",
    "expected_spend",
    "clv",
    "segment",
    "recency_score",
    "frequency_score",
    "monetary_score",
    "overdue_ratio",
    "purchases",
    "total_spend",
    "first_purchase",
    "last_purchase",
    "model_name",
)


def _scores(run):
    return list(
        CustomerScore.objects.filter(run=run).order_by("customer_id").values_list(*SCORE_FIELDS)
    )


def _refresh(ws, **kwargs):
    run = retention_run_request(workspace=ws, actor=None, model=kwargs.pop("model", "bgnbd"))
    return retention_run_execute(run=run, today=TODAY, **kwargs)


@pytest.fixture
def shop(cast):
    simulated_shop(cast.shop, n=300, start=dt.date(2024, 7, 1), end=TODAY)
    return cast.shop


@pytest.mark.django_db
def test_a_refresh_on_a_simulated_shop_recovers_its_parameters_and_scores_everyone(shop):
    run = _refresh(shop, chunk_size=100)

    assert (run.status, run.published, run.reason) == (RunStatus.SUCCEEDED, True, "")
    assert (run.progress_done, run.progress_total, run.progress_percent) == (300, 300, 100)
    params = run.parameters
    # Simulated in days with r=0.25, alpha=30, a=0.8, b=2.5; the model works in weeks.
    assert 0.15 < params["r"] < 0.4 and 2.5 < params["alpha"] < 7.5
    assert 0.3 < params["a"] < 2.0 and 1.0 < params["b"] < 6.0
    assert set(run.spend_parameters) == {"p", "q", "gamma", "log_likelihood"}
    assert run.log_likelihood < 0
    scores = CustomerScore.objects.current(shop)
    assert scores.count() == 300
    assert RetentionRun.objects.current(shop) == run
    for s in scores:
        # BG/NBD assumes, not estimates, that one-time buyers are alive: stored as unknown.
        assert (s.p_alive is None) == (s.purchases == 1) and s.p_alive_previous is None
        assert s.p_alive is None or 0 <= s.p_alive <= 1
        assert 0 <= s.expected_purchases_90d <= s.expected_purchases_365d
        assert s.clv > 0 and s.expected_spend > 0
        assert s.model_name == "bgnbd" and 1 <= s.recency_score <= 5
        assert run.started_at <= s.scored_at <= run.finished_at
        assert (s.overdue_ratio is None) == (s.purchases == 1)
    one_timers = scores.filter(purchases=1)
    assert {s.p_alive for s in one_timers} == {None}  # BG/NBD: no repeat, no chance to drop out
    kinds = list(
        Event.objects.for_workspace(shop)
        .filter(kind__startswith="retention.")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["retention.run_requested", "retention.run_succeeded"]


@pytest.mark.django_db
def test_a_second_refresh_replaces_the_scores_and_remembers_the_previous_p_alive(shop):
    first = _refresh(shop)
    before = dict(CustomerScore.objects.filter(run=first).values_list("customer_id", "p_alive"))
    second = _refresh(shop, model="paretonbd")

    assert second.status == RunStatus.SUCCEEDED and set(second.parameters) == {
        "r",
        "alpha",
        "s",
        "beta",
    }
    assert not CustomerScore.objects.filter(run=first).exists()
    after = CustomerScore.objects.current(shop)
    assert dict(after.values_list("customer_id", "p_alive_previous")) == before
    assert set(after.values_list("model_name", flat=True)) == {"paretonbd"}


@pytest.mark.django_db
def test_an_mbgnbd_refresh_gives_one_time_buyers_a_chance_of_being_gone(shop):
    run = _refresh(shop, model="mbgnbd")

    assert (run.status, run.model, set(run.parameters)) == (
        RunStatus.SUCCEEDED,
        "mbgnbd",
        {"r", "alpha", "a", "b"},
    )
    scores = CustomerScore.objects.current(shop)
    assert set(scores.values_list("model_name", flat=True)) == {"mbgnbd"}
    one_timers = list(scores.filter(purchases=1).order_by("first_purchase"))
    assert one_timers and all(0 < s.p_alive < 1 for s in one_timers)
    # The longer ago the only purchase, the less likely the customer is still buying.
    oldest, newest = one_timers[0], one_timers[-1]
    assert oldest.first_purchase < newest.first_purchase and oldest.p_alive < newest.p_alive


def _null(value):
    return None if value is None or math.isnan(value) else value


@pytest.mark.django_db
def test_the_written_scores_are_the_score_table_of_the_run_row_by_row(shop):
    first = _refresh(shop)
    previous = dict(CustomerScore.objects.filter(run=first).values_list("customer_id", "p_alive"))
    # A newcomer with one purchase: no previous P(alive), no rhythm (NULLs among the numbers).
    newcomer = Customer.objects.create(workspace=shop, first_name="New", email="new@example.com")
    order(newcomer, dt.datetime(2026, 6, 29, 12, tzinfo=BUCHAREST), "12.34")
    run = _refresh(shop, chunk_size=128)

    summary = purchase_summary(shop, as_of=TODAY, max_order_id=run.max_order_id)
    table = score_table(
        summary,
        model=run.model,
        parameters=run.parameters,
        spend_parameters=run.spend_parameters,
        margin=float(run.clv_margin),
        annual_discount=float(run.clv_annual_discount),
    )
    assert table.p_alive is not None and table.clv is not None
    assert table.expected_90d is not None and table.expected_365d is not None
    assert table.expected_spend is not None
    epoch = dt.date(1970, 1, 1)
    expected = [
        (
            customer_id,
            _null(table.p_alive[i]),
            previous.get(customer_id),
            _null(table.expected_90d[i]),
            _null(table.expected_365d[i]),
            _null(table.expected_spend[i]),
            _null(table.clv[i]),
            str(table.segment[i]),
            int(table.recency_score[i]),
            int(table.frequency_score[i]),
            int(table.monetary_score[i]),
            _null(table.overdue_ratio[i]),
            int(summary.purchases[i]),
            Decimal(f"{summary.total_spend[i]:.2f}"),
            epoch + dt.timedelta(days=int(summary.first_day[i])),
            epoch + dt.timedelta(days=int(summary.last_day[i])),
            "bgnbd",
        )
        for i, customer_id in enumerate(summary.customer_id.tolist())
    ]
    written = _scores(run)
    assert len(written) == 301 and newcomer.pk not in previous
    assert written == expected
    mine = [(r[0], r[2], r[11], r[12], r[13]) for r in written if r[0] == newcomer.pk]
    assert mine == [(newcomer.pk, None, None, 1, Decimal("12.34"))]


@pytest.mark.django_db
def test_a_shop_too_small_to_fit_gets_segments_from_its_rhythm_and_the_reason(cast):
    people = customers(cast.shop, 10)
    for i, person in enumerate(people):
        for k in range(i % 3 + 1):
            order(person, dt.datetime(2026, 1, 1 + i + 7 * k, 12, tzinfo=BUCHAREST), 10 + i)
    run = _refresh(cast.shop)

    assert (run.status, run.published, run.fitted) == (RunStatus.REFUSED, True, False)
    assert run.reason == "only 10 customers; a model needs at least 100"
    assert run.parameters == {} and run.log_likelihood is None
    rows = list(
        CustomerScore.objects.current(cast.shop)
        .order_by("customer_id")
        .values_list("purchases", "segment", "p_alive", "clv", "model_name")
    )
    assert [r[0] for r in rows] == [1, 2, 3] * 3 + [1]
    assert all(r[2:] == (None, None, "") for r in rows)
    # Last purchases on 1, 9, 17, 4, 12, 20, 7, 15, 23, 10 January, at a weekly rhythm, and
    # nothing since: over five months of silence. Without a model the segments read it from
    # that rhythm (the shop's typical gap is 7 days, so a one-time buyer is new for 30), and
    # RFM's "champions" among them (R 5 of 5 here) are gone.
    assert [r[1] for r in rows] == ["one_time", "lost", "lost"] * 3 + ["one_time"]


@pytest.mark.django_db
def test_a_refused_fit_keeps_the_scores_of_an_earlier_fitted_model(shop, cast):
    fitted = _refresh(shop)
    before = _scores(fitted)
    # A later refusal (here: the history is cut to 30 days) must not wipe the model's scores.
    run = retention_run_request(workspace=shop, actor=None)
    run = retention_run_execute(run=run, today=dt.date(2024, 7, 30))

    assert (run.status, run.published) == (RunStatus.REFUSED, False)
    assert "days of history" in run.reason or "customers" in run.reason
    assert RetentionRun.objects.current(shop) == fitted
    assert _scores(fitted) == before
    assert CustomerScore.objects.for_workspace(shop).count() == len(before)


@pytest.mark.django_db
def test_a_failed_fit_keeps_the_previous_scores(shop, monkeypatch):
    fitted = _refresh(shop)
    before = _scores(fitted)

    def diverge(*args, **kwargs):
        raise engine.FitFailed(engine.NOT_CONVERGED, model="bgnbd", log_likelihood=float("nan"))

    # Fault injection: real data that makes L-BFGS-B diverge is not reproducible.
    monkeypatch.setattr(engine, "fit", diverge)
    run = _refresh(shop)

    assert (run.status, run.published) == (RunStatus.FAILED, False)
    assert (run.reason_code, run.reason_values) == (
        "fit_not_converged",
        {"model": "bgnbd", "log_likelihood": None},
    )
    assert RetentionRun.objects.current(shop) == fitted
    assert _scores(fitted) == before
    assert CustomerScore.objects.for_workspace(shop).count() == len(before)
    assert Event.objects.for_workspace(shop).filter(kind="retention.run_failed").count() == 1


@pytest.mark.django_db
def test_an_interrupted_run_resumes_after_its_last_chunk_with_the_same_result(shop, cast):
    whole = _refresh(shop, chunk_size=64)
    expected = [row[:2] + row[3:] for row in _scores(whole)]  # all but p_alive_previous

    run = retention_run_request(workspace=shop, actor=None, model="bgnbd")
    run = retention_run_execute(run=run, today=TODAY, chunk_size=64, max_chunks=1)
    assert (run.status, run.progress_done, run.published) == (RunStatus.RUNNING, 64, False)
    assert (
        run.last_customer_id
        == CustomerScore.objects.filter(run=run)
        .order_by("-customer_id")
        .values_list("customer_id", flat=True)[0]
    )
    # Readers still see the complete previous run.
    assert RetentionRun.objects.current(shop) == whole
    assert CustomerScore.objects.current(shop).count() == 300

    seen = []
    resumed = retention_refresh(
        workspace=shop, actor=None, chunk_size=64, progress=lambda d, t: seen.append(d)
    )
    assert resumed.pk == run.pk and resumed.status == RunStatus.SUCCEEDED
    assert seen == [128, 192, 256, 300]
    assert [row[:2] + row[3:] for row in _scores(resumed)] == expected


@pytest.mark.django_db
def test_a_run_held_by_a_live_worker_is_not_taken_twice(shop):
    run = retention_run_request(workspace=shop, actor=None)
    RetentionRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, lease_until=dt.datetime(2999, 1, 1, tzinfo=dt.UTC)
    )
    again = retention_run_request(workspace=shop, actor=None)
    assert again.pk == run.pk
    result = retention_run_execute(run=again, today=TODAY)
    assert (result.status, result.progress_done) == (RunStatus.RUNNING, 0)
    assert not CustomerScore.objects.exists()
