"""Sending a campaign safely: who it goes to before it leaves, the number confirmed, a pause
that stops the sender, a schedule the clock keeps, and one set of counts on every page."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from clientela.clock.registry import registry
from clientela.customers.models import ConsentChannel, ConsentPurpose, Customer
from clientela.customers.services import consent_grant, customer_tags_set
from clientela.mail.models import Outbox, OutboxStatus, SuppressionReason
from clientela.mail.services import suppression_add
from clientela.mail.worker import WorkerOptions, worker_run
from clientela.outreach.counts import message_counts
from clientela.outreach.models import Automation, AutomationRecipient, Campaign, CampaignRecipient
from clientela.outreach.services.audience import audience_count, audience_summary
from clientela.outreach.services.campaigns import (
    CampaignInvalid,
    campaign_act,
    campaign_pause,
    campaign_resume,
    campaign_save,
)
from clientela.outreach.services.recipients import AudienceChanged
from clientela.outreach.tasks import CAMPAIGNS_CRON, campaigns_sweep
from tests.mail.sink import RecordingHandler, Sink
from tests.outreach.conftest import days_ago
from tests.outreach.test_api import _api

pytestmark = pytest.mark.django_db


def _consent(customer: Customer) -> None:
    consent_grant(
        customer=customer,
        purpose=ConsentPurpose.MARKETING,
        channel=ConsentChannel.EMAIL,
        source="test",
        ip=None,
        actor=None,
    )


def _campaign(cast: Any, customers: list[Customer], *, holdout: int) -> Campaign:
    for customer in customers:
        customer_tags_set(customer=customer, names=["vip"], actor=None)
    tag = customers[0].tags.get()
    return campaign_save(
        workspace=cast.shop,
        actor=cast.owner,
        tag_ids=[tag.pk],
        title="Toamna",
        kind="newsletter",
        language="ro",
        subject="Salut {{ customer.first_name }}",
        body_text="Dragă {{ customer.first_name }}, reduceri.\n{{ unsubscribe_url }}",
        holdout_percent=holdout,
    )


def _crafted(cast: Any, build: Any) -> dict[str, Any]:
    """Eleven targeted customers: five allowed, one for each way of being left out."""
    ro = [build.customer(cast.shop, f"ro{i}@example.ro", first=f"Ro{i}") for i in range(3)]
    en = [
        build.customer(cast.shop, f"en{i}@example.com", first=f"En{i}", language="en")
        for i in range(2)
    ]
    no_consent = build.customer(cast.shop, "nc@example.ro", consent=False)
    suppressed = build.customer(cast.shop, "sup@example.ro")
    suppression_add(workspace=cast.shop, address="sup@example.ro", reason=SuppressionReason.MANUAL)
    bounced = build.customer(cast.shop, "gone@example.ro")
    suppression_add(
        workspace=cast.shop, address="gone@example.ro", reason=SuppressionReason.HARD_BOUNCE
    )
    # Rows written before addresses were checked: no address, a bad one, one spelt twice.
    no_address = Customer.objects.create(workspace=cast.shop, first_name="Fără", email="")
    invalid = Customer.objects.create(workspace=cast.shop, first_name="Rău", email="not-mail")
    twin = Customer.objects.create(workspace=cast.shop, first_name="Geamăn", email="RO0@Example.ro")
    for customer in (no_address, invalid, twin):
        _consent(customer)
    everyone = [*ro, *en, no_consent, suppressed, bounced, no_address, invalid, twin]
    return {"ro": ro, "en": en, "campaign": _campaign(cast, everyone, holdout=20)}


def test_the_audience_is_counted_per_language_and_per_reason_left_out(cast, build) -> None:  # type: ignore[no-untyped-def]
    crafted = _crafted(cast, build)
    campaign = crafted["campaign"]

    summary = audience_summary(campaign)

    # 5 kept (3 ro + 2 en; the twin spells ro0's address again); a 20 % holdout of 5 is 1.
    assert (summary.targeted, summary.recipients) == (11, 4)
    assert {row.reason: row.count for row in summary.left_out} == {
        "no_address": 1,
        "bounced": 1,
        "suppressed": 1,
        "no_consent": 1,
        "invalid_address": 1,
        "duplicate_address": 1,
        "holdout": 1,
    }
    assert summary.left_out_total + summary.recipients == summary.targeted
    assert audience_count(campaign) == 4
    assert sum(row.count for row in summary.by_language) == 4
    # The campaign is Romanian only: the English speakers get it, and the page says so.
    versions = {row.language: (row.version, row.fallback) for row in summary.by_language}
    assert versions.get("en", ("ro", True)) == ("ro", True)
    assert versions.get("ro", ("ro", False)) == ("ro", False)
    assert len(summary.sample) == 4
    assert {person.address for person in summary.sample} <= {
        *(c.email for c in crafted["ro"]),
        *(c.email for c in crafted["en"]),
    }

    # What was shown is what is sent: the same people, per language.
    campaign_act(campaign=campaign, action="send", actor=cast.owner, confirm_count=4)
    sent = CampaignRecipient.objects.filter(campaign=campaign, group="sent")
    languages = sorted(sent.values_list("customer__language", flat=True))
    shown = sorted(row.language for row in summary.by_language for _ in range(row.count))
    assert languages == shown
    assert sorted(p.address for p in summary.sample) == sorted(
        sent.values_list("address", flat=True)
    )
    assert Outbox.objects.filter(source_type="campaign", source_id=campaign.pk).count() == 4


def test_a_changed_audience_refuses_the_confirmation_and_sends_nothing(cast, build) -> None:  # type: ignore[no-untyped-def]
    people = [build.customer(cast.shop, f"p{i}@example.ro") for i in range(3)]
    campaign = _campaign(cast, people, holdout=0)
    assert audience_count(campaign) == 3
    build.customer(cast.shop, "late@example.ro").tags.set(people[0].tags.all())

    with pytest.raises(AudienceChanged) as changed:
        campaign_act(campaign=campaign, action="send", actor=cast.owner, confirm_count=3)
    assert (changed.value.confirmed, changed.value.current) == (3, 4)
    with pytest.raises(CampaignInvalid) as missing:
        campaign_act(campaign=campaign, action="send", actor=cast.owner)
    assert missing.value.field == "confirm_count"
    with pytest.raises(AudienceChanged):
        campaign_act(
            campaign=campaign,
            action="schedule",
            actor=cast.owner,
            at=timezone.now() + timedelta(hours=1),
            confirm_count=3,
        )
    campaign.refresh_from_db()
    assert (campaign.status, campaign.scheduled_at) == ("draft", None)
    assert not Outbox.objects.filter(source_type="campaign").exists()


def test_the_api_shows_the_audience_and_refuses_a_stale_count(cast, build) -> None:  # type: ignore[no-untyped-def]
    people = [build.customer(cast.shop, f"p{i}@example.ro") for i in range(3)]
    campaign = _campaign(cast, people, holdout=0)
    manager = _api(cast.shop, cast.manager)
    url = f"/campaigns/{campaign.pk}"

    audience = manager("GET", f"{url}/audience").json()
    assert (audience["targeted"], audience["recipients"]) == (3, 3)
    assert audience["by_language"] == [
        {"language": "ro", "count": 3, "version": "ro", "fallback": False}
    ]
    assert audience["left_out"] == []
    assert len(audience["sample"]) == 3
    missing = manager("POST", f"{url}/transitions", {"action": "send"})
    assert missing.status_code == 422
    stale = manager("POST", f"{url}/transitions", {"action": "send", "confirm_count": 2})
    assert stale.status_code == 409
    assert stale.json()["detail"].startswith(
        "The audience changed: it is now 3 customers, not the 2 confirmed."
    )
    assert Campaign.objects.get().status == "draft"
    sent = manager("POST", f"{url}/transitions", {"action": "send", "confirm_count": 3})
    assert sent.status_code == 200 and sent.json()["status"] == "sending"
    assert sent.json()["report"]["messages"]["queued"] == 3
    # Another workspace's campaign is not found.
    assert _api(cast.other_shop, cast.outsider)("GET", f"{url}/audience").status_code == 404


def test_a_paused_campaign_sends_nothing_until_it_is_resumed(cast, build, sink) -> None:  # type: ignore[no-untyped-def]
    people = [build.customer(cast.shop, f"p{i}@example.ro", first=f"P{i}") for i in range(4)]
    campaign = _campaign(cast, people, holdout=0)
    campaign_act(campaign=campaign, action="send", actor=cast.owner, confirm_count=4)
    campaign_pause(campaign=campaign, actor=cast.owner)

    worker_run(WorkerOptions(drain=True))

    assert sink.received == []
    counts = message_counts(cast.shop, source_type="campaign", source_id=campaign.pk)
    assert (counts.queued, counts.paused, counts.sent) == (0, 4, 0)
    # A sender stopped mid-batch puts the rows it had claimed back in the queue: the clock's
    # minute holds them again before any sender sees them.
    rows = Outbox.objects.filter(source_type="campaign", source_id=campaign.pk)
    rows.filter(pk=rows.first().pk).update(status=OutboxStatus.QUEUED, last_smtp_reply="")  # type: ignore[union-attr]
    campaigns_sweep(now=timezone.now())
    worker_run(WorkerOptions(drain=True))
    assert sink.received == []

    campaign_resume(campaign=campaign, actor=cast.owner)
    worker_run(WorkerOptions(drain=True))

    received = sorted(rcpt for message in sink.received for rcpt in message.recipients)
    assert received == [f"p{i}@example.ro" for i in range(4)]
    counts = message_counts(cast.shop, source_type="campaign", source_id=campaign.pk)
    assert (counts.queued, counts.paused, counts.sent, counts.delivered) == (0, 0, 4, 4)


class HeldHandler(RecordingHandler):
    """Records like the sink, but keeps the relay's reply to the `hold_at`-th message until
    `release` is set: the sender is then mid-batch, with that message in flight."""

    def __init__(self, hold_at: int) -> None:
        super().__init__()
        self.hold_at, self.arrived, self.release = hold_at, threading.Event(), threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        if len(self.received) == self.hold_at:
            self.arrived.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        return reply


@pytest.mark.django_db(transaction=True)
def test_a_pause_stops_the_batch_a_sender_has_already_claimed(cast, build, settings) -> None:  # type: ignore[no-untyped-def]
    people = [build.customer(cast.shop, f"p{i}@example.ro", first=f"P{i}") for i in range(10)]
    campaign = _campaign(cast, people, holdout=0)
    campaign_act(campaign=campaign, action="send", actor=cast.owner, confirm_count=10)
    held = HeldHandler(hold_at=3)
    sink = Sink()
    sink.handler = sink.controller.handler = held
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER = False, ""
    settings.CLIENTELA_BOUNCE_DOMAIN, settings.SITE_URL = (
        "bounces.alice.example",
        "https://alice.example",
    )
    with sink:

        def send() -> None:
            try:
                worker_run(WorkerOptions(batch=25, drain=True))
            finally:
                connection.close()

        sender = threading.Thread(target=send)
        sender.start()
        assert held.arrived.wait(20)  # the sender holds all ten; the third is leaving
        assert Outbox.objects.filter(status=OutboxStatus.SENDING).count() == 8
        campaign_pause(campaign=campaign, actor=cast.owner)
        held.release.set()
        sender.join(20)

        assert not sender.is_alive()
        assert len(held.received) == 3  # the two before the pause and the one in flight
        counts = message_counts(cast.shop, source_type="campaign", source_id=campaign.pk)
        assert (counts.queued, counts.paused, counts.sent) == (0, 7, 3)
        assert not Outbox.objects.filter(status=OutboxStatus.SENDING).exists()
        # The claim's attempt was never made: the held rows carry none.
        assert set(
            Outbox.objects.filter(status=OutboxStatus.CANCELLED).values_list("attempts", flat=True)
        ) == {0}

        campaign_resume(campaign=campaign, actor=cast.owner)
        worker_run(WorkerOptions(drain=True))

    received = sorted(rcpt for message in held.received for rcpt in message.recipients)
    assert received == sorted(f"p{i}@example.ro" for i in range(10))
    counts = message_counts(cast.shop, source_type="campaign", source_id=campaign.pk)
    assert (counts.queued, counts.paused, counts.sent) == (0, 0, 10)


def test_a_scheduled_campaign_leaves_when_due_and_not_before(cast, build) -> None:  # type: ignore[no-untyped-def]
    people = [build.customer(cast.shop, f"p{i}@example.ro") for i in range(3)]
    campaign = _campaign(cast, people, holdout=0)
    at = timezone.now() + timedelta(hours=2)
    campaign_act(campaign=campaign, action="schedule", actor=cast.owner, at=at, confirm_count=3)

    early = campaigns_sweep(now=at - timedelta(minutes=1))
    campaign.refresh_from_db()
    assert (early["campaigns_started"], campaign.status) == (0, "scheduled")
    assert not Outbox.objects.filter(source_type="campaign").exists()

    due = campaigns_sweep(now=at + timedelta(seconds=30))
    campaign.refresh_from_db()
    assert (due["campaigns_started"], campaign.status) == (1, "sending")
    assert Outbox.objects.filter(source_type="campaign", status="queued").count() == 3
    # The clock runs this every minute, so "when due" means within a minute.
    assert CAMPAIGNS_CRON == "* * * * *"
    jobs = {job.name: job.cron for job in registry.jobs()}
    assert jobs["outreach.campaigns_sweep"] == CAMPAIGNS_CRON


def test_the_automations_page_counts_a_queued_thank_you_as_queued(cast, build, client_for) -> None:  # type: ignore[no-untyped-def]
    customer = build.customer(cast.shop, "ana@example.ro")
    row = build.thank_you_row(build.order(customer, at=days_ago(8)), due=days_ago(1))
    AutomationRecipient.objects.create(
        workspace=cast.shop,
        automation=Automation.THANK_YOU,
        customer=customer,
        key=f"thank_you:{row.source_id}",
        group="sent",
        outbox_id=row.pk,
    )

    counts = message_counts(cast.shop, source_type="thank_you")
    assert (counts.queued, counts.sent, counts.held_out) == (1, 0, 0)
    page = client_for(cast.owner).get("/w/alice/outreach/").content.decode()
    assert 'data-count="queued">1<' in page and 'data-count="sent">0<' in page
    delivery = client_for(cast.owner).get("/w/alice/outreach/delivery/").content.decode()
    assert 'data-count="queued">1<' in delivery and 'data-count="sent">0<' in delivery

    Outbox.objects.filter(pk=row.pk).update(status=OutboxStatus.BOUNCED)
    counts = message_counts(cast.shop, source_type="thank_you")
    assert (counts.queued, counts.sent, counts.delivered, counts.bounced) == (0, 1, 0, 1)


def test_the_progress_fragment_polls_only_while_messages_wait(
    cast, build, client_for, sink
) -> None:  # type: ignore[no-untyped-def]
    people = [build.customer(cast.shop, f"p{i}@example.ro") for i in range(2)]
    campaign = _campaign(cast, people, holdout=0)
    client = client_for(cast.owner)
    url = f"/w/alice/outreach/campaigns/{campaign.pk}/progress/"
    campaign_act(campaign=campaign, action="send", actor=cast.owner, confirm_count=2)

    waiting = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in waiting and 'data-count="queued">2<' in waiting
    worker_run(WorkerOptions(drain=True))
    done = client.get(url).content.decode()
    assert "hx-trigger" not in done and 'data-count="delivered">2<' in done
    assert (
        client_for(cast.outsider)
        .get(f"/w/charlie/outreach/campaigns/{campaign.pk}/progress/")
        .status_code
        == 404
    )
