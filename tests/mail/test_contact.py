"""`contact_allowed`: one answer per purpose and channel, with the reason, in both forms."""

from __future__ import annotations

import secrets
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone, translation

import clientela.mail
from clientela.customers.models import Consent, ConsentChannel, ConsentPurpose, Customer
from clientela.customers.services import consent_grant, customer_create
from clientela.mail.contact import (
    ContactPurpose,
    ContactVerdict,
    NotAllowedReason,
    contact_allowed,
    contact_refusals,
    contact_refused_annotate,
    contactable,
)
from clientela.mail.models import SuppressedAddress, SuppressionReason
from clientela.outreach.models import MailingList, Subscription, SubscriptionStatus
from clientela.outreach.services.lists import list_standing
from clientela.outreach.services.templates import stand_in_customer

pytestmark = pytest.mark.django_db

ALLOWED = ContactVerdict(True, None)


def refused(reason: NotAllowedReason) -> ContactVerdict:
    return ContactVerdict(False, reason)


def person(cast: Any, email: str, *consents: ConsentPurpose, **fields: Any) -> Customer:
    customer = customer_create(workspace=cast.shop, actor=None, email=email, **fields)
    for purpose in consents:
        consent_grant(
            customer=customer,
            purpose=purpose,
            channel=ConsentChannel.EMAIL,
            source="test",
            ip=None,
            actor=None,
        )
    return customer


def suppress(cast: Any, address: str, reason: SuppressionReason) -> None:
    SuppressedAddress.objects.create(workspace=cast.shop, address=address, reason=reason)


def withdrawn(customer: Customer, purpose: ConsentPurpose, channel: ConsentChannel) -> None:
    Consent.objects.create(
        workspace=customer.workspace,
        customer=customer,
        purpose=purpose,
        channel=channel,
        source="test",
        withdrawn_at=timezone.now(),
    )


def on_list(customer: Customer, mailing_list: MailingList, status: SubscriptionStatus) -> None:
    Subscription.objects.create(
        workspace=customer.workspace,
        mailing_list=mailing_list,
        customer=customer,
        status=status,
        confirm_token=secrets.token_urlsafe(16),
        source="test",
    )


@pytest.fixture
def news(cast: Any) -> MailingList:
    return MailingList.objects.create(workspace=cast.shop, name="News", public_token="news")


# Each reason -------------------------------------------------------------------------------


def test_no_address(cast):
    nobody = person(cast, "", ConsentPurpose.MARKETING)
    for purpose in ContactPurpose:
        assert contact_allowed(nobody, purpose) == refused(NotAllowedReason.NO_ADDRESS)


@pytest.mark.parametrize(
    ("suppression", "reason"),
    [
        (SuppressionReason.COMPLAINT, NotAllowedReason.COMPLAINT),
        (SuppressionReason.HARD_BOUNCE, NotAllowedReason.BOUNCED),
        (SuppressionReason.UNSUBSCRIBE, NotAllowedReason.SUPPRESSED),
        (SuppressionReason.MANUAL, NotAllowedReason.SUPPRESSED),
    ],
)
def test_a_suppressed_address_stops_every_purpose_but_a_test(cast, suppression, reason):
    ana = person(cast, "ana@example.ro", ConsentPurpose.MARKETING, ConsentPurpose.THANK_YOU)
    suppress(cast, "ana@example.ro", suppression)

    for purpose in (ContactPurpose.THANK_YOU, ContactPurpose.WIN_BACK, ContactPurpose.MARKETING):
        assert contact_allowed(ana, purpose) == refused(reason)
    assert contact_allowed(ana, ContactPurpose.TEST) == ALLOWED


def test_no_consent_and_unsubscribed_from_this_list(cast, news):
    ana = person(cast, "ana@example.ro")
    lists = list_standing(cast.shop, [news.pk])
    assert contact_allowed(ana, ContactPurpose.MARKETING, lists=lists) == refused(
        NotAllowedReason.NO_CONSENT
    )

    on_list(ana, news, SubscriptionStatus.UNSUBSCRIBED)

    assert contact_allowed(ana, ContactPurpose.MARKETING, lists=lists) == refused(
        NotAllowedReason.UNSUBSCRIBED_FROM_LIST
    )
    # Without the list the question is about marketing in general: no consent.
    assert contact_allowed(ana, ContactPurpose.MARKETING) == refused(NotAllowedReason.NO_CONSENT)


def test_the_first_reason_that_applies_is_given(cast):
    ana = person(cast, "ana@example.ro")  # no consent either
    suppress(cast, "ana@example.ro", SuppressionReason.HARD_BOUNCE)

    assert contact_allowed(ana, ContactPurpose.WIN_BACK) == refused(NotAllowedReason.BOUNCED)


# Each purpose's rule -----------------------------------------------------------------------


def test_a_thank_you_goes_unless_its_consent_was_withdrawn_and_not_given_again(cast):
    ana = person(cast, "ana@example.ro")
    assert contact_allowed(ana, ContactPurpose.THANK_YOU) == ALLOWED

    withdrawn(ana, ConsentPurpose.THANK_YOU, ConsentChannel.EMAIL)
    assert contact_allowed(ana, ContactPurpose.THANK_YOU) == refused(NotAllowedReason.NO_CONSENT)

    consent_grant(
        customer=ana,
        purpose=ConsentPurpose.THANK_YOU,
        channel=ConsentChannel.EMAIL,
        source="again",
        ip=None,
        actor=None,
    )
    assert contact_allowed(ana, ContactPurpose.THANK_YOU) == ALLOWED


def test_win_back_needs_a_marketing_or_win_back_consent_and_marketing_a_marketing_one(cast):
    nothing = person(cast, "a@example.ro")
    win_back = person(cast, "b@example.ro", ConsentPurpose.WIN_BACK)
    marketing = person(cast, "c@example.ro", ConsentPurpose.MARKETING)
    thank_you = person(cast, "d@example.ro", ConsentPurpose.THANK_YOU)

    verdicts = {
        customer.email: (
            contact_allowed(customer, ContactPurpose.WIN_BACK).allowed,
            contact_allowed(customer, ContactPurpose.MARKETING).allowed,
        )
        for customer in (nothing, win_back, marketing, thank_you)
    }
    assert verdicts == {
        "a@example.ro": (False, False),
        "b@example.ro": (True, False),
        "c@example.ro": (True, True),
        "d@example.ro": (False, False),
    }


def test_a_confirmed_subscription_to_the_list_stands_for_the_marketing_consent(cast, news):
    ana = person(cast, "ana@example.ro")
    on_list(ana, news, SubscriptionStatus.CONFIRMED)
    other = MailingList.objects.create(workspace=cast.shop, name="Other", public_token="o")

    for lists, verdict in (
        ([news.pk], ALLOWED),
        ([other.pk], refused(NotAllowedReason.NO_CONSENT)),
    ):
        standing = list_standing(cast.shop, lists)
        assert contact_allowed(ana, ContactPurpose.MARKETING, lists=standing) == verdict
    # A mailing list is an e-mail list: it says nothing of letters by post.
    standing = list_standing(cast.shop, [news.pk])
    assert contact_allowed(
        ana, ContactPurpose.MARKETING, ConsentChannel.POST, lists=standing
    ) == refused(NotAllowedReason.NO_CONSENT)


def test_an_unsubscribe_does_not_stop_the_confirmation_the_person_asked_for(cast):
    ana = person(cast, "ana@example.ro")
    suppress(cast, "ana@example.ro", SuppressionReason.UNSUBSCRIBE)
    suppress(cast, "bad@example.ro", SuppressionReason.HARD_BOUNCE)

    assert contact_allowed(ana, ContactPurpose.CONFIRMATION) == ALLOWED
    # The confirmation goes to the address typed in the form, which is the one checked.
    assert contact_allowed(ana, ContactPurpose.CONFIRMATION, address="bad@example.ro") == refused(
        NotAllowedReason.BOUNCED
    )


def test_a_users_own_test_needs_only_an_address(cast):
    me = stand_in_customer(workspace=cast.shop, actor=cast.owner, language="ro")
    suppress(cast, cast.owner.email, SuppressionReason.MANUAL)

    assert contact_allowed(me, ContactPurpose.TEST) == ALLOWED


def test_consents_are_per_channel_and_a_letter_needs_no_postal_address(cast):
    ana = person(cast, "ana@example.ro", ConsentPurpose.MARKETING)
    assert contact_allowed(ana, ContactPurpose.THANK_YOU, ConsentChannel.POST) == ALLOWED
    assert contact_allowed(ana, ContactPurpose.MARKETING, ConsentChannel.POST) == refused(
        NotAllowedReason.NO_CONSENT
    )

    withdrawn(ana, ConsentPurpose.THANK_YOU, ConsentChannel.POST)

    assert contact_allowed(ana, ContactPurpose.THANK_YOU, ConsentChannel.POST) == refused(
        NotAllowedReason.NO_CONSENT
    )
    assert contact_allowed(ana, ContactPurpose.THANK_YOU) == ALLOWED  # e-mail is untouched
    assert contact_allowed(ana, ContactPurpose.MARKETING, ConsentChannel.SMS) == refused(
        NotAllowedReason.NO_ADDRESS
    )


def test_another_workspaces_suppression_does_not_count(cast):
    ana = person(cast, "ana@example.ro", ConsentPurpose.MARKETING)
    SuppressedAddress.objects.create(
        workspace=cast.other_shop, address="ana@example.ro", reason=SuppressionReason.COMPLAINT
    )

    assert contact_allowed(ana, ContactPurpose.MARKETING) == ALLOWED
    assert list(contactable(Customer.objects.all(), ContactPurpose.MARKETING)) == [ana]


# Both forms agree --------------------------------------------------------------------------


def everyone(cast: Any, news: MailingList) -> list[Customer]:
    """One customer per situation the rules tell apart."""
    made = [
        person(cast, "", ConsentPurpose.MARKETING),
        person(cast, "plain@example.ro"),
        person(cast, "marketing@example.ro", ConsentPurpose.MARKETING),
        person(cast, "winback@example.ro", ConsentPurpose.WIN_BACK),
        person(cast, "thanks@example.ro", ConsentPurpose.THANK_YOU),
        person(cast, "objected@example.ro", ConsentPurpose.MARKETING),
        person(cast, "regained@example.ro", ConsentPurpose.THANK_YOU),
        person(cast, "confirmed@example.ro"),
        person(cast, "left@example.ro"),
        person(cast, "left.with.consent@example.ro", ConsentPurpose.MARKETING),
        person(cast, "post@example.ro", ConsentPurpose.MARKETING),
        person(cast, "phone@example.ro", ConsentPurpose.MARKETING, phone="+40700000000"),
    ]
    for address, suppression in (
        ("complained@example.ro", SuppressionReason.COMPLAINT),
        ("bounced@example.ro", SuppressionReason.HARD_BOUNCE),
        ("unsubscribed@example.ro", SuppressionReason.UNSUBSCRIBE),
        ("manual@example.ro", SuppressionReason.MANUAL),
    ):
        made.append(person(cast, address, ConsentPurpose.MARKETING))
        suppress(cast, address, suppression)
    by_email = {customer.email: customer for customer in made}
    withdrawn(by_email["objected@example.ro"], ConsentPurpose.THANK_YOU, ConsentChannel.EMAIL)
    withdrawn(by_email["regained@example.ro"], ConsentPurpose.THANK_YOU, ConsentChannel.EMAIL)
    withdrawn(by_email["post@example.ro"], ConsentPurpose.THANK_YOU, ConsentChannel.POST)
    on_list(by_email["confirmed@example.ro"], news, SubscriptionStatus.CONFIRMED)
    on_list(by_email["left@example.ro"], news, SubscriptionStatus.UNSUBSCRIBED)
    on_list(by_email["left.with.consent@example.ro"], news, SubscriptionStatus.UNSUBSCRIBED)
    return made


@pytest.mark.parametrize("channel", [ConsentChannel.EMAIL, ConsentChannel.POST, ConsentChannel.SMS])
@pytest.mark.parametrize("purpose", list(ContactPurpose))
@pytest.mark.parametrize("with_list", [False, True])
def test_the_bulk_form_agrees_with_the_single_one(cast, news, purpose, channel, with_list):
    customers = everyone(cast, news)
    lists = list_standing(cast.shop, [news.pk]) if with_list else None
    single = {c.pk: contact_allowed(c, purpose, channel, lists=lists).reason for c in customers}
    everyone_in_shop = Customer.objects.for_workspace(cast.shop)

    annotated = dict(
        contact_refused_annotate(everyone_in_shop, purpose, channel, lists=lists).values_list(
            "pk", "contact_refused"
        )
    )
    allowed = set(
        contactable(everyone_in_shop, purpose, channel, lists=lists).values_list("pk", flat=True)
    )
    counts = contact_refusals(everyone_in_shop, purpose, channel, lists=lists)

    assert annotated == single
    assert allowed == {pk for pk, reason in single.items() if reason is None}
    assert counts == Counter(reason for reason in single.values() if reason is not None)


def test_the_bulk_form_costs_one_query_however_many_customers(
    cast, news, django_assert_num_queries
):
    everyone(cast, news)
    shop = Customer.objects.for_workspace(cast.shop)
    lists = list_standing(cast.shop, [news.pk])

    with django_assert_num_queries(1):
        list(contactable(shop, ContactPurpose.MARKETING, lists=lists))
    with django_assert_num_queries(1):
        contact_refusals(shop, ContactPurpose.MARKETING, lists=lists)


# What a page shows -------------------------------------------------------------------------


def test_every_reason_reads_in_english_and_romanian():
    with translation.override("en"):
        english = {reason: str(reason.label) for reason in NotAllowedReason}
    with translation.override("ro"):
        romanian = {reason: str(reason.label) for reason in NotAllowedReason}
    assert english[NotAllowedReason.UNSUBSCRIBED_FROM_LIST] == "Unsubscribed from this list"
    assert [reason for reason in NotAllowedReason if romanian[reason] == english[reason]] == []


def test_the_app_exports_the_one_function():
    assert clientela.mail.contact_allowed is contact_allowed
