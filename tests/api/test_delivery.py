"""The delivery API: status, pause and resume, the outbox and the suppressions of one workspace."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientela.mail.instance import instance_check
from clientela.mail.models import (
    DeliveryInstance,
    DeliverySettings,
    Outbox,
    OutboxStatus,
    SuppressionReason,
)
from clientela.mail.services import suppression_add
from clientela.timeline.models import Event
from tests.mail.helpers import queue

pytestmark = pytest.mark.django_db
COUNTS = {s: 0 for s in ("queued", "sending", "sent", "failed", "bounced", "suppressed")}


def test_status_counts_only_the_callers_workspace(cast, owner_api):
    queue(cast.shop, "ana@example.ro")
    queue(cast.other_shop, "bob@example.ro")

    body = owner_api.get("/delivery").json()

    assert body == {
        "paused": False,
        "pause_reason": "",
        "paused_at": None,
        "install_paused": False,
        "counts": {**COUNTS, "queued": 1, "cancelled": 0},
    }


def test_after_a_restore_a_manager_sees_why_and_resumes_the_own_workspace(cast, api_as, data_dir):
    DeliveryInstance.objects.create(pk=1, instance_id="id-of-the-machine-backed-up")
    assert instance_check() is False
    manager = api_as("manager")

    before = manager.get("/delivery").json()
    after = manager.post("/delivery/resume", {}).json()

    assert (before["paused"], before["pause_reason"]) == (True, "restore")
    assert before["paused_at"] is not None
    assert (after["paused"], after["pause_reason"], after["paused_at"]) == (False, "", None)
    assert dict(DeliverySettings.objects.values_list("workspace__slug", "sending_paused")) == {
        "alice": False,
        "charlie": True,
    }
    resumed = Event.objects.get(kind="outreach.sending_resumed")
    assert (resumed.workspace_id, resumed.actor_id) == (cast.shop.pk, cast.manager.pk)


def test_pause_by_hand(cast, owner_api):
    body = owner_api.post("/delivery/pause", {}).json()

    assert (body["paused"], body["pause_reason"]) == (True, "manual")
    assert DeliverySettings.objects.get(workspace=cast.shop).sending_paused


def test_outbox_filters_by_status_and_hides_other_workspaces(cast, owner_api):
    failed = queue(cast.shop, "ana@example.ro")
    Outbox.objects.filter(pk=failed.pk).update(
        status=OutboxStatus.FAILED,
        last_smtp_code=550,
        last_smtp_reply="5.1.1 user unknown",
        last_attempt_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
    )
    queue(cast.shop, "dan@example.ro")
    theirs = queue(cast.other_shop, "bob@example.ro")
    Outbox.objects.filter(pk=theirs.pk).update(status=OutboxStatus.FAILED)

    body = owner_api.get("/delivery/outbox", status="failed").json()

    assert body["next"] is None
    assert [
        (r["id"], r["to_address"], r["last_smtp_code"], r["last_smtp_reply"]) for r in body["items"]
    ] == [(failed.pk, "ana@example.ro", 550, "5.1.1 user unknown")]
    assert body["items"][0]["last_attempt_at"] == "2026-03-02T09:30:00Z"
    assert len(owner_api.get("/delivery/outbox").json()["items"]) == 2
    assert owner_api.get("/delivery/outbox", status="lost").status_code == 422


def test_the_outbox_list_costs_the_same_queries_for_one_row_or_fifty(cast, owner_api):
    queue(cast.shop, "a0@example.ro")
    owner_api.get("/delivery/outbox")  # the token's first use of the day is recorded once
    with CaptureQueriesContext(connection) as one:
        owner_api.get("/delivery/outbox")
    for n in range(1, 50):
        queue(cast.shop, f"a{n}@example.ro")
    with CaptureQueriesContext(connection) as fifty:
        assert len(owner_api.get("/delivery/outbox").json()["items"]) == 50

    assert len(one) == len(fifty) == 2


def test_suppressions_are_searched_within_the_workspace(cast, owner_api):
    suppression_add(workspace=cast.shop, address="ana@example.ro", reason=SuppressionReason.MANUAL)
    suppression_add(
        workspace=cast.shop, address="dan@example.com", reason=SuppressionReason.HARD_BOUNCE
    )
    suppression_add(
        workspace=cast.other_shop, address="bob@example.com", reason=SuppressionReason.MANUAL
    )

    body = owner_api.get("/delivery/suppressions", q="example.com").json()

    assert [(r["address"], r["reason"]) for r in body["items"]] == [
        ("dan@example.com", "hard_bounce")
    ]
