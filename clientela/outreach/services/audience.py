"""Who a campaign will go to, shown before anyone sends or schedules it.

`audience_summary` answers with the same rules the send applies (`recipients`), in a few
queries whatever the audience's size: one pass over the targeted customers' (id, address,
language, reason `mail.contact_allowed` refuses them for) tuples, the allowed ones then
rid of the addresses the outbox would refuse or repeat, the holdout drawn exactly as
the send will draw it (same ids, same seed), and one query for a sample of names. The number a
member confirms is `recipients`: the messages that will be queued.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from clientela.accounts.models import Language
from clientela.customers.models import Customer
from clientela.mail.contact import ContactPurpose, NotAllowedReason, contact_refused_annotate
from clientela.outreach.models import Campaign
from clientela.outreach.services.recipients import (
    addresses_pick,
    campaign_allowed,
    campaign_targeted,
)
from clientela.outreach.stats.holdout import holdout_size, holdout_split
from clientela.outreach.versions import campaign_versions, pick

SAMPLE_SIZE = 10


class LeftOut(models.TextChoices):
    """Why a targeted customer gets no message: `mail.contact_allowed`'s reasons, then the
    send's own (an address the outbox cannot take, an address already written to, the
    holdout kept back to measure the campaign's effect)."""

    NO_ADDRESS = NotAllowedReason.NO_ADDRESS.value, NotAllowedReason.NO_ADDRESS.label
    COMPLAINT = NotAllowedReason.COMPLAINT.value, NotAllowedReason.COMPLAINT.label
    BOUNCED = NotAllowedReason.BOUNCED.value, NotAllowedReason.BOUNCED.label
    SUPPRESSED = NotAllowedReason.SUPPRESSED.value, NotAllowedReason.SUPPRESSED.label
    ERASED = NotAllowedReason.ERASED.value, NotAllowedReason.ERASED.label
    UNSUBSCRIBED_FROM_LIST = (
        NotAllowedReason.UNSUBSCRIBED_FROM_LIST.value,
        NotAllowedReason.UNSUBSCRIBED_FROM_LIST.label,
    )
    NO_CONSENT = NotAllowedReason.NO_CONSENT.value, NotAllowedReason.NO_CONSENT.label
    INVALID_ADDRESS = "invalid_address", _("Address not valid")
    DUPLICATE_ADDRESS = "duplicate_address", _("Shares an address with another customer")
    HOLDOUT = "holdout", _("Held out to measure the effect")


@dataclass(frozen=True)
class LanguageCount:
    """How many recipients speak `language`, and the language of the version they get
    (another one when the campaign has no version in theirs: the fallback)."""

    language: str
    count: int
    version: str

    @property
    def fallback(self) -> bool:
        return self.language != self.version

    @property
    def label(self) -> str:
        return str(Language(self.language).label) if self.language in Language.values else ""

    @property
    def version_label(self) -> str:
        return str(Language(self.version).label) if self.version in Language.values else ""


@dataclass(frozen=True)
class SampleRecipient:
    name: str
    address: str
    language: str


@dataclass(frozen=True)
class ReasonCount:
    reason: str
    count: int

    @property
    def label(self) -> str:
        return str(LeftOut(self.reason).label)


@dataclass(frozen=True)
class AudienceSummary:
    """`targeted` = `recipients` + the sum of `left_out`; `recipients` = the sum of
    `by_language`. Reasons appear in `LeftOut`'s order, only those that leave someone out."""

    targeted: int
    recipients: int
    by_language: tuple[LanguageCount, ...]
    left_out: tuple[ReasonCount, ...]
    sample: tuple[SampleRecipient, ...]

    @property
    def left_out_total(self) -> int:
        return sum(r.count for r in self.left_out)

    def left_out_count(self, reason: LeftOut | str) -> int:
        return next((r.count for r in self.left_out if r.reason == reason), 0)


def campaign_languages(campaign: Campaign) -> frozenset[str]:
    """The languages the campaign has a version in (`outreach.versions`)."""
    return frozenset(campaign_versions(campaign))


def version_for(campaign: Campaign, language: str) -> str:
    """The language of the version a customer speaking `language` gets: theirs, else the
    workspace's default language's, else any (the rule the send follows, `versions.pick`)."""
    versions = campaign_versions(campaign)
    version, _fell_back = pick(versions, language, str(campaign.workspace.default_language))
    return str(version.language) if version is not None else str(campaign.language)


def audience_summary(campaign: Campaign) -> AudienceSummary:
    """Who the campaign goes to if it is sent now, and who is left out and why."""
    targeted, standing = campaign_targeted(campaign)
    # One pass over the targeted: each row with the reason `contact_allowed` would refuse
    # it for (None: allowed); the same conditions `contactable` filters the send with.
    annotated = contact_refused_annotate(targeted, ContactPurpose.MARKETING, lists=standing)
    # The annotation is added at run time, where the type checker cannot see it.
    rows = annotated.order_by("pk").values_list(  # type: ignore[misc]
        "pk", "email", "language", "contact_refused"
    )
    refused: Counter[str] = Counter()
    allowed: list[tuple[int, str, str]] = []
    for pk, email, language, reason in rows:
        if reason is None:
            allowed.append((pk, email, language))
        else:
            refused[reason] += 1
    pick = addresses_pick((pk, email) for pk, email, _language in allowed)
    sent, held = holdout_split(pick.kept, campaign.holdout_percent, seed=campaign.pk)
    language_of = {pk: language for pk, _email, language in allowed}
    per_language = Counter(language_of[pk] for pk in sent)
    by_language = tuple(
        LanguageCount(language, per_language[language], version_for(campaign, language))
        for language in sorted(per_language, key=lambda lang: (-per_language[lang], lang))
    )
    counts: dict[str, int] = dict(refused)
    counts[LeftOut.INVALID_ADDRESS] = pick.invalid
    counts[LeftOut.DUPLICATE_ADDRESS] = pick.duplicate
    counts[LeftOut.HOLDOUT] = len(held)
    left_out = tuple(
        ReasonCount(reason.value, counts[reason.value])
        for reason in LeftOut
        if counts.get(reason.value)
    )
    chosen = sent[:SAMPLE_SIZE]
    people = Customer.objects.for_workspace(campaign.workspace).in_bulk(chosen)
    sample = tuple(
        SampleRecipient(people[pk].display_name, pick.address[pk], language_of[pk])
        for pk in chosen
        if pk in people
    )
    total = len(sent) + sum(r.count for r in left_out)
    return AudienceSummary(total, len(sent), by_language, left_out, sample)


def audience_count(campaign: Campaign) -> int:
    """`audience_summary(campaign).recipients` alone: the number a member confirms."""
    pick = addresses_pick(campaign_allowed(campaign).values_list("pk", "email"))
    return len(pick.kept) - holdout_size(len(pick.kept), campaign.holdout_percent)
