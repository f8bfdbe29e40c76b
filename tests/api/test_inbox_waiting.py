"""Who is waiting, through the API, a page at a time: an opaque cursor over a stable order
(business time waited, then id), every wait once, none twice."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from clientela.inbox.models import Wait, WaitState

pytestmark = pytest.mark.django_db

WAITS = 450
# The token, its membership, the clock settings, the page, and the two counts.
QUERIES = 6
START = datetime(2026, 12, 1, 9, tzinfo=UTC)


def _waits(workspace: Any, count: int, state: str = WaitState.WAITING, offset: int = 0) -> None:
    # Many waits share a start key (started in the same business second): the id breaks the tie.
    Wait.objects.bulk_create(
        Wait(
            workspace=workspace,
            subject="conversation",
            subject_id=offset + index,
            channel="email",
            title=f"Question {offset + index}",
            state=state,
            first_started_at=START,
            started_at=START,
            start_key=1_000_000 + (index * 7919) % 61,
            target_seconds=3600,
            due_key=1_003_600,
        )
        for index in range(count)
    )


def _walk(api: Any, limit: int) -> tuple[list[int], list[dict[str, Any]]]:
    ids: list[int] = []
    pages = []
    cursor = None
    while True:
        query: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            query["cursor"] = cursor
        response = api.get("/inbox/clock/waiting", **query)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append(body)
        ids += [item["id"] for item in body["items"]]
        cursor = body["next"]
        if cursor is None:
            return ids, pages


@pytest.mark.parametrize("limit", [200, 37])
def test_paging_through_450_waits_gives_each_once_in_the_order_of_waiting(cast, owner_api, limit):
    _waits(cast.shop, WAITS)
    _waits(cast.shop, 5, state=WaitState.PAUSED, offset=10_000)  # not waiting for us
    _waits(cast.shop, 5, state=WaitState.ANSWERED, offset=20_000)
    _waits(cast.other_shop, 5, offset=30_000)  # another workspace's

    ids, pages = _walk(owner_api, limit)

    expected = list(
        Wait.objects.filter(workspace=cast.shop, state=WaitState.WAITING)
        .order_by("start_key", "pk")
        .values_list("pk", flat=True)
    )
    assert len(expected) == WAITS
    assert ids == expected  # no gap, no duplicate, longest wait first and ties by id
    assert len(pages) == -(-WAITS // limit)
    assert [len(page["items"]) for page in pages[:-1]] == [limit] * (len(pages) - 1)
    assert {(p["waiting"], p["paused"], p["overdue"]) for p in pages} == {(WAITS, 5, WAITS)}
    waited = [item["waited_seconds"] for page in pages for item in page["items"]]
    assert waited == sorted(waited, reverse=True)


def test_the_last_page_has_no_cursor_and_an_empty_list_is_one_page(cast, owner_api):
    body = owner_api.get("/inbox/clock/waiting").json()
    assert (body["items"], body["next"]) == ([], None)
    _waits(cast.shop, 3)
    body = owner_api.get("/inbox/clock/waiting", limit=3).json()
    assert (len(body["items"]), body["next"]) == (3, None)


def test_a_cursor_that_is_not_ours_is_refused(cast, owner_api):
    _waits(cast.shop, 3)
    cursor = owner_api.get("/inbox/clock/waiting", limit=1).json()["next"]
    payload, signature = cursor.split(".")
    forged = f"{payload[:-2]}AA.{signature}"
    for bad in (forged, "abc.def", "12"):
        response = owner_api.get("/inbox/clock/waiting", cursor=bad)
        assert response.status_code == 422, bad
        assert response.json()["detail"][0]["loc"] == ["query", "cursor"]


def test_the_schema_documents_the_cursor_and_the_next_page(owner_api):
    schema = owner_api.client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/inbox/clock/waiting"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["cursor"]["schema"]["type"] == "string"
    assert "opaque" in parameters["cursor"]["schema"]["description"]
    assert parameters["limit"]["schema"]["maximum"] == 200
    out = schema["components"]["schemas"]["WaitingOut"]["properties"]
    assert out["next"]["anyOf"] == [{"type": "string"}, {"type": "null"}]


def test_a_page_costs_the_same_queries_deep_or_shallow(cast, owner_api, django_assert_num_queries):
    _waits(cast.shop, 60)
    first = owner_api.get("/inbox/clock/waiting", limit=20).json()
    with django_assert_num_queries(QUERIES):
        owner_api.get("/inbox/clock/waiting", limit=20)
    with django_assert_num_queries(QUERIES):
        owner_api.get("/inbox/clock/waiting", limit=20, cursor=first["next"])
