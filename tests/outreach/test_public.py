"""Customers' pages without login: one-click unsubscribe (RFC 8058), double opt-in, preferences."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlparse

import pytest
from django.test import Client

from clientela.customers.models import Consent, Customer
from clientela.mail.models import Outbox, OutboxKind, SuppressedAddress
from clientela.mail.services import outbox_enqueue
from clientela.mail.verp import unsubscribe_url
from clientela.outreach.models import Subscription
from clientela.outreach.rendering import Rendered
from clientela.outreach.services.drafts import outbox_draft
from clientela.outreach.services.lists import mailing_list_create, preferences_url
from clientela.timeline.models import Event
from tests.web.conftest import post


def _marketing(customer, key: str) -> Outbox:  # type: ignore[no-untyped-def]
    draft = outbox_draft(
        customer=customer,
        address=customer.email,
        kind=OutboxKind.MARKETING,
        source_type="campaign",
        source_id=7,
        dedup_key=key,
        message=Rendered("s", "b", ""),
        language="ro",
    )
    row = outbox_enqueue(workspace=customer.workspace, draft=draft)
    assert row is not None
    return row


def _path(url: str) -> str:
    return urlparse(url).path


@pytest.fixture
def queued(cast, build):  # type: ignore[no-untyped-def]
    customer = build.customer(cast.shop, "ana@example.com")
    rows = [_marketing(customer, "a"), _marketing(customer, "b")]
    other = _marketing(build.customer(cast.shop, "ion@example.com"), "c")
    return customer, rows, other


def test_get_shows_a_button_and_unsubscribes_nobody(queued) -> None:  # type: ignore[no-untyped-def]
    _customer, rows, _other = queued
    response = Client().get(_path(unsubscribe_url(rows[0].pk)))
    assert response.status_code == 200
    assert 'name="List-Unsubscribe" value="One-Click"' in response.content.decode()
    assert SuppressedAddress.objects.count() == 0
    assert set(Outbox.objects.values_list("status", flat=True)) == {"queued"}


def test_one_click_post_needs_no_cookie_or_csrf_and_stops_queued_mail(queued) -> None:  # type: ignore[no-untyped-def]
    customer, rows, other = queued
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        _path(unsubscribe_url(rows[0].pk)),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    suppressed = SuppressedAddress.objects.get()
    assert (suppressed.address, suppressed.reason, suppressed.source) == (
        "ana@example.com",
        "unsubscribe",
        "unsubscribe:campaign:7",
    )
    assert [r.status for r in Outbox.objects.filter(pk__in=[r.pk for r in rows])] == [
        "suppressed",
        "suppressed",
    ]
    other.refresh_from_db()
    assert other.status == "queued"
    consent = Consent.objects.get(customer=customer)
    assert consent.withdrawn_at is not None
    assert Event.objects.filter(kind="customer.unsubscribed", customer=customer).count() == 1


def test_a_post_without_the_one_click_body_is_refused(queued) -> None:  # type: ignore[no-untyped-def]
    _customer, rows, _other = queued
    response = Client().post(_path(unsubscribe_url(rows[0].pk)), {"x": "y"})
    assert response.status_code == 400
    assert SuppressedAddress.objects.count() == 0


def test_a_forged_token_is_not_found(queued) -> None:  # type: ignore[no-untyped-def]
    _customer, rows, _other = queued
    forged = _path(unsubscribe_url(rows[0].pk)).replace("/u/", "/u/x")
    assert Client().post(forged, {"List-Unsubscribe": "One-Click"}).status_code == 404
    assert SuppressedAddress.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_mail_client_one_click_over_real_http(live_server, cast, build) -> None:  # type: ignore[no-untyped-def]
    customer = build.customer(cast.shop, "ana@example.com")
    row = _marketing(customer, "a")
    queued = _marketing(customer, "b")
    url = live_server.url + _path(unsubscribe_url(row.pk))
    request = urllib.request.Request(
        url,
        data=b"List-Unsubscribe=One-Click",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    assert (
        SuppressedAddress.objects.filter(workspace=cast.shop, address="ana@example.com").count()
        == 1
    )
    queued.refresh_from_db()
    assert queued.status == "suppressed"


def test_double_opt_in(cast, build) -> None:  # type: ignore[no-untyped-def]
    mailing_list = mailing_list_create(workspace=cast.shop, actor=cast.owner, name="Noutăți")
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/s/{mailing_list.public_token}/")
    assert page.status_code == 200
    assert (
        client.post(f"/s/{mailing_list.public_token}/", {"email": "nou@example.com"}).status_code
        == 403
    )  # no CSRF token
    response = post(
        client,
        f"/s/{mailing_list.public_token}/",
        {"email": "Nou@Example.com"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 200
    customer = Customer.objects.get(email="nou@example.com")
    subscription = Subscription.objects.get()
    assert (subscription.status, subscription.ip, subscription.source) == (
        "pending",
        "203.0.113.9",
        "form",
    )
    mail = Outbox.objects.get()
    assert (mail.kind, mail.to_address) == ("transactional", "nou@example.com")
    assert f"/s/confirm/{subscription.confirm_token}/" in mail.body_text
    assert Consent.objects.count() == 0

    confirm = f"/s/confirm/{subscription.confirm_token}/"
    assert client.get(confirm).status_code == 200
    assert Subscription.objects.get().status == "pending"  # a GET confirms nothing
    assert post(client, confirm, REMOTE_ADDR="203.0.113.9").status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == "confirmed"
    consent = Consent.objects.get()
    assert (consent.customer, consent.purpose, consent.channel, consent.ip) == (
        customer,
        "marketing",
        "email",
        "203.0.113.9",
    )
    assert Client().get("/s/confirm/nonsense/").status_code == 404
    assert Client().get("/s/nonsense/").status_code == 404


def test_preference_centre(cast, build) -> None:  # type: ignore[no-untyped-def]
    news = mailing_list_create(workspace=cast.shop, actor=cast.owner, name="Noutăți")
    offers = mailing_list_create(workspace=cast.shop, actor=cast.owner, name="Oferte")
    customer = build.customer(cast.shop, "ana@example.com")
    url = _path(preferences_url(customer))
    client = Client(enforce_csrf_checks=True)
    assert client.get(url).status_code == 200
    post(client, url, {"lists": [str(news.pk)]})
    assert list(Subscription.objects.values_list("mailing_list", "status")) == [
        (news.pk, "confirmed")
    ]
    post(client, url, {"lists": [str(offers.pk)]})
    assert dict(Subscription.objects.values_list("mailing_list", "status")) == {
        news.pk: "unsubscribed",
        offers.pk: "confirmed",
    }
    post(client, url, {"all": "unsubscribe"})
    assert set(Subscription.objects.values_list("status", flat=True)) == {"unsubscribed"}
    assert SuppressedAddress.objects.get().address == "ana@example.com"
    assert Client().get(url.replace("/p/", "/p/0")).status_code == 404


def test_posting_the_form_again_soon_sends_no_second_mail(cast, build) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from clientela.outreach.services.lists import subscription_request

    mailing_list = mailing_list_create(workspace=cast.shop, actor=cast.owner, name="Noutăți")
    first = subscription_request(
        mailing_list=mailing_list, email="x@example.com", ip=None, source="form"
    )
    again = subscription_request(
        mailing_list=mailing_list, email="x@example.com", ip=None, source="form"
    )
    assert again.confirm_token == first.confirm_token
    assert Outbox.objects.count() == 1
    Subscription.objects.update(created_at=first.created_at - timedelta(minutes=11))
    later = subscription_request(
        mailing_list=mailing_list, email="x@example.com", ip=None, source="form"
    )
    assert later.confirm_token != first.confirm_token
    assert Outbox.objects.count() == 2
