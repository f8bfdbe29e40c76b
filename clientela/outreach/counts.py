"""What became of the messages outreach decided to send: one set of counts for every page.

The Automations page, a campaign's page and the Delivery page all read `message_counts`, so
"sent" means the same everywhere: handed to the mail server (the outbox row is sent, or was
and bounced later). Before, Automations counted the decisions to send as "sent" while their
rows still waited in the queue.

- queued: waiting to leave (queued, or being handed to the mail server right now);
- paused: waiting with a paused campaign;
- sent = delivered + bounced: handed to the mail server;
- delivered: sent, and no bounce came back; bounced: a bounce came back for it;
- failed: the mail server refused it for good;
- stopped: not sent (the address is suppressed, or the message was cancelled);
- held out: kept back on purpose to measure the effect (no message was sent);
- handwritten: routed to a letter written by hand instead of the e-mail.

A thank-you held out, or routed to a letter, had its queued row cancelled: those rows are
counted as held out or handwritten, not as stopped, so each message is in one figure.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db.models import Count, Q

from clientela.accounts.models import Workspace
from clientela.mail.models import Outbox, OutboxStatus
from clientela.outreach.models import (
    Automation,
    AutomationRecipient,
    CampaignRecipient,
    Group,
    HandwrittenLetter,
)

# Rows paused by a campaign pause carry this reply, so resume restores only those.
PAUSED_REPLY = "paused with its campaign"


@dataclass(frozen=True)
class MessageCounts:
    queued: int
    paused: int
    delivered: int
    bounced: int
    failed: int
    stopped: int
    held_out: int
    handwritten: int

    @property
    def sent(self) -> int:
        return self.delivered + self.bounced

    def as_dict(self) -> dict[str, int]:
        return {**asdict(self), "sent": self.sent}


def _outbox_counts(rows: object) -> dict[str, int]:
    paused = Q(status=OutboxStatus.CANCELLED, last_smtp_reply=PAUSED_REPLY)
    return dict(
        rows.aggregate(  # type: ignore[attr-defined]
            queued=Count("pk", filter=Q(status__in=[OutboxStatus.QUEUED, OutboxStatus.SENDING])),
            paused=Count("pk", filter=paused),
            delivered=Count("pk", filter=Q(status=OutboxStatus.SENT)),
            bounced=Count("pk", filter=Q(status=OutboxStatus.BOUNCED)),
            failed=Count("pk", filter=Q(status=OutboxStatus.FAILED)),
            suppressed=Count("pk", filter=Q(status=OutboxStatus.SUPPRESSED)),
            cancelled=Count("pk", filter=Q(status=OutboxStatus.CANCELLED) & ~paused),
        )
    )


def message_counts(
    workspace: Workspace, *, source_type: str | None = None, source_id: int | None = None
) -> MessageCounts:
    """The counts of the workspace's outreach messages: all of them (no source), one
    automation's (`source_type` "thank_you" or "win_back") or one campaign's
    (`source_type` "campaign" and its id). Four queries whatever the volume."""
    rows = Outbox.objects.for_workspace(workspace)
    if source_type is not None:
        rows = rows.filter(source_type=source_type)
        if source_id is not None:
            rows = rows.filter(source_id=source_id)
    counts = _outbox_counts(rows)
    thank_you = source_type in (None, Automation.THANK_YOU)
    if source_type == "campaign":
        campaign_held = CampaignRecipient.objects.filter(
            campaign__workspace=workspace, group=Group.HOLDOUT
        )
        if source_id is not None:
            campaign_held = campaign_held.filter(campaign_id=source_id)
        held_out, decided, handwritten = campaign_held.count(), 0, 0
    else:
        decisions = AutomationRecipient.objects.for_workspace(workspace).filter(group=Group.HOLDOUT)
        if source_type is not None:
            decisions = decisions.filter(automation=source_type)
        held = decisions.aggregate(
            all=Count("pk"), thank_you=Count("pk", filter=Q(automation=Automation.THANK_YOU))
        )
        held_out = held["all"]
        if source_type is None:
            held_out += CampaignRecipient.objects.filter(
                campaign__workspace=workspace, group=Group.HOLDOUT
            ).count()
        handwritten = decided = 0
        if thank_you:
            letters = HandwrittenLetter.objects.for_workspace(workspace).aggregate(
                all=Count("pk"), cancelled=Count("pk", filter=Q(outbox_id__isnull=False))
            )
            handwritten = letters["all"]
            # Rows cancelled by a thank-you decision (held out, or a letter): not "stopped".
            decided = held["thank_you"] + letters["cancelled"]
    stopped = counts["suppressed"] + max(0, counts["cancelled"] - decided)
    return MessageCounts(
        queued=counts["queued"],
        paused=counts["paused"],
        delivered=counts["delivered"],
        bounced=counts["bounced"],
        failed=counts["failed"],
        stopped=stopped,
        held_out=held_out,
        handwritten=handwritten,
    )
