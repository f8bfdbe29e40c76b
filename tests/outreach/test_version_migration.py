"""Campaigns written before versions keep every word: migration 0010 makes each campaign's
content its one version, in its language, and the text that would have been sent is the
text that is sent. Migrations need the database outside a transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clientela.outreach.models import Campaign, CampaignVersion

BEFORE = ("outreach", "0010_campaign_versions_and_images")
AFTER = ("outreach", "0011_campaign_versions_from_campaigns")

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def test_every_campaigns_content_becomes_its_one_version() -> None:
    latest = list(MigrationExecutor(connection).loader.graph.leaf_nodes())
    old = _migrate([BEFORE])
    try:
        workspace = old.get_model("accounts", "Workspace").objects.create(name="S", slug="s")
        OldCampaign = old.get_model("outreach", "Campaign")
        full = OldCampaign.objects.create(
            workspace=workspace,
            title="Toamna",
            kind="brochure",
            language="en",
            subject="Autumn, {{ customer.first_name }}",
            intro="New tea",
            promotions=[{"name": "Tea", "description": "Linden", "discount": "10%"}],
            sales=[{"name": "Clearance", "starts_on": "2026-10-01", "ends_on": "2026-10-07"}],
            changes="Open 9-18",
            body_text="Dear {{ customer.first_name }},\n{{ campaign.intro }}",
            body_html="<p>{{ campaign.intro }}</p>",
        )
        bare = OldCampaign.objects.create(
            workspace=workspace,
            title="Scurt",
            kind="newsletter",
            language="ro",
            subject="S",
            body_text="Salut",
        )
        _migrate([AFTER])

        moved = CampaignVersion.objects.get(campaign_id=full.pk)
        assert (moved.language, moved.subject) == ("en", "Autumn, {{ customer.first_name }}")
        assert moved.body_text == "Dear {{ customer.first_name }},\n{{ campaign.intro }}"
        assert moved.body_html == "<p>{{ campaign.intro }}</p>"
        assert moved.blocks == [
            {"type": "text", "text": "New tea"},
            {
                "type": "promotion",
                "name": "Tea",
                "description": "Linden",
                "discount": "10%",
                "starts_on": "",
                "ends_on": "",
            },
            {
                "type": "promotion",
                "name": "Clearance",
                "description": "",
                "discount": "",
                "starts_on": str(date(2026, 10, 1)),
                "ends_on": "2026-10-07",
            },
            {"type": "text", "text": "Open 9-18"},
        ]
        short = CampaignVersion.objects.get(campaign_id=bare.pk)
        assert (short.language, short.subject, short.body_text, short.blocks) == (
            "ro",
            "S",
            "Salut",
            [],
        )
        # The campaign's own fields are untouched: reversing loses nothing either.
        assert Campaign.objects.get(pk=full.pk).intro == "New tea"
        _migrate([BEFORE])
        assert Campaign.objects.count() == 2
    finally:
        _migrate(latest)  # also when the test fails: the next tests need today's schema
