"""May we write to this customer, for this purpose, on this channel? Every sender asks here.

The rule of each purpose (`ContactPurpose`), on the channel asked about:

- thank-you: a thank-you answers a purchase, so it goes unless the customer withdrew their
  thank-you consent (and did not give it again);
- win-back: marketing, where silence is not consent: a standing consent for marketing or
  for win-back messages;
- marketing (brochures, newsletters): a standing marketing consent, or a confirmed
  subscription to one of the lists the message goes to;
- confirmation: the mail someone just asked for on our form (a subscription to confirm): no
  consent, and an earlier unsubscribe does not stop it, or nobody could opt back in;
- test: a user's test of a template or campaign, sent to their own address;
- reply: our answer to a customer we are already dealing with: a reply to a message they
  sent us (the inbox), a message on their complaint case, the gift certificate given for it.
  They asked, or we owe it to them, so no consent, and an unsubscribe from our mailings does
  not stop it; a complaint, a bounce, an entry by hand or an erasure does.
- forwarding: mail to the customer's alias (forwarding), passed on to their own address: no
  consent needed, and an unsubscribe does not stop it, as for the confirmation.

Every purpose needs an address on the channel (e-mail: the customer's address; SMS and phone:
their phone number). A letter by post is written and addressed by hand, so a missing postal
address does not stop it. On e-mail the suppression list stops every purpose but the test
(the sender still stops a suppressed address when the test goes out): a complaint, a hard
bounce, an unsubscribe or an entry by hand; for the confirmation, all but the unsubscribe.

Two forms that give the same answers (tests/mail/test_contact.py holds them to it): for one
customer, `contact_allowed`; for many, `contactable` (a filter keeping the allowed ones, which
composes into the caller's query) and `contact_refusals` (how many are refused, per reason).
Neither issues a query per customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from clientela.customers.models import Consent, ConsentChannel, ConsentPurpose, Customer
from clientela.mail.digest import address_digest, digest_sql
from clientela.mail.models import SuppressedAddress, SuppressedDigest, SuppressionReason


class ContactPurpose(models.TextChoices):
    THANK_YOU = "thank_you", _("Thank-you letters")
    WIN_BACK = "win_back", _("Win-back messages")
    MARKETING = "marketing", _("Promotions and newsletters")
    CONFIRMATION = "confirmation", _("Subscription confirmation")
    TEST = "test", _("Test message")
    REPLY = "reply", _("Replies and service messages (their messages, cases, compensations)")
    FORWARDING = "forwarding", _("Mail forwarded from their alias")


class NotAllowedReason(models.TextChoices):
    """Why not, in the order they are checked: the first that applies is the one given."""

    NO_ADDRESS = "no_address", _("No address")
    COMPLAINT = "complaint", _("Marked a message as spam")
    BOUNCED = "bounced", _("The address bounced")
    SUPPRESSED = "suppressed", _("Address suppressed")
    ERASED = "erased", _("Data erased on the customer's request")
    UNSUBSCRIBED_FROM_LIST = "unsubscribed_from_list", _("Unsubscribed from this list")
    NO_CONSENT = "no_consent", _("No consent")


@dataclass(frozen=True)
class ContactVerdict:
    allowed: bool
    reason: NotAllowedReason | None  # None when allowed


class ContactNotAllowed(Exception):
    """A sender was asked to write to someone `contact_allowed` refuses."""

    def __init__(self, verdict: ContactVerdict) -> None:
        super().__init__(verdict.reason)
        self.verdict = verdict


@dataclass(frozen=True)
class Lists:
    """The mailing lists a message goes to, told by the app that owns lists (mail knows none):
    querysets of the customer ids (`values("customer_id")`) that are confirmed on one of
    them, and that unsubscribed from one of them."""

    subscribed: QuerySet[Any]
    unsubscribed: QuerySet[Any]


@dataclass(frozen=True)
class _Rule:
    standing: tuple[ConsentPurpose, ...] = ()  # needs a standing consent for one of these
    objection: ConsentPurpose | None = None  # refused if withdrawn and not given again
    stopped_by: frozenset[str] = frozenset(SuppressionReason.values)  # e-mail suppressions
    lists: bool = False  # a confirmed subscription to a list of the message stands for consent
    # An address erased on request (kept as a digest) is never written to again, but a test.
    erased: bool = True


_RULES: dict[ContactPurpose, _Rule] = {
    ContactPurpose.THANK_YOU: _Rule(objection=ConsentPurpose.THANK_YOU),
    ContactPurpose.WIN_BACK: _Rule(standing=(ConsentPurpose.MARKETING, ConsentPurpose.WIN_BACK)),
    ContactPurpose.MARKETING: _Rule(standing=(ConsentPurpose.MARKETING,), lists=True),
    ContactPurpose.CONFIRMATION: _Rule(
        stopped_by=frozenset(SuppressionReason.values) - {SuppressionReason.UNSUBSCRIBE}
    ),
    ContactPurpose.TEST: _Rule(stopped_by=frozenset(), erased=False),
    ContactPurpose.REPLY: _Rule(
        stopped_by=frozenset(SuppressionReason.values) - {SuppressionReason.UNSUBSCRIBE}
    ),
    # The customer's own mail, passed on: no consent, and an unsubscribe from our letters
    # does not stop it; a bounce, a complaint or an address suppressed by hand does.
    ContactPurpose.FORWARDING: _Rule(
        stopped_by=frozenset(SuppressionReason.values) - {SuppressionReason.UNSUBSCRIBE}
    ),
}
# One suppression per address and workspace, so at most one of these applies.
_SUPPRESSION = {
    SuppressionReason.COMPLAINT: NotAllowedReason.COMPLAINT,
    SuppressionReason.HARD_BOUNCE: NotAllowedReason.BOUNCED,
    SuppressionReason.UNSUBSCRIBE: NotAllowedReason.SUPPRESSED,
    SuppressionReason.MANUAL: NotAllowedReason.SUPPRESSED,
}
# The customer field holding the address of each channel; post needs none (see above).
_ADDRESS_FIELD = {
    ConsentChannel.EMAIL: "email",
    ConsentChannel.SMS: "phone",
    ConsentChannel.PHONE: "phone",
}


# One customer ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    address: str | None  # None: the channel needs none
    suppression: str | None  # the reason the address is suppressed for, None if it is not
    erased: bool  # the address is among those erased on request
    standing: frozenset[str]  # purposes with a standing consent on the channel
    withdrawn: frozenset[str]  # purposes with a withdrawn consent on the channel
    subscribed: bool
    unsubscribed: bool


def contact_allowed(
    customer: Customer,
    purpose: ContactPurpose | str,
    channel: ConsentChannel | str = ConsentChannel.EMAIL,
    *,
    address: str | None = None,
    lists: Lists | None = None,
) -> ContactVerdict:
    """Whether `customer` may be written to for `purpose` on `channel`, and if not, why.

    `address` replaces the customer's own (a confirmation goes to the address typed in the
    form); `lists` are the mailing lists a marketing e-mail goes to. An unsaved customer (a
    user testing, dressed as one) has no consents and is on no list.
    """
    rule, channel = _RULES[ContactPurpose(purpose)], ConsentChannel(channel)
    lists = lists if channel == ConsentChannel.EMAIL else None  # mailing lists are e-mail
    reason = _refusal(rule, _facts(customer, rule, channel, address, lists))
    return ContactVerdict(reason is None, reason)


def _facts(
    customer: Customer,
    rule: _Rule,
    channel: ConsentChannel,
    address: str | None,
    lists: Lists | None,
) -> _Facts:
    field = _ADDRESS_FIELD.get(channel)
    if address is None and field is not None:
        address = str(getattr(customer, field))
    suppression = None
    if channel == ConsentChannel.EMAIL and address and rule.stopped_by:
        suppression = (
            SuppressedAddress.objects.filter(workspace_id=customer.workspace_id, address=address)
            .values_list("reason", flat=True)
            .first()
        )
    erased = False
    if channel == ConsentChannel.EMAIL and address and rule.erased:
        erased = SuppressedDigest.objects.filter(
            workspace_id=customer.workspace_id, digest=address_digest(address)
        ).exists()
    consents: list[tuple[str, Any]] = []
    if customer.pk is not None and (rule.standing or rule.objection):
        consents = list(
            Consent.objects.filter(
                workspace_id=customer.workspace_id, customer_id=customer.pk, channel=channel
            ).values_list("purpose", "withdrawn_at")
        )
    subscribed = unsubscribed = False
    if rule.lists and lists is not None and customer.pk is not None:
        subscribed = lists.subscribed.filter(customer_id=customer.pk).exists()
        unsubscribed = lists.unsubscribed.filter(customer_id=customer.pk).exists()
    return _Facts(
        address=address,
        suppression=suppression,
        erased=erased,
        standing=frozenset(purpose for purpose, withdrawn in consents if withdrawn is None),
        withdrawn=frozenset(purpose for purpose, withdrawn in consents if withdrawn is not None),
        subscribed=subscribed,
        unsubscribed=unsubscribed,
    )


def _refusal(rule: _Rule, facts: _Facts) -> NotAllowedReason | None:
    if facts.address == "":
        return NotAllowedReason.NO_ADDRESS
    if facts.suppression in rule.stopped_by:
        return _SUPPRESSION[SuppressionReason(facts.suppression)]
    if facts.erased:
        return NotAllowedReason.ERASED
    if _consented(rule, facts):
        return None
    if facts.unsubscribed:
        return NotAllowedReason.UNSUBSCRIBED_FROM_LIST
    return NotAllowedReason.NO_CONSENT


def _consented(rule: _Rule, facts: _Facts) -> bool:
    if rule.lists and facts.subscribed:
        return True
    if rule.standing and not facts.standing & set(rule.standing):
        return False
    objection = rule.objection
    if objection is None:
        return True
    return objection not in facts.withdrawn or objection in facts.standing


# Many customers ----------------------------------------------------------------------------


def contactable(
    customers: QuerySet[Customer],
    purpose: ContactPurpose | str,
    channel: ConsentChannel | str = ConsentChannel.EMAIL,
    *,
    lists: Lists | None = None,
) -> QuerySet[Customer]:
    """`customers` narrowed to those `contact_allowed` allows: only conditions are added (one
    NOT EXISTS per rule), so the result composes as a subquery or a further filter."""
    checks = _checks(_RULES[ContactPurpose(purpose)], ConsentChannel(channel), lists)
    return customers.filter(*(~refused for refused, _reason in checks))


def contact_refusals(
    customers: QuerySet[Customer],
    purpose: ContactPurpose | str,
    channel: ConsentChannel | str = ConsentChannel.EMAIL,
    *,
    lists: Lists | None = None,
) -> dict[NotAllowedReason, int]:
    """How many of `customers` (distinct rows) are refused, per reason, in one query."""
    rows = (
        customers.annotate(contact_refused=_refusal_sql(purpose, channel, lists))
        .order_by()
        .values("contact_refused")
        .annotate(n=Count("pk"))
        .values_list("contact_refused", "n")
    )
    return {NotAllowedReason(reason): n for reason, n in rows if reason is not None}


def contact_refused_annotate(
    customers: QuerySet[Customer],
    purpose: ContactPurpose | str,
    channel: ConsentChannel | str = ConsentChannel.EMAIL,
    *,
    lists: Lists | None = None,
) -> QuerySet[Customer]:
    """`customers` annotated with `contact_refused`: the reason's value, or None if allowed."""
    return customers.annotate(contact_refused=_refusal_sql(purpose, channel, lists))


def _refusal_sql(
    purpose: ContactPurpose | str, channel: ConsentChannel | str, lists: Lists | None
) -> Case:
    checks = _checks(_RULES[ContactPurpose(purpose)], ConsentChannel(channel), lists)
    return Case(
        *(When(condition, then=reason) for condition, reason in checks),
        default=Value(None),
        output_field=models.CharField(null=True),
    )


def _checks(rule: _Rule, channel: ConsentChannel, lists: Lists | None) -> list[tuple[Q, Any]]:
    """(refusing condition, reason) in `NotAllowedReason` order, as SQL over a Customer."""
    lists = lists if channel == ConsentChannel.EMAIL else None  # mailing lists are e-mail
    checks: list[tuple[Q, Any]] = []
    field = _ADDRESS_FIELD.get(channel)
    if field is not None:
        checks.append((Q(**{field: ""}), Value(NotAllowedReason.NO_ADDRESS.value)))
    if channel == ConsentChannel.EMAIL:
        checks += _suppression_checks(rule)
    consented = _consented_sql(rule, channel, lists)
    if consented is not None:
        no_consent: Any = Value(NotAllowedReason.NO_CONSENT.value)
        if rule.lists and lists is not None:
            unsubscribed = Value(NotAllowedReason.UNSUBSCRIBED_FROM_LIST.value)
            no_consent = Case(
                When(Q(pk__in=lists.unsubscribed), then=unsubscribed), default=no_consent
            )
        checks.append((~consented, no_consent))
    return checks


def _suppression_checks(rule: _Rule) -> list[tuple[Q, Any]]:
    suppressed = SuppressedAddress.objects.filter(
        workspace_id=OuterRef("workspace_id"), address=OuterRef("email")
    )
    checks: list[tuple[Q, Any]] = []
    for reason in (
        NotAllowedReason.COMPLAINT,
        NotAllowedReason.BOUNCED,
        NotAllowedReason.SUPPRESSED,
    ):
        stopping = {s for s, r in _SUPPRESSION.items() if r == reason} & rule.stopped_by
        if stopping:
            found = Exists(suppressed.filter(reason__in=stopping))
            checks.append((Q(found), Value(reason.value)))
    if rule.erased:
        digests = SuppressedDigest.objects.filter(workspace_id=OuterRef("workspace_id"))
        # The first test is an index probe that fails at once in a workspace that never
        # erased anyone, so the digest of each address is computed only where it may match.
        erased = Q(Exists(digests)) & Q(
            Exists(digests.filter(digest=digest_sql(OuterRef("email"))))
        )
        checks.append((erased, Value(NotAllowedReason.ERASED.value)))
    return checks


def _consented_sql(rule: _Rule, channel: ConsentChannel, lists: Lists | None) -> Q | None:
    """The consent condition of `_consented`, or None when the purpose needs none."""
    consents = Consent.objects.filter(
        workspace_id=OuterRef("workspace_id"), customer_id=OuterRef("pk"), channel=channel
    )
    conditions: list[Q] = []
    if rule.standing:
        given = consents.filter(purpose__in=rule.standing, withdrawn_at__isnull=True)
        conditions.append(Q(Exists(given)))
    if rule.objection is not None:
        mine = consents.filter(purpose=rule.objection)
        withdrawn = Exists(mine.filter(withdrawn_at__isnull=False))
        standing = Exists(mine.filter(withdrawn_at__isnull=True))
        conditions.append(~Q(withdrawn) | Q(standing))
    if not conditions:
        return None
    consented = Q(*conditions)
    if rule.lists and lists is not None:
        consented |= Q(pk__in=lists.subscribed)
    return consented
