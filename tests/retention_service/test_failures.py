"""Fits that are refused or fail: the validation page, the console and the API say why, in the
reader's language, and nothing answers with a server error or a traceback."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import translation

from clientela.retention.management.commands.retention import Command
from clientela.retention.models import CustomerScore, RetentionRun, RunStatus
from clientela.retention.services import (
    retention_run_execute,
    retention_run_request,
    retention_validation_execute,
)
from clientela.retention.stats import _fit
from clientela.retention.tasks import retention_validation_enqueue
from clientela.timeline.models import Event

from .factories import BUCHAREST, customers, order
from .test_api import Api

CALIBRATION_END = "2026-03-12"
NOT_CONVERGED = (
    "The search for the BG/NBD parameters did not converge on these purchases; "
    "try the other model or a different date."
)


def edge_shop(workspace):
    """120 customers who all first bought on 1 January; half bought again on 29 January, the
    others never. Enough data to pass the readiness checks (70 days of history, a 28-day gap).
    Nobody bought twice after the first purchase: the BG/NBD maximum lies at the edge of the
    model, every customer leaving for good after the first repeat purchase (a -> inf, b -> 0,
    p = 1 for all)."""
    people = customers(workspace, 120)
    for i, person in enumerate(people):
        order(person, dt.datetime(2026, 1, 1, 12, tzinfo=BUCHAREST), 20)
        if i < 60:
            order(person, dt.datetime(2026, 1, 29, 12, tzinfo=BUCHAREST), 20)
        if i % 10 == 0:  # a holdout to compare with
            order(person, dt.datetime(2026, 4, 1, 12, tzinfo=BUCHAREST), 20)
    return people


def unfittable_shop(workspace, monkeypatch):
    """The edge shop, with the search cut off after 3 iterations of L-BFGS-B: it stops far from
    the maximum (largest gradient about 0.09 per customer), a genuinely failed search. No data
    makes L-BFGS-B fail reproducibly on every platform; its iteration limit does."""
    monkeypatch.setattr(_fit, "MAX_ITERATIONS", 3)
    return edge_shop(workspace)


def small_shop(workspace):
    for i, person in enumerate(customers(workspace, 10)):
        order(person, dt.datetime(2026, 1, 1 + i, 12, tzinfo=BUCHAREST), 10)
    order(person, dt.datetime(2026, 3, 1, 12, tzinfo=BUCHAREST), 10)


@pytest.fixture(autouse=True)
def english_around_each_test():
    # A request in Romanian leaves Romanian active in the thread; give it back afterwards.
    with translation.override("en"):
        yield


def romanian_or_skip(msgid: str) -> None:
    # The Romanian catalogue is merged from the translators' notes after this branch; until
    # then Romanian falls back to English and there is nothing Romanian to compare.
    with translation.override("ro"):
        if translation.gettext(msgid) == msgid:
            pytest.skip("the Romanian catalogue does not carry the retention reasons yet")


def validation_url() -> str:
    return reverse("web:retention_validation", kwargs={"ws": "alice"})


def validated(workspace, calibration_end: str):
    """A validation asked for and computed, as the worker does it."""
    validation = retention_validation_enqueue(
        workspace=workspace, actor=None, calibration_end=dt.date.fromisoformat(calibration_end)
    )
    return retention_validation_execute(validation=validation)


@pytest.mark.django_db
def test_a_fit_that_fails_on_the_validation_page_is_a_message_not_a_500(
    cast, client_for, monkeypatch
):
    unfittable_shop(cast.shop, monkeypatch)
    validation = validated(cast.shop, CALIBRATION_END)
    page = client_for(cast.viewer).get(validation_url())

    assert validation.status == RunStatus.FAILED
    assert page.status_code == 200
    assert page.context["validation"].reason_text == NOT_CONVERGED
    assert "report" not in page.context
    assert f'<p class="error" role="alert">{NOT_CONVERGED}</p>' in page.content.decode()


@pytest.mark.django_db
def test_a_refused_fit_on_the_validation_page_gives_the_reason(cast, client_for):
    small_shop(cast.shop)
    validated(cast.shop, "2026-02-01")
    page = client_for(cast.viewer).get(validation_url())

    assert page.status_code == 200
    assert page.context["validation"].reason_text == (
        "The model cannot be fitted: only 10 customers; a model needs at least 100."
    )


@pytest.mark.django_db
def test_the_validation_page_words_the_failure_in_romanian(cast, client_for, monkeypatch):
    romanian_or_skip(NOT_CONVERGED.replace("BG/NBD", "%(model)s"))
    unfittable_shop(cast.shop, monkeypatch)
    validated(cast.shop, CALIBRATION_END)
    client = client_for(cast.viewer)
    client.cookies["django_language"] = "ro"
    page = client.get(validation_url())

    assert page.status_code == 200
    romanian = (
        "Căutarea parametrilor modelului BG/NBD nu a convers pe aceste cumpărări; "
        "încercați celălalt model sau altă dată."
    )
    assert f'<p class="error" role="alert">{romanian}</p>' in page.content.decode()


@pytest.mark.django_db
def test_the_console_prints_one_error_line_and_exits_1_without_a_traceback(cast, monkeypatch):
    unfittable_shop(cast.shop, monkeypatch)
    out, err = io.StringIO(), io.StringIO()
    command = Command(stdout=out, stderr=err)

    with pytest.raises(SystemExit) as exit_:
        command.run_from_argv(
            [
                *("clientela", "retention", "validate", "--workspace", "alice"),
                *("--calibration-end", CALIBRATION_END),
            ]
        )

    assert exit_.value.code == 1
    assert err.getvalue() == f"CommandError: {NOT_CONVERGED}\n"
    assert out.getvalue() == ""


@pytest.mark.django_db
def test_a_refresh_whose_fit_fails_stores_the_code_and_publishes_nothing(cast, monkeypatch):
    unfittable_shop(cast.shop, monkeypatch)
    run = retention_run_execute(
        run=retention_run_request(workspace=cast.shop, actor=None), today=dt.date(2026, 3, 12)
    )

    assert (run.status, run.published, run.reason_code) == (
        RunStatus.FAILED,
        False,
        "fit_not_converged",
    )
    assert run.reason_values["model"] == "bgnbd"
    assert run.reason_text == NOT_CONVERGED
    assert not CustomerScore.objects.exists()
    assert RetentionRun.objects.current(cast.shop) is None


@pytest.mark.django_db
def test_the_api_gives_the_reason_of_a_refused_run_in_the_request_language(cast):
    small_shop(cast.shop)
    run = retention_run_execute(
        run=retention_run_request(workspace=cast.shop, actor=None), today=dt.date(2026, 6, 30)
    )
    api = Api(cast.shop, cast.viewer)

    body = api.get(f"/runs/{run.pk}").json()
    assert (body["status"], body["reason_code"], body["reason"]) == (
        "refused",
        "too_few_customers",
        "only 10 customers; a model needs at least 100",
    )
    romanian_or_skip("The model cannot be fitted: %(reason)s.")
    api.headers["Accept-Language"] = "ro"
    assert api.get(f"/runs/{run.pk}").json()["reason"] == (
        "doar 10 clienți; un model are nevoie de cel puțin 100"
    )


@pytest.mark.django_db
def test_the_dashboard_shows_a_refusal_in_romanian(cast, client_for):
    romanian_or_skip("The model cannot be fitted: %(reason)s.")
    small_shop(cast.shop)
    retention_run_execute(
        run=retention_run_request(workspace=cast.shop, actor=None), today=dt.date(2026, 6, 30)
    )
    client = client_for(cast.owner)
    client.cookies["django_language"] = "ro"
    html = client.get(reverse("web:retention", kwargs={"ws": "alice"})).content.decode()
    assert (
        '<span class="reason">doar 10 clienți; un model are nevoie de cel puțin 100</span>' in html
    )


def test_every_reason_code_has_words_in_english():
    from clientela.retention import engine, reasons

    with translation.override("en"):
        assert reasons.reason_text(
            "history_too_short", {"history_days": 1, "minimum_days": 56}
        ) == ("1 day of history; a model needs at least 56 days")
        assert reasons.error_text(engine.INFINITE_MEAN_SPEND, {}) == (
            "The spend model gives an infinite mean spend."
        )


SAME_DROPOUT = (
    "The best BG/NBD fit lies at the edge of the model: your customers do not differ in how "
    "likely they are to stop buying, so the scores treat them all alike in that."
)


@pytest.mark.django_db
def test_a_fit_at_the_edge_of_the_model_is_kept_and_the_run_says_so(cast, client_for):
    edge_shop(cast.shop)
    run = retention_run_execute(
        run=retention_run_request(workspace=cast.shop, actor=None), today=dt.date(2026, 3, 12)
    )

    assert (run.status, run.published, run.fitted, run.reason_code) == (
        RunStatus.SUCCEEDED,
        True,
        True,
        "",
    )
    # Beta(a, b) has become the point mass at p = 1: whoever bought again has left.
    assert run.parameters["a"] > 1e4 and run.parameters["b"] < 1e-3
    assert [(w["code"], w["values"]["model"]) for w in run.warnings] == [
        ("fit_same_dropout", "bgnbd")
    ]
    assert run.warnings[0]["values"]["dropout"] == pytest.approx(1.0, abs=1e-6)
    assert run.warning_texts == [SAME_DROPOUT]
    alive = dict(
        CustomerScore.objects.current(cast.shop).values_list("purchases", "p_alive").distinct()
    )
    assert set(alive) == {1, 2}
    # One-time buyers: BG/NBD assumes rather than estimates their P(alive), stored as unknown.
    assert alive[1] is None and alive[2] < 1e-6

    page = client_for(cast.viewer).get(reverse("web:retention", kwargs={"ws": "alice"}))
    assert f'<p class="warning fit-warning" role="status">{SAME_DROPOUT}</p>' in (
        page.content.decode()
    )
    body = Api(cast.shop, cast.viewer).get(f"/runs/{run.pk}").json()
    assert (body["status"], body["warning_codes"], body["warnings"]) == (
        "succeeded",
        ["fit_same_dropout"],
        [SAME_DROPOUT],
    )
    event = Event.objects.for_workspace(cast.shop).get(kind="retention.run_succeeded")
    assert event.new["warnings"] == ["fit_same_dropout"]


@pytest.mark.django_db
def test_the_search_cut_short_fails_and_keeps_the_scores_fitted_before(cast, monkeypatch):
    edge_shop(cast.shop)
    fitted = retention_run_execute(
        run=retention_run_request(workspace=cast.shop, actor=None), today=dt.date(2026, 3, 12)
    )
    before = sorted(CustomerScore.objects.values_list("customer_id", "run_id", "p_alive"))

    monkeypatch.setattr(_fit, "MAX_ITERATIONS", 3)  # as in unfittable_shop
    run = retention_run_execute(
        run=retention_run_request(workspace=cast.shop, actor=None), today=dt.date(2026, 3, 13)
    )

    assert len(before) == 120
    assert (run.status, run.published, run.reason_code) == (
        RunStatus.FAILED,
        False,
        "fit_not_converged",
    )
    assert RetentionRun.objects.current(cast.shop) == fitted
    assert sorted(CustomerScore.objects.values_list("customer_id", "run_id", "p_alive")) == before
