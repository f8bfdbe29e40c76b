"""A customer's e-mail addresses and consents through the API: exact bodies, one row per change."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine

from clientela.customers.models import Consent, Customer, CustomerEmail
from clientela.customers.services import consent_grant, customer_create, customer_email_add
from clientela.timeline.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(cast: Any) -> Customer:
    return customer_create(workspace=cast.shop, actor=cast.owner, email="ana@example.com")


def _history(customer: Customer) -> list[tuple[str, Any, Any, Any]]:
    rows = Event.objects.filter(customer=customer).exclude(kind="customer.created")
    return [(e.kind, e.actor, e.old, e.new) for e in rows.order_by("id")]


def _addresses(customer: Customer) -> list[tuple[str, bool]]:
    rows = CustomerEmail.objects.filter(customer=customer).order_by("address")
    return list(rows.values_list("address", "is_primary"))


def test_addresses_are_listed_primary_first(cast, ana, api_as):
    work = customer_email_add(customer=ana, address="ana@work.example.com", actor=None)
    zed = customer_email_add(customer=ana, address="a@zed.example.com", actor=None)
    primary = CustomerEmail.objects.get(customer=ana, is_primary=True)

    response = api_as("viewer").get(f"/customers/{ana.pk}/emails")

    assert response.status_code == 200
    assert response.json() == [
        {"id": primary.pk, "address": "ana@example.com", "is_primary": True},
        {"id": zed.pk, "address": "a@zed.example.com", "is_primary": False},
        {"id": work.pk, "address": "ana@work.example.com", "is_primary": False},
    ]


def test_an_agent_adds_an_address_normalised(cast, ana, api_as):
    response = api_as("agent").post(
        f"/customers/{ana.pk}/emails", {"address": " Ana@Work.Example.COM "}
    )

    assert response.status_code == 201
    row = CustomerEmail.objects.get(address="ana@work.example.com")
    assert response.json() == {"id": row.pk, "address": "ana@work.example.com", "is_primary": False}
    assert _addresses(ana) == [("ana@example.com", True), ("ana@work.example.com", False)]
    assert _history(ana) == [
        (
            "customer.email_added",
            cast.teammate,
            None,
            {"address": "ana@work.example.com", "is_primary": False},
        )
    ]


@pytest.mark.parametrize(
    "address, message",
    [
        ("dan@example.com", "Another customer already uses dan@example.com"),
        ("ANA@example.com", "This customer already has the address ana@example.com"),
        ("nope", "Not a valid e-mail address: “nope”"),
    ],
)
def test_an_address_the_domain_refuses_is_a_422_and_changes_nothing(
    cast, ana, owner_api, address, message
):
    customer_create(workspace=cast.shop, actor=cast.owner, email="dan@example.com")
    before = Event.objects.count()

    response = owner_api.post(f"/customers/{ana.pk}/emails", {"address": address})

    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": ["body", "payload", "address"], "msg": message, "type": "value_error"}]
    }
    assert _addresses(ana) == [("ana@example.com", True)]
    assert Event.objects.count() == before


@pytest.mark.parametrize(
    "body", [{}, {"address": ""}, {"address": 5}, {"address": "a@example.com", "primary": True}]
)
def test_a_body_outside_the_schema_is_a_422(cast, ana, owner_api, body):
    response = owner_api.post(f"/customers/{ana.pk}/emails", body)

    assert response.status_code == 422
    assert _addresses(ana) == [("ana@example.com", True)]


def test_making_an_address_primary_answers_with_it_and_moves_the_customer_copy(cast, ana, api_as):
    work = customer_email_add(customer=ana, address="ana@work.example.com", actor=None)

    response = api_as("manager").post(f"/customers/{ana.pk}/emails/{work.pk}/primary", None)

    assert response.status_code == 200
    assert response.json() == {"id": work.pk, "address": "ana@work.example.com", "is_primary": True}
    assert _addresses(ana) == [("ana@example.com", False), ("ana@work.example.com", True)]
    assert api_as("viewer").get(f"/customers/{ana.pk}").json()["email"] == "ana@work.example.com"
    assert _history(ana)[-1] == (
        "customer.primary_email_changed",
        cast.manager,
        {"email": "ana@example.com"},
        {"email": "ana@work.example.com"},
    )


def test_removing_a_secondary_address_is_a_204(cast, ana, owner_api):
    work = customer_email_add(customer=ana, address="ana@work.example.com", actor=None)

    response = owner_api.delete(f"/customers/{ana.pk}/emails/{work.pk}")

    assert (response.status_code, response.content) == (204, b"")
    assert _addresses(ana) == [("ana@example.com", True)]
    assert _history(ana)[-1] == (
        "customer.email_removed",
        cast.owner,
        {"address": "ana@work.example.com"},
        None,
    )


def test_removing_the_primary_address_is_a_422(cast, ana, owner_api):
    customer_email_add(customer=ana, address="ana@work.example.com", actor=None)
    primary = CustomerEmail.objects.get(customer=ana, is_primary=True)
    before = Event.objects.count()

    response = owner_api.delete(f"/customers/{ana.pk}/emails/{primary.pk}")

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["path", "email_id"],
                "msg": (
                    "ana@example.com is the primary address; make another address primary first."
                ),
                "type": "value_error",
            }
        ]
    }
    assert _addresses(ana) == [("ana@example.com", True), ("ana@work.example.com", False)]
    assert Event.objects.count() == before


def test_an_address_of_another_customer_of_the_shop_is_not_found(cast, ana, owner_api):
    dan = customer_create(workspace=cast.shop, actor=cast.owner, email="dan@example.com")
    dans = customer_email_add(customer=dan, address="dan@work.example.com", actor=None)
    before = Event.objects.count()

    delete = owner_api.delete(f"/customers/{ana.pk}/emails/{dans.pk}")
    primary = owner_api.post(f"/customers/{ana.pk}/emails/{dans.pk}/primary", None)

    assert (delete.status_code, primary.status_code) == (404, 404)
    assert _addresses(dan) == [("dan@example.com", True), ("dan@work.example.com", False)]
    assert Event.objects.count() == before


def test_another_workspaces_customer_and_address_are_not_found(cast, owner_api):
    theirs = customer_create(workspace=cast.other_shop, actor=cast.outsider, email="t@example.com")
    second = customer_email_add(customer=theirs, address="t2@example.com", actor=None)
    consent = consent_grant(
        customer=theirs, purpose="marketing", channel="email", source="x", ip=None, actor=None
    )
    before = (Event.objects.count(), _addresses(theirs), list(Consent.objects.values()))

    answers = [
        owner_api.get(f"/customers/{theirs.pk}/emails"),
        owner_api.post(f"/customers/{theirs.pk}/emails", {"address": "n@example.com"}),
        owner_api.delete(f"/customers/{theirs.pk}/emails/{second.pk}"),
        owner_api.post(f"/customers/{theirs.pk}/emails/{second.pk}/primary", None),
        owner_api.get(f"/customers/{theirs.pk}/consents"),
        owner_api.post(
            f"/customers/{theirs.pk}/consents", {"purpose": "marketing", "channel": "post"}
        ),
        owner_api.post(f"/customers/{theirs.pk}/consents/{consent.pk}/withdraw", None),
    ]

    assert [(r.status_code, r.json()) for r in answers] == [(404, {"detail": "Not found."})] * 7
    assert (Event.objects.count(), _addresses(theirs), list(Consent.objects.values())) == before


def test_a_viewer_may_read_but_not_change_addresses_or_consents(cast, ana, api_as):
    work = customer_email_add(customer=ana, address="ana@work.example.com", actor=None)
    viewer = api_as("viewer")
    before = Event.objects.count()

    answers = [
        viewer.post(f"/customers/{ana.pk}/emails", {"address": "n@example.com"}).status_code,
        viewer.delete(f"/customers/{ana.pk}/emails/{work.pk}").status_code,
        viewer.post(f"/customers/{ana.pk}/emails/{work.pk}/primary", None).status_code,
        viewer.post(
            f"/customers/{ana.pk}/consents", {"purpose": "marketing", "channel": "email"}
        ).status_code,
    ]

    assert answers == [403, 403, 403, 403]
    assert _addresses(ana) == [("ana@example.com", True), ("ana@work.example.com", False)]
    assert Consent.objects.count() == 0
    assert Event.objects.count() == before


@time_machine.travel("2026-11-23 10:00:00+00:00", tick=False)
def test_a_consent_is_recorded_with_the_callers_ip_and_listed(cast, ana, api_as):
    agent = api_as("agent")
    response = agent.client.post(
        f"/api/v1/customers/{ana.pk}/consents",
        data=json.dumps({"purpose": "thank_you", "channel": "post", "source": "shop counter"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {agent.token}"},
        REMOTE_ADDR="198.51.100.4",
    )

    assert response.status_code == 201
    consent = Consent.objects.get()
    expected = {
        "id": consent.pk,
        "purpose": "thank_you",
        "channel": "post",
        "source": "shop counter",
        "granted_at": "2026-11-23T10:00:00Z",
        "ip": "198.51.100.4",
        "withdrawn_at": None,
    }
    assert response.json() == expected
    assert api_as("viewer").get(f"/customers/{ana.pk}/consents").json() == [expected]
    assert _history(ana) == [
        (
            "consent.granted",
            cast.teammate,
            None,
            {
                "purpose": "thank_you",
                "channel": "post",
                "source": "shop counter",
                "ip": "198.51.100.4",
            },
        )
    ]


def test_a_consent_without_a_source_is_marked_as_from_the_api(cast, ana, owner_api):
    response = owner_api.post(
        f"/customers/{ana.pk}/consents", {"purpose": "marketing", "channel": "email"}
    )

    assert response.status_code == 201
    assert (response.json()["source"], response.json()["ip"]) == ("api", "127.0.0.1")


@pytest.mark.parametrize(
    "body",
    [
        {"purpose": "spam", "channel": "email"},
        {"purpose": "marketing", "channel": "pigeon"},
        {"purpose": "marketing"},
        {"purpose": "marketing", "channel": "email", "source": ""},
        {"purpose": "marketing", "channel": "email", "ip": "192.0.2.1"},
    ],
)
def test_a_consent_outside_the_schema_is_a_422(cast, ana, owner_api, body):
    response = owner_api.post(f"/customers/{ana.pk}/consents", body)

    assert response.status_code == 422
    assert Consent.objects.count() == 0


@time_machine.travel("2026-11-23 10:00:00+00:00", tick=False)
def test_withdrawing_answers_with_the_record_and_twice_is_a_422(cast, ana, owner_api):
    consent = consent_grant(
        customer=ana, purpose="marketing", channel="email", source="form", ip=None, actor=None
    )
    url = f"/customers/{ana.pk}/consents/{consent.pk}/withdraw"

    first = owner_api.post(url, None)
    second = owner_api.post(url, None)

    assert first.status_code == 200
    assert first.json()["withdrawn_at"] == "2026-11-23T10:00:00Z"
    assert (first.json()["id"], first.json()["source"]) == (consent.pk, "form")
    assert second.status_code == 422
    assert second.json()["detail"] == [
        {
            "loc": ["path", "consent_id"],
            "msg": "This consent was already withdrawn.",
            "type": "value_error",
        }
    ]
    assert _history(ana)[-1] == (
        "consent.withdrawn",
        cast.owner,
        {"purpose": "marketing", "channel": "email", "withdrawn_at": None},
        {"withdrawn_at": "2026-11-23T10:00:00+00:00", "source": "api", "ip": "127.0.0.1"},
    )
    assert Event.objects.filter(kind="consent.withdrawn").count() == 1
