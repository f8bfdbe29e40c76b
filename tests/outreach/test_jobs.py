from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from clientela.clock.registry import registry
from clientela.mail.models import Outbox
from clientela.outreach.models import Campaign, HandwrittenLetter
from clientela.outreach.services.automations import automations_update
from clientela.outreach.services.campaigns import campaign_save, campaign_schedule
from clientela.outreach.tasks import content_sweep, outreach_content_sweep
from tests.outreach.conftest import days_ago


def test_the_sweep_is_registered_with_the_clock() -> None:
    jobs = {job.name: job for job in registry.jobs()}
    assert jobs["outreach.content_sweep"].task == outreach_content_sweep
    assert jobs["outreach.content_sweep"].cron == "17 * * * *"


def test_one_sweep_starts_due_campaigns_finishes_empty_ones_and_leaves_thank_yous_alone(
    cast, build
) -> None:  # type: ignore[no-untyped-def]
    automations_update(workspace=cast.shop, actor=cast.owner, thank_you_holdout_percent=0)
    customer = build.customer(cast.shop, "ana@example.com")
    build.thank_you_row(build.order(customer, at=days_ago(6)), due=timezone.now())
    campaign = campaign_save(
        workspace=cast.shop,
        actor=cast.owner,
        title="T",
        kind="newsletter",
        language="ro",
        subject="S",
        body_text="B",
    )
    campaign_schedule(campaign=campaign, at=timezone.now() - timedelta(minutes=1), actor=cast.owner)
    later = campaign_save(
        workspace=cast.shop,
        actor=cast.owner,
        title="L",
        kind="newsletter",
        language="ro",
        subject="S",
        body_text="B",
    )
    campaign_schedule(campaign=later, at=timezone.now() + timedelta(days=1), actor=cast.owner)

    totals = content_sweep(now=timezone.now())

    assert totals == {"win_back": 0, "campaigns_started": 1, "campaigns_finished": 1}
    assert dict(Campaign.objects.values_list("title", "status")) == {
        "T": "finished",
        "L": "scheduled",
    }
    # A thank-you's route is decided when its order is placed: the sweep never turns a queued
    # thank-you e-mail into a letter (it would be unpredictable, and could do both).
    assert HandwrittenLetter.objects.count() == 0
    assert list(Outbox.objects.filter(status="queued").values_list("source_type", flat=True)) == [
        "thank_you"
    ]
    assert content_sweep(now=timezone.now()) == {
        "win_back": 0,
        "campaigns_started": 0,
        "campaigns_finished": 0,
    }
