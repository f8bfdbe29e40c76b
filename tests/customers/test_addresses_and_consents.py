"""A customer's e-mail addresses and consents changed by hand: one timeline row per change."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from clientela.customers.models import Consent, Customer, CustomerEmail
from clientela.customers.services import (
    CustomerError,
    consent_active,
    consent_grant,
    consent_record_withdraw,
    customer_create,
    customer_email_add,
    customer_email_make_primary,
    customer_email_remove,
    customer_update,
)
from clientela.timeline.models import Event

pytestmark = pytest.mark.django_db


def _history(customer: Customer) -> list[tuple[str, Any, Any, Any]]:
    rows = Event.objects.filter(customer=customer).exclude(kind="customer.created")
    return [(e.kind, e.actor, e.old, e.new) for e in rows.order_by("id")]


def _addresses(customer: Customer) -> list[tuple[str, bool]]:
    rows = CustomerEmail.objects.filter(customer=customer).order_by("address")
    return list(rows.values_list("address", "is_primary"))


@pytest.fixture
def ana(cast: Any) -> Customer:
    return customer_create(
        workspace=cast.shop, actor=cast.owner, email="ana@example.ro", first_name="Ana"
    )


def test_a_second_address_is_added_normalised_and_not_primary(cast, ana):
    row = customer_email_add(customer=ana, address=" Ana@Work.Example.RO ", actor=cast.teammate)

    assert (row.address, row.is_primary, row.workspace) == ("ana@work.example.ro", False, cast.shop)
    assert _addresses(ana) == [("ana@example.ro", True), ("ana@work.example.ro", False)]
    ana.refresh_from_db()
    assert ana.email == "ana@example.ro"
    assert _history(ana) == [
        (
            "customer.email_added",
            cast.teammate,
            None,
            {"address": "ana@work.example.ro", "is_primary": False},
        )
    ]


def test_the_first_address_of_a_customer_without_one_becomes_primary(cast):
    ion = customer_create(workspace=cast.shop, actor=cast.owner, first_name="Ion")

    customer_email_add(customer=ion, address="ion@example.ro", actor=cast.owner)

    ion.refresh_from_db()
    assert (ion.email, ion.search_email) == ("ion@example.ro", "ion@example.ro")
    assert _addresses(ion) == [("ion@example.ro", True)]
    assert _history(ion) == [
        (
            "customer.email_added",
            cast.owner,
            None,
            {"address": "ion@example.ro", "is_primary": True},
        )
    ]


@pytest.mark.parametrize(
    "address, message",
    [
        ("dan@example.ro", "Another customer already uses dan@example.ro"),
        ("DAN@example.ro", "Another customer already uses dan@example.ro"),
        ("ana@example.ro", "This customer already has the address ana@example.ro"),
        ("not-an-address", "Not a valid e-mail address: “not-an-address”"),
        (
            "x@example.ro\nBcc: y@example.ro",
            "Not a valid e-mail address: “x@example.ro\nBcc: y@example.ro”",
        ),
    ],
)
def test_an_address_that_cannot_be_added_is_refused_and_nothing_changes(
    cast, ana, address, message
):
    customer_create(workspace=cast.shop, actor=cast.owner, email="dan@example.ro")
    before = Event.objects.count()

    with pytest.raises(CustomerError) as error:
        customer_email_add(customer=ana, address=address, actor=cast.owner)

    assert (error.value.field, error.value.message) == ("email", message)
    assert _addresses(ana) == [("ana@example.ro", True)]
    assert Event.objects.count() == before


def test_an_address_of_another_workspace_may_be_added(cast, ana):
    customer_create(workspace=cast.other_shop, actor=cast.outsider, email="ana@work.example.ro")

    customer_email_add(customer=ana, address="ana@work.example.ro", actor=cast.owner)

    assert _addresses(ana) == [("ana@example.ro", True), ("ana@work.example.ro", False)]


def test_making_an_address_primary_moves_the_flag_and_the_customer_copy(cast, ana):
    work = customer_email_add(customer=ana, address="ana@work.example.ro", actor=cast.owner)

    customer_email_make_primary(email=work, actor=cast.manager)

    assert _addresses(ana) == [("ana@example.ro", False), ("ana@work.example.ro", True)]
    ana.refresh_from_db()
    assert (ana.email, ana.search_email) == ("ana@work.example.ro", "ana@work.example.ro")
    assert _history(ana)[1:] == [
        (
            "customer.primary_email_changed",
            cast.manager,
            {"email": "ana@example.ro"},
            {"email": "ana@work.example.ro"},
        )
    ]


def test_making_the_primary_address_primary_changes_nothing(cast, ana):
    primary = CustomerEmail.objects.get(customer=ana)
    before = Event.objects.count()

    customer_email_make_primary(email=primary, actor=cast.owner)

    assert _addresses(ana) == [("ana@example.ro", True)]
    assert Event.objects.count() == before


def test_a_stale_primary_flag_is_read_again_before_deciding(cast, ana):
    work = customer_email_add(customer=ana, address="ana@work.example.ro", actor=cast.owner)
    stale = CustomerEmail.objects.get(pk=work.pk)
    customer_email_make_primary(email=work, actor=cast.owner)

    with pytest.raises(CustomerError):
        customer_email_remove(email=stale, actor=cast.owner)  # it is primary by now

    assert _addresses(ana) == [("ana@example.ro", False), ("ana@work.example.ro", True)]


def test_a_secondary_address_is_removed(cast, ana):
    work = customer_email_add(customer=ana, address="ana@work.example.ro", actor=cast.owner)

    customer_email_remove(email=work, actor=cast.teammate)

    assert _addresses(ana) == [("ana@example.ro", True)]
    ana.refresh_from_db()
    assert ana.email == "ana@example.ro"
    assert _history(ana)[1:] == [
        ("customer.email_removed", cast.teammate, {"address": "ana@work.example.ro"}, None)
    ]


def test_the_primary_address_cannot_be_removed(cast, ana):
    customer_email_add(customer=ana, address="ana@work.example.ro", actor=cast.owner)
    primary = CustomerEmail.objects.get(customer=ana, is_primary=True)
    before = Event.objects.count()

    with pytest.raises(CustomerError) as error:
        customer_email_remove(email=primary, actor=cast.owner)

    assert error.value.message == (
        "ana@example.ro is the primary address; make another address primary first."
    )
    assert _addresses(ana) == [("ana@example.ro", True), ("ana@work.example.ro", False)]
    assert Event.objects.count() == before


def test_the_only_address_cannot_be_removed_even_when_not_primary(cast, ana):
    customer_update(customer=ana, actor=cast.owner, email="")  # leaves it, no longer primary
    only = CustomerEmail.objects.get(customer=ana)
    before = Event.objects.count()

    with pytest.raises(CustomerError) as error:
        customer_email_remove(email=only, actor=cast.owner)

    assert (
        error.value.message
        == "ana@example.ro is the customer's only address and cannot be removed."
    )
    assert _addresses(ana) == [("ana@example.ro", False)]
    assert Event.objects.count() == before


def test_a_removed_address_is_free_for_another_customer(cast, ana):
    work = customer_email_add(customer=ana, address="ana@work.example.ro", actor=cast.owner)
    customer_email_remove(email=work, actor=cast.owner)

    other = customer_create(workspace=cast.shop, actor=cast.owner, email="ana@work.example.ro")

    assert _addresses(other) == [("ana@work.example.ro", True)]


@time_machine.travel("2026-11-23 10:00:00+00:00", tick=False)
def test_withdrawing_a_record_ends_every_active_one_of_its_purpose_and_channel(cast, ana):
    kinds = {"customer": ana, "source": "manual", "ip": "192.0.2.7", "actor": cast.owner}
    first = consent_grant(purpose="marketing", channel="email", **kinds)
    again = consent_grant(purpose="marketing", channel="email", **kinds)
    post = consent_grant(purpose="marketing", channel="post", **kinds)

    withdrawn = consent_record_withdraw(
        consent=first, actor=cast.teammate, source="manual", ip="192.0.2.8"
    )

    assert withdrawn.withdrawn_at is not None
    assert withdrawn.withdrawn_at.isoformat() == "2026-11-23T10:00:00+00:00"
    rows = Consent.objects.filter(customer=ana).order_by("pk")
    assert [(c.pk, c.withdrawn_at) for c in rows] == [
        (first.pk, withdrawn.withdrawn_at),
        (again.pk, withdrawn.withdrawn_at),
        (post.pk, None),
    ]
    assert not consent_active(customer=ana, purpose="marketing", channel="email")
    assert consent_active(customer=ana, purpose="marketing", channel="post")
    assert _history(ana)[-1] == (
        "consent.withdrawn",
        cast.teammate,
        {"purpose": "marketing", "channel": "email", "withdrawn_at": None},
        {"withdrawn_at": "2026-11-23T10:00:00+00:00", "source": "manual", "ip": "192.0.2.8"},
    )
    assert Event.objects.filter(kind="consent.withdrawn").count() == 1


def test_a_withdrawn_consent_cannot_be_withdrawn_again(cast, ana):
    consent = consent_grant(
        customer=ana, purpose="win_back", channel="sms", source="manual", ip=None, actor=None
    )
    consent_record_withdraw(consent=consent, actor=cast.owner, source="manual")
    before = (Event.objects.count(), Consent.objects.get().withdrawn_at)

    with pytest.raises(CustomerError) as error:
        consent_record_withdraw(consent=consent, actor=cast.owner, source="manual")

    assert (error.value.field, error.value.message) == (
        "consent",
        "This consent was already withdrawn.",
    )
    assert (Event.objects.count(), Consent.objects.get().withdrawn_at) == before
