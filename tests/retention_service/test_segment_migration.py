"""Migrations `retention.0012_segments_from_model` and `outreach.0008_segments_from_model`:
scores, stored dashboard figures and campaign audiences that name the old RFM segments name
the new ones.
Migrations need the database outside a transaction, hence `transaction=True`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clientela.outreach.models import Campaign
from clientela.retention.models import CustomerScore, RetentionRun

BEFORE = [("retention", "0011_model_choice"), ("outreach", "0007_move_delivery_to_mail")]

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


def _old_rows(apps):
    workspace = apps.get_model("accounts", "Workspace").objects.create(name="Shop", slug="shop")
    customer = apps.get_model("customers", "Customer")
    people = [customer.objects.create(workspace=workspace, first_name=f"C{i}") for i in range(4)]
    run = apps.get_model("retention", "RetentionRun").objects.create(
        workspace=workspace,
        status="succeeded",
        published=True,
        dashboard={
            "segments": [
                {"segment": "lost", "customers": 1, "clv": 5.0},
                {"segment": "hibernating", "customers": 2, "clv": None},
                {"segment": "promising", "customers": 1, "clv": 7.5},
            ]
        },
    )
    day = dt.date(2026, 1, 1)
    for person, segment in zip(
        people, ["champions", "hibernating", "promising", "needs_attention"], strict=True
    ):
        apps.get_model("retention", "CustomerScore").objects.create(
            workspace=workspace,
            run=run,
            customer=person,
            segment=segment,
            recency_score=3,
            frequency_score=3,
            monetary_score=3,
            purchases=1,
            total_spend=1,
            first_purchase=day,
            last_purchase=day,
            scored_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        )
    campaigns = apps.get_model("outreach", "Campaign").objects
    campaigns.create(
        workspace=workspace,
        title="A",
        kind="brochure",
        language="ro",
        audience_segments=["hibernating", "lost"],
    )
    campaigns.create(
        workspace=workspace,
        title="B",
        kind="brochure",
        language="ro",
        audience_segments=["needs_attention"],
    )


def test_old_segment_names_become_the_new_ones_everywhere():
    latest = list(MigrationExecutor(connection).loader.graph.leaf_nodes())
    try:
        old = _migrate(BEFORE)
        _old_rows(old.loader.project_state(BEFORE).apps)
    finally:
        _migrate(latest)
    assert list(
        CustomerScore.objects.order_by("customer_id").values_list("segment", flat=True)
    ) == [
        "champions",
        "lost",
        "occasional",
        "at_risk",
    ]
    assert RetentionRun.objects.get().dashboard["segments"] == [
        {"segment": "lost", "customers": 3, "clv": 5.0},
        {"segment": "occasional", "customers": 1, "clv": 7.5},
    ]
    assert list(Campaign.objects.order_by("title").values_list("audience_segments", flat=True)) == [
        ["lost"],
        ["at_risk"],
    ]
