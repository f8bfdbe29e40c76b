"""The delivery tables move from outreach to mail without losing a row.

A database is taken back to where it stood before the move (outreach 0006, with what it
depends on), filled through the historical models of that time, migrated forward again, and
read through today's models: every row, its id and the campaign recipient's link to its
outbox row are still there, and the content types followed the models.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.apps.registry import Apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clientela.mail.models import (
    DeliveryInstance,
    DeliverySettings,
    Outbox,
    RelayBucket,
    SuppressedAddress,
)
from clientela.outreach.models import CampaignRecipient

BEFORE = [("outreach", "0006_campaign_recipient_outbox_index"), ("mail", None)]
SENT_AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def _migrate(targets: list[tuple[str, str | None]] | None = None) -> Apps:
    """Migrate to `targets` (all the way forward when None); return that state's models."""
    executor = MigrationExecutor(connection)
    state = executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    return state.apps


def _fill(old: Apps) -> dict[str, Any]:
    """One row in every moved table (two outbox rows), through the models of the old state."""
    workspace = old.get_model("accounts", "Workspace").objects.create(name="Old", slug="old")
    customer = old.get_model("customers", "Customer").objects.create(
        workspace=workspace, email="ana@example.ro", first_name="Ana"
    )
    outbox = old.get_model("outreach", "Outbox")
    sent = outbox.objects.create(
        workspace=workspace,
        customer=customer,
        to_address="ana@example.ro",
        kind="marketing",
        priority=10,
        source_type="campaign",
        source_id=1,
        dedup_key="campaign:1:1",
        subject="Primăvara",
        body_text="Dragă Ana",
        headers={"X-Clientela-Campaign": "1"},
        message_id="<old-1@example.ro>",
        status="sent",
        attempts=1,
        last_smtp_code=250,
        sent_at=SENT_AT,
        last_attempt_at=SENT_AT,
    )
    queued = outbox.objects.create(
        workspace=workspace,
        to_address="ion@example.ro",
        kind="transactional",
        source_type="thank_you",
        source_id=7,
        dedup_key="thank_you:7",
        subject="Mulțumim",
        body_text="Dragă Ion",
        message_id="<old-2@example.ro>",
    )
    campaign = old.get_model("outreach", "Campaign").objects.create(
        workspace=workspace, title="Primăvara", kind="brochure", language="ro", subject="S"
    )
    recipient = old.get_model("outreach", "CampaignRecipient").objects.create(
        campaign=campaign,
        customer=customer,
        group="sent",
        address="ana@example.ro",
        outbox_id=sent.pk,
    )
    suppressed = old.get_model("outreach", "SuppressedAddress").objects.create(
        workspace=workspace, address="gone@example.ro", reason="hard_bounce", source="outbox:9"
    )
    settings = old.get_model("outreach", "DeliverySettings").objects.create(
        workspace=workspace, sending_paused=True, pause_reason="manual", from_name="Magazinul"
    )
    old.get_model("outreach", "DeliveryInstance").objects.create(pk=1, instance_id="abc123")
    old.get_model("outreach", "RelayBucket").objects.create(pk=1, tokens=2.5, refilled_at=1e9)
    return {
        "sent": sent.pk,
        "queued": queued.pk,
        "recipient": recipient.pk,
        "suppressed": suppressed.pk,
        "settings": settings.pk,
        "workspace": workspace.pk,
        "customer": customer.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_moving_the_delivery_tables_to_mail_keeps_every_row():
    outbox_type = ContentType.objects.get_for_model(Outbox).pk
    try:
        old = _migrate(BEFORE)
        assert {"outreach_outbox", "mail_outbox"} & set(connection.introspection.table_names()) == {
            "outreach_outbox"
        }
        ids = _fill(old)
    finally:
        _migrate()  # also when something failed: the rest of the suite needs today's schema

    sent = Outbox.objects.get(pk=ids["sent"])
    assert (sent.workspace_id, sent.customer_id, sent.to_address, sent.status) == (
        ids["workspace"],
        ids["customer"],
        "ana@example.ro",
        "sent",
    )
    assert (sent.subject, sent.headers, sent.message_id, sent.sent_at, sent.last_smtp_code) == (
        "Primăvara",
        {"X-Clientela-Campaign": "1"},
        "<old-1@example.ro>",
        SENT_AT,
        250,
    )
    queued = Outbox.objects.get(pk=ids["queued"])
    assert (queued.customer_id, queued.dedup_key, queued.status) == (None, "thank_you:7", "queued")
    assert Outbox.objects.count() == 2
    # The campaign recipient still names its outbox row.
    recipient = CampaignRecipient.objects.get(pk=ids["recipient"])
    assert Outbox.objects.get(pk=recipient.outbox_id) == sent
    entry = SuppressedAddress.objects.get()
    assert (entry.pk, entry.address, entry.reason) == (
        ids["suppressed"],
        "gone@example.ro",
        "hard_bounce",
    )
    settings = DeliverySettings.objects.get()
    assert (settings.pk, settings.sending_paused, settings.pause_reason, settings.from_name) == (
        ids["settings"],
        True,
        "manual",
        "Magazinul",
    )
    assert DeliveryInstance.objects.get().instance_id == "abc123"
    assert (RelayBucket.objects.get().tokens, RelayBucket.objects.get().refilled_at) == (2.5, 1e9)
    # The same content type row, now labelled mail; none left behind under outreach.
    assert ContentType.objects.get_for_model(Outbox).pk == outbox_type
    assert not ContentType.objects.filter(app_label="outreach", model="outbox").exists()
    # New rows continue after the old ids.
    assert Outbox.objects.create(
        workspace_id=ids["workspace"],
        to_address="new@example.ro",
        kind="transactional",
        source_type="test",
        dedup_key="test:new",
        subject="S",
        body_text="B",
        message_id="<new@example.ro>",
    ).pk > max(ids["sent"], ids["queued"])
