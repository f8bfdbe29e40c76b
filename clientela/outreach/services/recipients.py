"""Who a campaign goes to, and how many of them are accounted for once it is sending.

The audience is what the campaign targets (lists, tags, retention segments) narrowed by
`mail.contactable` for marketing mail, so the rule of who may be written to lives in mail;
the campaign's own lists stand in for a consent there (a confirmed subscription).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from clientela.customers.models import Customer
from clientela.customers.normalize import InvalidEmail, normalize_email
from clientela.mail.contact import ContactPurpose, contactable
from clientela.mail.models import Outbox, OutboxStatus
from clientela.outreach.models import Campaign, CampaignRecipient, Group
from clientela.outreach.selectors import segment_customer_ids
from clientela.outreach.services.lists import list_standing

# A campaign row in one of these will not change any more (a bounce only turns sent to bounced).
FINAL_STATUSES = (
    OutboxStatus.SENT,
    OutboxStatus.BOUNCED,
    OutboxStatus.FAILED,
    OutboxStatus.SUPPRESSED,
    OutboxStatus.CANCELLED,
)


def campaign_audience(campaign: Campaign) -> list[Customer]:
    """Everyone the campaign targets who may receive marketing mail, one per address.

    Targeted: members of the chosen lists (confirmed subscriptions), customers with the
    chosen tags, customers in the chosen retention segments. Allowed: what
    `mail.contact_allowed` allows for marketing with the chosen lists (a confirmed
    subscription to one of them, or a standing e-mail marketing consent; never a suppressed
    address). Two customers sharing an address get one message (the lower id).
    """
    workspace = campaign.workspace
    lists = list(campaign.audience_lists.values_list("pk", flat=True))
    tags = list(campaign.audience_tags.values_list("pk", flat=True))
    standing = list_standing(workspace, lists) if lists else None
    subscribed = Q(pk__in=standing.subscribed) if standing else Q(pk__in=[])
    targeted = subscribed | Q(tags__in=tags) if tags else subscribed
    segments = segment_customer_ids(workspace, list(campaign.audience_segments))
    if segments:
        targeted |= Q(pk__in=segments)
    customers = (
        contactable(
            Customer.objects.for_workspace(workspace).filter(targeted),
            ContactPurpose.MARKETING,
            lists=standing,
        )
        .distinct()
        .order_by("pk")
    )
    seen: set[str] = set()
    chosen = []
    for customer in customers:
        # The outbox normalises every address (IDNA domain included): dedup on the same form,
        # or two spellings of one mailbox would get the brochure twice.
        try:
            address = normalize_email(customer.email)
        except InvalidEmail:
            continue  # one bad legacy address must not roll back the whole campaign
        if address not in seen:
            seen.add(address)
            chosen.append(customer)
    return chosen


def campaign_rows(campaign: Campaign) -> Any:
    """The campaign's outbox rows (its sent group's messages)."""
    return Outbox.objects.filter(
        workspace=campaign.workspace, source_type="campaign", source_id=campaign.pk
    )


def campaign_accounted(campaign: Campaign) -> tuple[int, int]:
    """(recipients accounted for, recipients): the holdout, plus the sent group's recipients
    whose outbox row reached a final status (sent, bounced, failed, suppressed, cancelled)."""
    recipients = CampaignRecipient.objects.filter(campaign=campaign)
    holdout = recipients.filter(group=Group.HOLDOUT).count()
    done = (
        campaign_rows(campaign)
        .filter(
            status__in=FINAL_STATUSES,
            pk__in=recipients.filter(group=Group.SENT).values("outbox_id"),
        )
        .count()
    )
    return holdout + done, recipients.count()
