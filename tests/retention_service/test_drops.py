""" "Dropped most since the last refresh" lists real drops only, each with the purchase history
that explains it; the panel of a finished refresh brings the page's new figures."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clientela.retention import reports
from clientela.retention.models import CustomerScore, RetentionRun, RunStatus

from .factories import customers
from .test_slipping_and_nightly import run_with

NOW = dt.datetime(2026, 4, 5, 10, tzinfo=dt.UTC)  # 5 April in Bucharest


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_only_drops_over_five_points_are_listed_with_the_history_behind_them(cast):
    people = [c.pk for c in customers(cast.shop, 10)]
    clv = {pk: 1000.0 - 10 * i for i, pk in enumerate(people)}  # the top fifth: people[0:2]
    before = {pk: 0.9 for pk in people} | {people[0]: 0.16, people[1]: 0.8}
    now = {pk: 0.9 for pk in people} | {people[0]: 0.158, people[1]: 0.3}
    run_with(cast.shop, timezone.now() - dt.timedelta(days=1), before, clv)
    second = run_with(cast.shop, timezone.now(), now, clv, previous=before)
    scores = CustomerScore.objects.filter(run=second)
    # people[1]: five purchases 30 days apart, the last on 1 January: 94 days ago.
    scores.filter(customer_id=people[1]).update(
        purchases=5, first_purchase=dt.date(2025, 9, 3), last_purchase=dt.date(2026, 1, 1)
    )
    second.dashboard = reports.dashboard_snapshot(second)
    second.save(update_fields=["dashboard"])

    dropped, _lowest = reports.slipping_away(cast.shop)

    # 16% -> 15.8% is no drop: it would read "16% -> 16%".
    assert [(s.customer_id, s.p_alive_previous, s.p_alive) for s in dropped] == [
        (people[1], 0.8, 0.3)
    ]
    assert dropped[0].history == "last bought 94 days ago; usually buys every 30 days"


@pytest.mark.django_db
def test_the_dashboard_shows_a_drop_as_before_and_now(cast, client_for):
    people = [c.pk for c in customers(cast.shop, 5)]
    clv = {pk: 100.0 for pk in people}
    before = {pk: 0.9 for pk in people}
    run_with(cast.shop, timezone.now() - dt.timedelta(days=1), before, clv)
    run_with(cast.shop, timezone.now(), before | {people[2]: 0.42}, clv, previous=before)

    html = client_for(cast.viewer).get(reverse("web:retention", kwargs={"ws": "alice"}))
    assert "90% → 42%" in html.content.decode()


@pytest.mark.django_db
def test_the_polled_panel_of_a_finished_run_reloads_the_page(cast, client_for):
    run = RetentionRun.objects.create(workspace=cast.shop, status=RunStatus.RUNNING)
    url = reverse("web:retention_run", kwargs={"ws": "alice", "pk": run.pk})
    viewer = client_for(cast.viewer)
    running = viewer.get(url, HTTP_HX_REQUEST="true")
    assert running.status_code == 200 and "HX-Refresh" not in running.headers
    assert 'hx-trigger="every 2s"' in running.content.decode()

    RetentionRun.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED)
    done = viewer.get(url, HTTP_HX_REQUEST="true")
    assert (done.status_code, done.headers["HX-Refresh"]) == (200, "true")


@pytest.mark.django_db
def test_the_p_alive_chart_says_whom_bgnbd_leaves_out(cast, client_for):
    from django.utils import translation

    from clientela.retention.services import retention_run_execute, retention_run_request

    from .factories import simulated_shop

    simulated_shop(cast.shop, n=150, start=dt.date(2024, 7, 1), end=dt.date(2026, 6, 30))
    retention_run_execute(
        run=retention_run_request(workspace=cast.shop, actor=None, model="bgnbd"),
        today=dt.date(2026, 6, 30),
    )
    once = CustomerScore.objects.current(cast.shop).filter(purchases=1).count()
    assert once > 1
    page = client_for(cast.viewer).get(reverse("web:retention", kwargs={"ws": "alice"}))
    assert page.context["p_alive_unknown"] == once
    assert f"Not in this chart: {once} customers who bought only once" in page.content.decode()
    with translation.override("ro"):
        from django.template.loader import render_to_string

        html = render_to_string("web/retention/_p_alive_unknown.html", {"p_alive_unknown": 86})
    assert "Nu apar în grafic: 86 de clienți care au cumpărat o singură dată" in html
