"""Who a campaign goes to, and how many of them are accounted for once it is sending.

The audience is what the campaign targets (lists, tags, retention segments) narrowed by
`mail.contactable` for marketing mail, so the rule of who may be written to lives in mail;
the campaign's own lists stand in for a consent there (a confirmed subscription).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from clientela.customers.models import Customer
from clientela.customers.normalize import InvalidEmail, normalize_email
from clientela.mail.contact import ContactPurpose, Lists, contactable
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


class AudienceChanged(ValueError):
    """The audience a member confirmed is not the one the send would reach any more."""

    def __init__(self, confirmed: int, current: int) -> None:
        super().__init__(f"confirmed {confirmed} recipients, the audience is now {current}")
        self.confirmed = confirmed
        self.current = current


def campaign_targeted(campaign: Campaign) -> tuple[QuerySet[Customer], Lists | None]:
    """Everyone the campaign targets (members of the chosen lists with a confirmed
    subscription, customers with the chosen tags, customers in the chosen retention
    segments), once each, before anyone is left out; and the lists' standing for
    `mail.contactable`. The targeting is a subquery, so a customer with two chosen tags is
    one row and counts per reason count people, not joins."""
    workspace = campaign.workspace
    lists = list(campaign.audience_lists.values_list("pk", flat=True))
    tags = list(campaign.audience_tags.values_list("pk", flat=True))
    standing = list_standing(workspace, lists) if lists else None
    subscribed = Q(pk__in=standing.subscribed) if standing else Q(pk__in=[])
    targeted = subscribed | Q(tags__in=tags) if tags else subscribed
    segments = segment_customer_ids(workspace, list(campaign.audience_segments))
    if segments:
        targeted |= Q(pk__in=segments)
    customers = Customer.objects.for_workspace(workspace)
    return customers.filter(pk__in=customers.filter(targeted).values("pk")), standing


def campaign_allowed(campaign: Campaign) -> QuerySet[Customer]:
    """The targeted customers `mail.contact_allowed` allows marketing mail, by id."""
    targeted, standing = campaign_targeted(campaign)
    return contactable(targeted, ContactPurpose.MARKETING, lists=standing).order_by("pk")


@dataclass(frozen=True)
class AddressPick:
    """One message per mailbox: the ids kept (ascending), their normalised addresses, and
    how many were dropped for an address that cannot be normalised or repeats a kept one."""

    kept: list[int]
    address: dict[int, str]
    invalid: int
    duplicate: int


def addresses_pick(rows: Iterable[tuple[int, str]]) -> AddressPick:
    """(id, address) in ascending id -> one per normalised address, the lower id kept.

    The outbox normalises every address (IDNA domain included): dedup on the same form, or
    two spellings of one mailbox would get the brochure twice. One bad legacy address is
    dropped rather than rolling back the whole campaign."""
    kept: list[int] = []
    address: dict[int, str] = {}
    seen: set[str] = set()
    invalid = duplicate = 0
    for pk, raw in rows:
        try:
            normal = normalize_email(raw)
        except InvalidEmail:
            invalid += 1
            continue
        if normal in seen:
            duplicate += 1
            continue
        seen.add(normal)
        kept.append(pk)
        address[pk] = normal
    return AddressPick(kept, address, invalid, duplicate)


def campaign_audience(campaign: Campaign) -> list[Customer]:
    """Everyone the campaign targets who may receive marketing mail, one per address.

    Allowed: what `mail.contact_allowed` allows for marketing with the chosen lists (a
    confirmed subscription to one of them, or a standing e-mail marketing consent; never a
    suppressed address). Two customers sharing an address get one message (the lower id).
    """
    customers = list(campaign_allowed(campaign))
    pick = addresses_pick((c.pk, c.email) for c in customers)
    kept = set(pick.kept)
    return [c for c in customers if c.pk in kept]


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
