"""Retention pages: who sees what, the refresh button, the customer panel, validation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clientela.retention.models import RetentionRun, RunStatus
from clientela.retention.reports import score_sentence
from clientela.retention.services import retention_run_execute, retention_run_request
from tests.web.conftest import post

from .factories import BUCHAREST, customers, order, simulated_shop

TODAY = dt.date(2026, 6, 30)


def url(name, ws="alice", **kwargs):
    return reverse(f"web:{name}", kwargs={"ws": ws, **kwargs})


@pytest.fixture
def scored(cast):
    people = simulated_shop(cast.shop, n=150, start=dt.date(2024, 7, 1), end=TODAY)
    run = retention_run_execute(
        run=retention_run_request(workspace=cast.shop, actor=None), today=TODAY
    )
    assert run.status == RunStatus.SUCCEEDED
    return run, people


@pytest.mark.django_db
def test_members_see_segments_charts_and_the_slipping_list(scored, client_for, cast):
    page = client_for(cast.viewer).get(url("retention"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="p-alive-chart"' in html and 'id="retention-charts"' in html
    segments = {row.segment: row.customers for row in page.context["segments"]}
    assert sum(segments.values()) == 150
    assert len(page.context["lowest"]) == 10
    # A viewer cannot refresh: no button.
    assert "Refresh scores now" not in html


@pytest.mark.django_db
def test_outsiders_get_404_and_viewers_cannot_refresh(scored, client_for, cast):
    outsider = client_for(cast.outsider)
    for name in ("retention", "retention_validation"):
        assert outsider.get(url(name)).status_code == 404
    run, _ = scored
    assert outsider.get(url("retention_run", pk=run.pk)).status_code == 404
    # The outsider's own workspace does not show the shop's run either.
    assert outsider.get(url("retention_run", ws="charlie", pk=run.pk)).status_code == 404
    viewer = client_for(cast.viewer)
    viewer.get(url("retention"))
    token = viewer.cookies["csrftoken"].value
    assert viewer.post(url("retention_refresh"), {"csrfmiddlewaretoken": token}).status_code == 403
    assert client_for(cast.teammate).post(
        url("retention_refresh"), {"csrfmiddlewaretoken": token}
    ).status_code in (403,)
    assert RetentionRun.objects.count() == 1


@pytest.mark.django_db
def test_a_manager_queues_a_refresh_and_follows_its_progress(scored, client_for, cast):
    manager = client_for(cast.manager)
    manager.get(url("retention"))
    token = manager.cookies["csrftoken"].value
    response = manager.post(
        url("retention_refresh"),
        {"csrfmiddlewaretoken": token, "model": "paretonbd"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    run = RetentionRun.objects.newest(cast.shop)
    assert (run.status, run.model, run.requested_by) == ("queued", "paretonbd", cast.manager)
    assert f'hx-get="{url("retention_run", pk=run.pk)}"' in response.content.decode()
    # Without CSRF the form is refused.
    assert client_for(cast.manager).post(url("retention_refresh")).status_code == 403


@pytest.mark.django_db
def test_the_refresh_form_offers_and_takes_the_mbgnbd_model(scored, client_for, cast):
    manager = client_for(cast.manager)
    page = manager.get(url("retention")).content.decode()
    assert '<option value="mbgnbd">MBG/NBD</option>' in page
    token = manager.cookies["csrftoken"].value
    manager.post(url("retention_refresh"), {"csrfmiddlewaretoken": token, "model": "mbgnbd"})
    run = RetentionRun.objects.newest(cast.shop)
    assert (run.status, run.model) == ("queued", "mbgnbd")


@pytest.mark.django_db
def test_a_refused_fit_shows_its_reason(cast, client_for):
    people = customers(cast.shop, 10)
    for i, person in enumerate(people):
        order(person, dt.datetime(2026, 1, 1 + i, 12, tzinfo=BUCHAREST), 10)
    retention_run_execute(run=retention_run_request(workspace=cast.shop, actor=None), today=TODAY)
    html = client_for(cast.owner).get(url("retention")).content.decode()
    assert "only 10 customers; a model needs at least 100" in html
    assert 'class="warning refusal"' in html


@pytest.mark.django_db
def test_the_customer_page_explains_the_score_in_plain_words(cast, client_for):
    [ana] = customers(cast.shop, 1)
    for day in (dt.date(2026, 1, 1), dt.date(2026, 2, 10), dt.date(2026, 3, 2)):
        order(ana, dt.datetime.combine(day, dt.time(12), tzinfo=BUCHAREST), 25)
    retention_run_execute(run=retention_run_request(workspace=cast.shop, actor=None), today=TODAY)
    score = ana.retention_scores.get()
    score.p_alive = 0.18  # as a fitted model would say; this shop is too small to fit
    assert score_sentence(score, TODAY) == (
        "bought 3 times, about every 30 days; last purchase 120 days ago, longer than usual: "
        "18% likely still a customer"
    )
    page = client_for(cast.viewer).get(url("customer", pk=ana.pk))
    assert page.status_code == 200
    assert "bought 3 times, about every 30 days; last purchase" in page.content.decode()


@pytest.mark.django_db
def test_the_sentence_uses_singular_forms_and_romanian(cast):
    from django.utils import translation

    [ion] = customers(cast.shop, 1)
    order(ion, dt.datetime(2026, 6, 29, 12, tzinfo=BUCHAREST), 25)
    retention_run_execute(run=retention_run_request(workspace=cast.shop, actor=None), today=TODAY)
    score = ion.retention_scores.get()
    assert score_sentence(score, TODAY) == "bought once, 1 day ago; a new customer"
    with translation.override("ro"):
        assert score_sentence(score, TODAY) == "a cumpărat o dată, acum o zi; client nou"


def _validate(client, calibration_end):
    """Ask for a validation as a manager's browser does, then let a worker compute it (the
    worker closes the connection: these tests run outside a test transaction)."""
    from django.core.management import call_command

    response = post(client, url("retention_validation_start"), {"calibration_end": calibration_end})
    assert response.status_code == 302
    call_command("db_worker", queue_name="retention", batch=True, interval=0, no_startup_delay=True)
    return client.get(url("retention_validation"))


@pytest.mark.django_db(transaction=True)
def test_validation_page_shows_the_table_and_the_chart_data(scored, client_for, cast):
    manager = client_for(cast.manager)
    page = _validate(manager, "2025-06-30")
    assert page.status_code == 200
    report = page.context["report"]
    assert report.calibration_end == dt.date(2025, 6, 30)
    assert 'id="validation-data"' in page.content.decode()
    # A viewer sees the stored report, without the form.
    seen = client_for(cast.viewer).get(url("retention_validation"))
    assert (
        seen.context["report"] == report and 'name="calibration_end"' not in seen.content.decode()
    )
    bad = post(manager, url("retention_validation_start"), {"calibration_end": "30/06/2025"})
    assert bad.status_code == 400 and bad.context["error"] == "Enter a date as YYYY-MM-DD."


def conditional_shop(workspace):
    """120 customers, 30 with each of 0-3 repeat purchases (every ten days after a first one
    in January) up to the end of April; in May, 3, 6, 12 and 15 of each group buy once."""
    holdout_buyers = {0: 3, 1: 6, 2: 12, 3: 15}
    for i, person in enumerate(customers(workspace, 120)):
        group, rank = i % 4, i // 4
        first = dt.date(2026, 1, 1) + dt.timedelta(days=i % 20)
        for k in range(group + 1):
            day = first + dt.timedelta(days=10 * k)
            order(person, dt.datetime.combine(day, dt.time(12), tzinfo=BUCHAREST), 20)
        if rank < holdout_buyers[group]:
            order(person, dt.datetime(2026, 5, 15, 12, tzinfo=BUCHAREST), 20)


@pytest.mark.django_db(transaction=True)
def test_validation_page_carries_the_conditional_expectation_chart(cast, client_for):
    import numpy as np

    from clientela.retention import engine
    from clientela.retention.selectors import purchase_summary
    from clientela.retention.services.scoring import model_inputs

    conditional_shop(cast.shop)
    page = _validate(client_for(cast.owner), "2026-04-30")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="conditional-chart"' in html
    chart = page.context["chart"]["conditional"]
    assert chart["labels"] == ["0", "1", "2", "3"]
    assert chart["customers"] == [30, 30, 30, 30]
    assert chart["actual"] == [0.1, 0.2, 0.4, 0.5]
    # The model's side: the mean of E[Y(t) | x, t_x, T] of each group over the 15 days of
    # holdout, with the parameters the page fitted.
    report = page.context["report"]
    inputs = model_inputs(purchase_summary(cast.shop, as_of=dt.date(2026, 4, 30)))
    expected = engine.conditional_expected(
        "bgnbd", report.parameters, 15 / 7, inputs.x, inputs.t_x, inputs.T
    )
    assert chart["predicted"] == [round(float(expected[inputs.x == g].mean()), 3) for g in range(4)]
    assert np.all(np.asarray(chart["predicted"]) > 0)
    # The same numbers reach the page's JSON for Chart.js.
    assert '"actual": [0.1, 0.2, 0.4, 0.5]' in html
