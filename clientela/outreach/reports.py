"""Send reports and uplift reports (campaigns and automations) over the outbox and orders.

Outcome of a recipient: whether they placed an order in the window [start, start + days)
and the revenue of those orders. The window starts when the campaign started sending, or
when the automation decided about that recipient; holdout and sent are measured alike.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from clientela.accounts.models import Workspace
from clientela.commerce.models import Order, OrderStatus
from clientela.mail.models import Outbox, SuppressedAddress, SuppressionReason
from clientela.outreach.counts import MessageCounts, message_counts
from clientela.outreach.models import (
    AutomationRecipient,
    AutomationSettings,
    Campaign,
    CampaignRecipient,
    Group,
)
from clientela.outreach.stats.uplift import Uplift, uplift_compute


@dataclass(frozen=True)
class SendReport:
    counts: dict[str, int]  # outbox rows per status
    failures: list[tuple[str, str]]  # (address, server reply)
    unsubscribed: int
    messages: MessageCounts  # the figures every outreach page shows


def campaign_send_report(campaign: Campaign) -> SendReport:
    rows = Outbox.objects.for_workspace(campaign.workspace).filter(
        source_type="campaign", source_id=campaign.pk
    )
    counts = Counter(
        dict.fromkeys(
            ("queued", "sending", "sent", "failed", "bounced", "suppressed", "cancelled"), 0
        )
    )
    counts.update(rows.values_list("status", flat=True))
    failures = list(
        rows.filter(status__in=["failed", "bounced"])
        .order_by("pk")
        .values_list("to_address", "last_smtp_reply")[:200]
    )
    unsubscribed = (
        SuppressedAddress.objects.for_workspace(campaign.workspace)
        .filter(
            reason=SuppressionReason.UNSUBSCRIBE,
            # by the link or by mail to the List-Unsubscribe address
            source__in=[
                f"unsubscribe:campaign:{campaign.pk}",
                f"unsubscribe:campaign:{campaign.pk}:mail",
            ],
        )
        .count()
    )
    messages = message_counts(campaign.workspace, source_type="campaign", source_id=campaign.pk)
    return SendReport(dict(counts), failures, unsubscribed, messages)


def _outcomes(workspace: Workspace, starts: dict[int, datetime], days: int) -> dict[int, float]:
    """customer id -> revenue in their window (only buyers appear)."""
    if not starts:
        return {}
    earliest = min(starts.values())
    orders = (
        Order.objects.for_workspace(workspace)
        .filter(
            customer_id__in=list(starts),
            status=OrderStatus.PLACED,
            placed_at__gte=earliest,
            placed_at__lt=max(starts.values()) + timedelta(days=days),
        )
        .values_list("customer_id", "placed_at", "total")
    )
    revenue: dict[int, float] = {}
    for customer_id, placed_at, total in orders:
        start = starts[customer_id]
        if start <= placed_at < start + timedelta(days=days):
            revenue[customer_id] = revenue.get(customer_id, 0.0) + float(total)
    return revenue


def _uplift(
    groups: dict[int, str], starts: dict[int, datetime], workspace: Workspace, days: int
) -> Uplift:
    revenue = _outcomes(workspace, starts, days)
    sent = [c for c, g in groups.items() if g == Group.SENT]
    held = [c for c, g in groups.items() if g == Group.HOLDOUT]
    return uplift_compute(
        [revenue.get(c, 0.0) for c in sent],
        [revenue.get(c, 0.0) for c in held],
        sum(1 for c in sent if c in revenue),
        sum(1 for c in held if c in revenue),
    )


def campaign_uplift(campaign: Campaign, *, days: int = 30) -> Uplift | None:
    if campaign.started_at is None:
        return None
    groups = dict(
        CampaignRecipient.objects.filter(campaign=campaign).values_list("customer_id", "group")
    )
    starts = dict.fromkeys(groups, campaign.started_at)
    return _uplift(groups, starts, campaign.workspace, days)


def automation_uplift(
    workspace: Workspace,
    automation: str,
    *,
    days: int = 30,
    decided_before: datetime | None = None,
    route: str = "",
) -> Uplift:
    """Each decision is one unit; a customer decided twice counts in their latest group.
    With `decided_before`, only decisions older than it count (those whose window is over);
    with `route` ("letter"), only the thank-yous of that route, and the holdout orders that
    would have taken it (decided as their orders were placed, so the two groups are alike)."""
    groups: dict[int, str] = {}
    starts: dict[int, datetime] = {}
    decisions = (
        AutomationRecipient.objects.for_workspace(workspace)
        .filter(automation=automation)
        .order_by("decided_at", "pk")
    )
    if route:
        decisions = decisions.filter(route=route)
    if decided_before is not None:
        decisions = decisions.filter(decided_at__lt=decided_before)
    for customer_id, group, decided_at in decisions.values_list(
        "customer_id", "group", "decided_at"
    ):
        groups[customer_id] = group
        starts[customer_id] = decided_at
    return _uplift(groups, starts, workspace, days)


def automation_counts(workspace: Workspace, automation: str) -> MessageCounts:
    """What became of an automation's messages, in the figures every page uses."""
    return message_counts(workspace, source_type=automation)


@dataclass(frozen=True)
class UpliftReport:
    """An uplift measured only over outcome windows that are over, or when it will be.

    A window still open would count a recipient who has not bought *yet* as one who did not
    buy, and bias both rates down. `ready_at` is None while there is nothing to wait for (a
    campaign not started, an automation that decided nothing); `uplift` is None until then.
    """

    days: int
    ready_at: datetime | None
    uplift: Uplift | None


def uplift_days(workspace: Workspace) -> int:
    found = AutomationSettings.objects.filter(workspace=workspace).values_list(
        "uplift_days", flat=True
    )
    return cast(
        "int", found.first() or AutomationSettings._meta.get_field("uplift_days").get_default()
    )


def campaign_uplift_report(campaign: Campaign, *, now: datetime) -> UpliftReport:
    """The campaign's uplift once `uplift_days` have passed since it started sending."""
    days = uplift_days(campaign.workspace)
    if campaign.started_at is None:
        return UpliftReport(days, None, None)
    ready_at = campaign.started_at + timedelta(days=days)
    if now < ready_at:
        return UpliftReport(days, ready_at, None)
    return UpliftReport(days, ready_at, campaign_uplift(campaign, days=days))


def automation_uplift_report(
    workspace: Workspace, automation: str, *, now: datetime, route: str = ""
) -> UpliftReport:
    """An automation never finishes: its report counts the decisions at least `uplift_days`
    old, and is ready once the first of them is. `route`: see `automation_uplift`."""
    days = uplift_days(workspace)
    decisions = AutomationRecipient.objects.for_workspace(workspace).filter(automation=automation)
    if route:
        decisions = decisions.filter(route=route)
    first = decisions.order_by("decided_at").values_list("decided_at", flat=True).first()
    if first is None:
        return UpliftReport(days, None, None)
    ready_at = first + timedelta(days=days)
    if now < ready_at:
        return UpliftReport(days, ready_at, None)
    cutoff = now - timedelta(days=days)
    return UpliftReport(
        days,
        ready_at,
        automation_uplift(workspace, automation, days=days, decided_before=cutoff, route=route),
    )
