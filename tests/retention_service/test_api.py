"""/api/v1/retention: scores, segments, refresh runs; roles and workspace scoping."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from clientela.accounts.models import Membership
from clientela.accounts.services import token_create
from clientela.retention.models import CustomerScore, RetentionRun, RunStatus
from clientela.retention.services import retention_run_execute, retention_run_request

from .factories import simulated_shop

TODAY = dt.date(2026, 6, 30)


class Api:
    def __init__(self, workspace, user):
        membership = Membership.objects.get(workspace=workspace, user=user)
        token = token_create(membership=membership, name="retention tests").plaintext
        self.client, self.headers = Client(), {"Authorization": f"Bearer {token}"}

    def get(self, path, **query):
        return self.client.get(f"/api/v1/retention{path}", query, headers=self.headers)

    def post(self, path, body):
        return self.client.post(
            f"/api/v1/retention{path}",
            json.dumps(body),
            content_type="application/json",
            headers=self.headers,
        )


@pytest.fixture
def scored(cast):
    simulated_shop(cast.shop, n=120, start=dt.date(2024, 7, 1), end=TODAY)
    simulated_shop(cast.other_shop, n=120, start=dt.date(2024, 7, 1), end=TODAY, seed=3)
    runs = {}
    for ws in (cast.shop, cast.other_shop):
        runs[ws.slug] = retention_run_execute(
            run=retention_run_request(workspace=ws, actor=None), today=TODAY
        )
        assert runs[ws.slug].status == RunStatus.SUCCEEDED
    return runs


@pytest.mark.django_db
def test_a_viewer_lists_filters_and_pages_the_current_scores(scored, cast):
    api = Api(cast.shop, cast.viewer)
    first = api.get("/scores", limit=50)
    assert first.status_code == 200
    body = first.json()
    ours = CustomerScore.objects.current(cast.shop)
    assert [i["customer_id"] for i in body["items"]] == list(
        ours.order_by("-pk").values_list("customer_id", flat=True)[:50]
    )
    second = api.get("/scores", limit=50, cursor=body["next"]).json()
    third = api.get("/scores", limit=50, cursor=second["next"]).json()
    assert third["next"] is None
    assert len(body["items"]) + len(second["items"]) + len(third["items"]) == ours.count()

    low = api.get("/scores", p_alive_lt=0.5, limit=500).json()["items"]
    assert {i["customer_id"] for i in low} == set(
        ours.filter(p_alive__lt=0.5).values_list("customer_id", flat=True)
    )
    champions = api.get("/scores", segment="champions", clv_gt=10, limit=500).json()["items"]
    assert {i["customer_id"] for i in champions} == set(
        ours.filter(segment="champions", clv__gt=10).values_list("customer_id", flat=True)
    )
    assert api.get("/scores", p_alive_gt=2).status_code == 422
    assert api.get("/scores", segment="vip").status_code == 422


@pytest.mark.django_db
def test_one_score_and_the_segments(scored, cast):
    api = Api(cast.shop, cast.viewer)
    score = CustomerScore.objects.current(cast.shop).order_by("customer_id").first()
    body = api.get(f"/scores/{score.customer_id}").json()
    assert body["p_alive"] == score.p_alive and body["segment"] == score.segment
    assert body["total_spend"] == str(score.total_spend)
    segments = api.get("/segments").json()
    assert [s["segment"] for s in segments][:2] == ["new", "champions"]
    assert sum(s["customers"] for s in segments) == 120


@pytest.mark.django_db
def test_objects_of_another_workspace_are_404(scored, cast):
    api = Api(cast.shop, cast.owner)
    theirs = CustomerScore.objects.current(cast.other_shop).first()
    assert api.get(f"/scores/{theirs.customer_id}").status_code == 404
    assert api.get(f"/runs/{scored['charlie'].pk}").status_code == 404
    assert api.get(f"/runs/{scored['alice'].pk}").json()["status"] == "succeeded"


@pytest.mark.django_db
def test_refresh_is_for_managers_and_answers_202_with_the_queued_run(scored, cast):
    assert Api(cast.shop, cast.viewer).post("/refresh", {}).status_code == 403
    assert Api(cast.shop, cast.teammate).post("/refresh", {}).status_code == 403
    assert RetentionRun.objects.for_workspace(cast.shop).count() == 1
    response = Api(cast.shop, cast.manager).post("/refresh", {"model": "paretonbd"})
    assert response.status_code == 202
    run = RetentionRun.objects.newest(cast.shop)
    assert response.json()["id"] == run.pk and (run.status, run.model) == ("queued", "paretonbd")
    again = Api(cast.shop, cast.owner).post("/refresh", {})
    assert again.status_code == 202 and again.json()["id"] == run.pk  # one at a time
    owner = Api(cast.shop, cast.owner)
    assert owner.post("/refresh", {"model": "x"}).status_code == 422
    assert owner.post("/refresh", {"modle": "bgnbd"}).status_code == 422
    assert owner.post("/refresh", 2.5).status_code == 422
    assert owner.post("/refresh", [1]).status_code == 422


@pytest.mark.django_db
def test_refresh_takes_the_mbgnbd_model(scored, cast):
    response = Api(cast.shop, cast.manager).post("/refresh", {"model": "mbgnbd"})
    assert response.status_code == 202 and response.json()["model"] == "mbgnbd"
    run = RetentionRun.objects.newest(cast.shop)
    assert (run.pk, run.status, run.model) == (response.json()["id"], "queued", "mbgnbd")


@pytest.mark.django_db
def test_without_a_token_nothing_is_answered(scored):
    assert Client().get("/api/v1/retention/scores").status_code == 401
