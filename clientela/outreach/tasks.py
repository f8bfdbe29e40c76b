"""Periodic outreach work, one task the clock enqueues every hour (registered in `apps.py`).

Each step is safe to run twice or from two workers at once: win-back
decisions are keyed (unique `AutomationRecipient.key`, outbox dedup keys), campaign
transitions are conditional UPDATEs.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone
from django_tasks import task

from clientela.accounts.models import Workspace
from clientela.outreach.models import Campaign, CampaignStatus
from clientela.outreach.services.campaigns import (
    CampaignStateError,
    campaign_finish_if_done,
    campaign_hold_queued,
    campaign_send,
    campaigns_due,
)
from clientela.outreach.services.winback import winback_sweep

logger = logging.getLogger(__name__)
SWEEP_CRON = "17 * * * *"
# Scheduled campaigns leave within a minute of their time, and a campaign whose last message
# went is marked finished as soon, rather than at the next hourly sweep.
CAMPAIGNS_CRON = "* * * * *"


def content_sweep(*, now: datetime) -> dict[str, int]:
    """Win-backs, due campaigns, finished campaigns; returns counts. (A thank-you's route, by
    e-mail or by hand, is decided when its order is placed, not here.)"""
    totals = {"win_back": 0, "campaigns_started": 0, "campaigns_finished": 0}
    for workspace in Workspace.objects.order_by("pk"):
        totals["win_back"] += winback_sweep(workspace=workspace, now=now).queued
    totals.update(campaigns_sweep(now=now))
    return totals


def campaigns_sweep(*, now: datetime) -> dict[str, int]:
    """Send the scheduled campaigns that are due; mark finished those fully accounted for."""
    totals = {"campaigns_started": 0, "campaigns_finished": 0}
    for campaign in campaigns_due(now=now):
        try:
            # The clock confirms nothing: the member confirmed the audience when scheduling.
            campaign_send(campaign=campaign, actor=None)
        except CampaignStateError:  # another worker started it first
            continue
        totals["campaigns_started"] += 1
    for campaign in Campaign.objects.filter(status=CampaignStatus.SENDING):
        totals["campaigns_finished"] += int(campaign_finish_if_done(campaign=campaign))
    for campaign in Campaign.objects.filter(status=CampaignStatus.PAUSED):
        campaign_hold_queued(campaign, now=now)
    return totals


@task(queue_name="default")
def outreach_content_sweep() -> dict[str, int]:
    totals = content_sweep(now=timezone.now())
    logger.info("outreach content sweep: %s", totals)
    return totals


@task(queue_name="default")
def outreach_campaigns_sweep() -> dict[str, int]:
    totals = campaigns_sweep(now=timezone.now())
    if any(totals.values()):
        logger.info("outreach campaigns sweep: %s", totals)
    return totals
