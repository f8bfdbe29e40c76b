"""The customer page's e-mail addresses and consents: listed to every member, changed by agents."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine

from clientela.customers.models import Consent, Customer, CustomerEmail
from clientela.customers.services import (
    consent_grant,
    consent_record_withdraw,
    customer_create,
    customer_email_add,
)
from clientela.timeline.models import Event
from tests.web.conftest import post

pytestmark = pytest.mark.django_db


def _page(client: Any, customer: Customer) -> str:
    return client.get(f"/w/alice/customers/{customer.pk}/").content.decode()


def _addresses(customer: Customer) -> list[tuple[str, bool]]:
    rows = CustomerEmail.objects.filter(customer=customer).order_by("address")
    return list(rows.values_list("address", "is_primary"))


def _told(response: Any) -> list[tuple[str, str]]:
    """The messages shown on the page a form's redirect led to."""
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r'<li class="(success|error)">([^<]+)</li>', html)


def _history(customer: Customer) -> list[tuple[str, Any, Any, Any]]:
    rows = Event.objects.filter(customer=customer).exclude(
        kind__in=["customer.created", "order.created"]
    )
    return [(e.kind, e.actor, e.old, e.new) for e in rows.order_by("id")]


def _forms(html: str) -> list[str]:
    return re.findall(r'<form method="post"[^>]*action="([^"]+)"', html)


def test_an_agent_sees_the_address_forms_and_a_viewer_only_the_list(cast, shop, client_for):
    ioana = shop.customer
    work = customer_email_add(customer=ioana, address="ioana@work.example.com", actor=None)
    base = f"/w/alice/customers/{ioana.pk}"

    agent_page = _page(client_for(cast.teammate), ioana)
    viewer_page = _page(client_for(cast.viewer), ioana)

    listed = r'<li data-email="([^"]+)">'
    assert re.findall(listed, agent_page) == ["ioana@example.com", "ioana@work.example.com"]
    assert re.findall(listed, viewer_page) == ["ioana@example.com", "ioana@work.example.com"]
    assert 'ioana@example.com <span class="muted">(primary)</span>' in viewer_page
    contact_forms = [url for url in _forms(agent_page) if "/emails/" in url or "/consents/" in url]
    assert contact_forms == [
        f"{base}/emails/{work.pk}/primary/",
        f"{base}/emails/{work.pk}/remove/",
        f"{base}/emails/",
        f"{base}/consents/",
    ]
    assert [url for url in _forms(viewer_page) if url.startswith(base)] == []


def test_an_agent_adds_an_address_and_is_told_so(cast, shop, client_for):
    client = client_for(cast.teammate)
    url = f"/w/alice/customers/{shop.customer.pk}/emails/"

    response = post(client, url, {"address": " Ioana@Work.Example.COM "}, follow=True)

    assert response.redirect_chain == [(f"/w/alice/customers/{shop.customer.pk}/#emails", 302)]
    assert _told(response) == [("success", "Address ioana@work.example.com added.")]
    assert _addresses(shop.customer) == [
        ("ioana@example.com", True),
        ("ioana@work.example.com", False),
    ]
    assert _history(shop.customer) == [
        (
            "customer.email_added",
            cast.teammate,
            None,
            {"address": "ioana@work.example.com", "is_primary": False},
        )
    ]


@pytest.mark.parametrize(
    "address, message",
    [
        ("dan@example.com", "Another customer already uses dan@example.com"),
        ("IOANA@example.com", "This customer already has the address ioana@example.com"),
        ("ioana@", "Not a valid e-mail address: “ioana@”"),
        ("", "New address: This field is required."),
    ],
)
def test_a_refused_address_is_explained_and_nothing_changes(
    cast, shop, client_for, address, message
):
    customer_create(workspace=cast.shop, actor=cast.owner, email="dan@example.com")
    before = Event.objects.count()

    response = post(
        client_for(cast.owner),
        f"/w/alice/customers/{shop.customer.pk}/emails/",
        {"address": address},
        follow=True,
    )

    assert response.status_code == 200
    assert re.findall(r'<li class="error">([^<]+)</li>', response.content.decode()) == [message]
    assert _addresses(shop.customer) == [("ioana@example.com", True)]
    assert Event.objects.count() == before


def test_an_address_is_made_primary_then_the_old_one_removed(cast, shop, client_for):
    client = client_for(cast.manager)
    ioana = shop.customer
    work = customer_email_add(customer=ioana, address="ioana@work.example.com", actor=None)
    old = CustomerEmail.objects.get(customer=ioana, address="ioana@example.com")
    base = f"/w/alice/customers/{ioana.pk}/emails"

    made = post(client, f"{base}/{work.pk}/primary/", follow=True)
    removed = post(client, f"{base}/{old.pk}/remove/", follow=True)

    assert _told(made) == [("success", "ioana@work.example.com is now the primary address.")]
    assert _told(removed) == [("success", "Address ioana@example.com removed.")]
    assert _addresses(ioana) == [("ioana@work.example.com", True)]
    ioana.refresh_from_db()
    assert ioana.email == "ioana@work.example.com"
    assert _history(ioana)[1:] == [
        (
            "customer.primary_email_changed",
            cast.manager,
            {"email": "ioana@example.com"},
            {"email": "ioana@work.example.com"},
        ),
        ("customer.email_removed", cast.manager, {"address": "ioana@example.com"}, None),
    ]
    page = _page(client, ioana)
    kinds = re.findall(r'<span class="kind" data-kind="customer\.[a-z_]+">([^<]+)</span>', page)
    assert kinds[:2] == ["E-mail address removed", "Primary e-mail address changed"]


def test_the_primary_address_is_not_removed(cast, shop, client_for):
    customer_email_add(customer=shop.customer, address="ioana@work.example.com", actor=None)
    primary = CustomerEmail.objects.get(customer=shop.customer, is_primary=True)
    before = Event.objects.count()

    response = post(
        client_for(cast.owner),
        f"/w/alice/customers/{shop.customer.pk}/emails/{primary.pk}/remove/",
        follow=True,
    )

    assert _told(response) == [
        ("error", "ioana@example.com is the primary address; make another address primary first.")
    ]
    assert _addresses(shop.customer) == [
        ("ioana@example.com", True),
        ("ioana@work.example.com", False),
    ]
    assert Event.objects.count() == before


@time_machine.travel("2026-11-23 10:00:00+00:00", tick=False)
def test_an_agent_records_a_consent_with_the_requests_ip(cast, shop, client_for):
    client = client_for(cast.teammate)

    response = post(
        client,
        f"/w/alice/customers/{shop.customer.pk}/consents/",
        {"purpose": "thank_you", "channel": "post"},
        REMOTE_ADDR="198.51.100.7",
        follow=True,
    )

    assert response.redirect_chain == [(f"/w/alice/customers/{shop.customer.pk}/#consents", 302)]
    assert _told(response) == [("success", "Consent recorded: Thank-you letters by Post.")]
    consent = Consent.objects.get()
    assert (
        consent.customer,
        consent.purpose,
        consent.channel,
        consent.source,
        consent.ip,
        consent.withdrawn_at,
    ) == (shop.customer, "thank_you", "post", "manual", "198.51.100.7", None)
    assert consent.granted_at.isoformat() == "2026-11-23T10:00:00+00:00"
    assert _history(shop.customer) == [
        (
            "consent.granted",
            cast.teammate,
            None,
            {"purpose": "thank_you", "channel": "post", "source": "manual", "ip": "198.51.100.7"},
        )
    ]
    row = re.search(r'<tr data-consent="\d+">(.*?)</tr>', _page(client, shop.customer), re.S)
    assert row is not None
    cells = [
        re.sub(r"<[^>]+>|\s+", " ", cell).strip()
        for cell in re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
    ]
    # Shown in the shop's time zone (Bucharest, two hours ahead in November), the source in
    # words.
    assert cells == [
        "Thank-you letters",
        "Post",
        "Recorded by the team",
        "23 November 2026, 12:00",
        "198.51.100.7",
        "Withdraw",
    ]


@pytest.mark.parametrize(
    "data", [{"purpose": "spam", "channel": "email"}, {"purpose": "marketing"}]
)
def test_a_consent_form_with_bad_choices_records_nothing(cast, shop, client_for, data):
    response = post(
        client_for(cast.owner),
        f"/w/alice/customers/{shop.customer.pk}/consents/",
        data,
        follow=True,
    )

    assert [level for level, _ in _told(response)] == ["error"]
    assert Consent.objects.count() == 0


@time_machine.travel("2026-11-23 10:00:00+00:00", tick=False)
def test_an_agent_withdraws_a_consent_and_the_page_shows_when(cast, shop, client_for):
    consent = consent_grant(
        customer=shop.customer,
        purpose="marketing",
        channel="email",
        source="shop",
        ip=None,
        actor=None,
    )
    client = client_for(cast.teammate)
    url = f"/w/alice/customers/{shop.customer.pk}/consents/{consent.pk}/withdraw/"

    first = post(client, url, REMOTE_ADDR="198.51.100.8", follow=True)
    again = post(client, url, follow=True)

    assert _told(first) == [("success", "Consent withdrawn: Promotions and newsletters by E-mail.")]
    assert _told(again) == [("error", "This consent was already withdrawn.")]
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_at.isoformat() == "2026-11-23T10:00:00+00:00"
    assert _history(shop.customer)[1:] == [
        (
            "consent.withdrawn",
            cast.teammate,
            {"purpose": "marketing", "channel": "email", "withdrawn_at": None},
            {"withdrawn_at": "2026-11-23T10:00:00+00:00", "source": "manual", "ip": "198.51.100.8"},
        )
    ]
    page = _page(client, shop.customer)
    assert '<time datetime="2026-11-23T12:00:00+02:00">23 November 2026, 12:00</time>' in page
    assert "/withdraw/" not in page


def test_a_viewer_sees_consents_without_a_withdraw_button(cast, shop, client_for):
    consent = consent_grant(
        customer=shop.customer,
        purpose="marketing",
        channel="sms",
        source="shop",
        ip=None,
        actor=None,
    )

    page = _page(client_for(cast.viewer), shop.customer)

    assert f'<tr data-consent="{consent.pk}">' in page
    assert "/withdraw/" not in page
    assert "Record consent" not in page


def test_a_viewer_cannot_change_addresses_or_consents(cast, shop, client_for):
    ioana = shop.customer
    work = customer_email_add(customer=ioana, address="ioana@work.example.com", actor=None)
    consent = consent_grant(
        customer=ioana, purpose="marketing", channel="email", source="shop", ip=None, actor=None
    )
    client = client_for(cast.viewer)
    base = f"/w/alice/customers/{ioana.pk}"
    before = Event.objects.count()

    answers = [
        post(client, f"{base}/emails/", {"address": "x@example.com"}).status_code,
        post(client, f"{base}/emails/{work.pk}/primary/").status_code,
        post(client, f"{base}/emails/{work.pk}/remove/").status_code,
        post(client, f"{base}/consents/", {"purpose": "marketing", "channel": "post"}).status_code,
        post(client, f"{base}/consents/{consent.pk}/withdraw/").status_code,
    ]

    assert answers == [403] * 5
    assert _addresses(ioana) == [("ioana@example.com", True), ("ioana@work.example.com", False)]
    assert list(Consent.objects.values_list("pk", "withdrawn_at")) == [(consent.pk, None)]
    assert Event.objects.count() == before


def test_objects_of_another_workspace_or_customer_are_not_found(cast, shop, client_for):
    foreign = shop.foreign_customer
    theirs = customer_email_add(customer=foreign, address="dan2@example.com", actor=None)
    their_consent = consent_grant(
        customer=foreign, purpose="marketing", channel="email", source="x", ip=None, actor=None
    )
    mine = customer_email_add(customer=shop.customer, address="ioana2@example.com", actor=None)
    my_consent = consent_grant(
        customer=shop.customer,
        purpose="marketing",
        channel="email",
        source="x",
        ip=None,
        actor=None,
    )
    client = client_for(cast.owner)
    own, other = f"/w/alice/customers/{shop.customer.pk}", f"/w/alice/customers/{foreign.pk}"
    before = Event.objects.count()

    answers = [
        post(client, f"{other}/emails/", {"address": "x@example.com"}).status_code,
        post(client, f"{other}/emails/{theirs.pk}/primary/").status_code,
        post(client, f"{other}/emails/{theirs.pk}/remove/").status_code,
        post(client, f"{other}/consents/", {"purpose": "marketing", "channel": "post"}).status_code,
        post(client, f"{other}/consents/{their_consent.pk}/withdraw/").status_code,
        # Their objects under Ioana's address, and Ioana's under theirs.
        post(client, f"{own}/emails/{theirs.pk}/primary/").status_code,
        post(client, f"{own}/emails/{theirs.pk}/remove/").status_code,
        post(client, f"{own}/consents/{their_consent.pk}/withdraw/").status_code,
        post(client, f"{other}/emails/{mine.pk}/primary/").status_code,
        post(client, f"{other}/consents/{my_consent.pk}/withdraw/").status_code,
    ]

    assert answers == [404] * 10
    assert _addresses(foreign) == [("dan2@example.com", False), ("dan@example.com", True)]
    assert Consent.objects.filter(withdrawn_at__isnull=False).count() == 0
    assert Event.objects.count() == before


def test_a_withdrawn_consent_of_the_page_stays_listed(cast, shop, client_for):
    consent = consent_grant(
        customer=shop.customer, purpose="win_back", channel="email", source="x", ip=None, actor=None
    )
    consent_record_withdraw(consent=consent, actor=cast.owner, source="manual")

    page = _page(client_for(cast.owner), shop.customer)

    assert f'<tr data-consent="{consent.pk}"><td>Win-back messages</td>' in page
