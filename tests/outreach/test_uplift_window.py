"""The uplift report waits for its outcome window: a campaign's until `uplift_days` after it
started sending, an automation's counting only decisions at least that old."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from clientela.outreach.models import AutomationRecipient, Campaign, CampaignRecipient
from clientela.outreach.reports import automation_uplift_report, campaign_uplift_report
from clientela.outreach.services.automations import automations_update

START = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


def _sent_campaign(cast, build):  # type: ignore[no-untyped-def]
    campaign = Campaign.objects.create(
        workspace=cast.shop,
        title="Toamna",
        kind="brochure",
        language="ro",
        subject="S",
        body_text="B",
        status="finished",
        started_at=START,
    )
    ana = build.customer(cast.shop, "ana@example.com", first="Ana")
    ion = build.customer(cast.shop, "ion@example.com", first="Ion")
    CampaignRecipient.objects.create(campaign=campaign, customer=ana, group="sent", address="a")
    CampaignRecipient.objects.create(campaign=campaign, customer=ion, group="holdout", address="i")
    build.order(ana, at=START + timedelta(days=3), total="80.00")
    build.order(ion, at=START + timedelta(days=40), total="50.00")  # after a 30-day window
    return campaign


def test_a_campaign_report_says_when_it_will_be_ready_until_the_window_has_passed(
    cast, build
) -> None:  # type: ignore[no-untyped-def]
    campaign = _sent_campaign(cast, build)

    early = campaign_uplift_report(campaign, now=START + timedelta(days=29, hours=23))
    ready = campaign_uplift_report(campaign, now=START + timedelta(days=30))

    assert (early.days, early.ready_at, early.uplift) == (30, START + timedelta(days=30), None)
    assert ready.ready_at == START + timedelta(days=30)
    assert ready.uplift is not None
    assert (ready.uplift.sent_count, ready.uplift.holdout_count) == (1, 1)
    assert (ready.uplift.sent_rate, ready.uplift.holdout_rate) == (1.0, 0.0)
    assert ready.uplift.sent_revenue_per_recipient == 80.0


def test_the_window_is_the_workspaces_setting(cast, build) -> None:  # type: ignore[no-untyped-def]
    campaign = _sent_campaign(cast, build)
    automations_update(workspace=cast.shop, actor=cast.owner, uplift_days=45)

    early = campaign_uplift_report(campaign, now=START + timedelta(days=44))
    ready = campaign_uplift_report(campaign, now=START + timedelta(days=45))

    assert (early.days, early.ready_at, early.uplift) == (45, START + timedelta(days=45), None)
    assert ready.uplift is not None
    # Ion's order on day 40 now falls inside the window.
    assert (ready.uplift.sent_rate, ready.uplift.holdout_rate) == (1.0, 1.0)
    assert ready.uplift.holdout_revenue_per_recipient == 50.0


def test_an_unsent_campaign_has_no_date_yet(cast) -> None:  # type: ignore[no-untyped-def]
    campaign = Campaign.objects.create(
        workspace=cast.shop, title="T", kind="brochure", language="ro", subject="S", body_text="B"
    )

    report = campaign_uplift_report(campaign, now=START)

    assert (report.days, report.ready_at, report.uplift) == (30, None, None)


def _decide(cast, customer, group: str, at: datetime) -> None:  # type: ignore[no-untyped-def]
    AutomationRecipient.objects.create(
        workspace=cast.shop,
        automation="thank_you",
        customer=customer,
        key=f"thank_you:{customer.pk}:{at.isoformat()}",
        group=group,
        decided_at=at,
    )


def test_an_automation_counts_only_decisions_whose_window_is_over(cast, build) -> None:  # type: ignore[no-untyped-def]
    old_buyer = build.customer(cast.shop, "a@example.com")
    old_held = build.customer(cast.shop, "b@example.com")
    recent = build.customer(cast.shop, "c@example.com")
    _decide(cast, old_buyer, "sent", START)
    _decide(cast, old_held, "holdout", START)
    _decide(cast, recent, "sent", START + timedelta(days=25))
    build.order(old_buyer, at=START + timedelta(days=5), total="30.00")
    now = START + timedelta(days=31)

    before = automation_uplift_report(cast.shop, "thank_you", now=START + timedelta(days=10))
    report = automation_uplift_report(cast.shop, "thank_you", now=now)

    assert (before.ready_at, before.uplift) == (START + timedelta(days=30), None)
    assert report.ready_at == START + timedelta(days=30)
    assert report.uplift is not None
    # The recent recipient, who has had six days to buy, is not counted as a non-buyer.
    assert (report.uplift.sent_count, report.uplift.holdout_count) == (1, 1)
    assert (report.uplift.sent_rate, report.uplift.holdout_rate) == (1.0, 0.0)


def test_an_automation_that_decided_nothing_has_no_date(cast) -> None:  # type: ignore[no-untyped-def]
    report = automation_uplift_report(cast.shop, "win_back", now=START)

    assert (report.days, report.ready_at, report.uplift) == (30, None, None)


def test_the_campaign_page_shows_the_date_and_then_the_figures(cast, build, client_for) -> None:  # type: ignore[no-untyped-def]
    campaign = _sent_campaign(cast, build)
    client = client_for(cast.viewer)
    url = f"/w/alice/outreach/campaigns/{campaign.pk}/"

    with time_machine.travel(START + timedelta(days=10), tick=False):
        early = client.get(url).content.decode()
    with time_machine.travel(START + timedelta(days=31), tick=False):
        ready = client.get(url).content.decode()

    assert "The report will be ready on Oct. 31, 2026" in early
    assert "Bought again" not in early
    assert "The report will be ready" not in ready
    assert "Bought again" in ready and "Orders within 30 days of the message." in ready
    # The plain verdict opens the report, the statistics are folded below it.
    assert '<p class="verdict">Of 100 customers who got the ' in ready
    assert ready.index('class="verdict"') < ready.index('<details class="statistics">')
