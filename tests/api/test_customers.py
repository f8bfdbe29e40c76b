"""Customers through the API: exact results, one timeline row per change, nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from clientela.customers.models import Consent, ConsentChannel, ConsentPurpose, Customer, Tag
from clientela.customers.services import consent_grant, customer_create, customer_tags_set
from clientela.timeline.models import Event

pytestmark = pytest.mark.django_db

STAMP = "2026-11-23T10:00:00Z"


def _events(cast: Any) -> list[tuple[str, Any, Any]]:
    """The shop's timeline after the cast was set up, oldest first."""
    rows = Event.objects.for_workspace(cast.shop).exclude(
        kind__in=["workspace.created", "token.created"]
    )
    return [(e.kind, e.old, e.new) for e in rows.order_by("id")]


def _body(response: Any) -> Any:
    body = response.json()
    for key in ("created_at", "updated_at"):
        body.pop(key, None)
    for consent in body.get("consents", []):
        consent.pop("granted_at")
    return body


def test_create_normalises_the_email_tags_the_customer_and_records_both(cast, owner_api):
    response = owner_api.post(
        "/customers",
        {"email": " Ana@Example.TEST ", "first_name": "Ana", "tags": ["vip", "cluj"]},
    )

    assert response.status_code == 201
    customer = Customer.objects.get()
    assert _body(response) == {
        "id": customer.pk,
        "external_id": None,
        "display_name": "Ana",
        "first_name": "Ana",
        "last_name": "",
        "email": "ana@example.test",
        "emails": [
            {"id": customer.emails.get().pk, "address": "ana@example.test", "is_primary": True}
        ],
        "phone": "",
        "address_line": "",
        "city": "",
        "postal_code": "",
        "country": "RO",
        "language": "ro",
        "notes": "",
        "tags": ["cluj", "vip"],
        "consents": [],
    }
    assert customer.workspace == cast.shop
    assert [kind for kind, _, _ in _events(cast)] == ["customer.created", "customer.tags_changed"]
    assert _events(cast)[1][2] == {"tags": ["cluj", "vip"]}
    assert Event.objects.filter(kind="customer.created").get().actor == cast.owner


def test_a_refused_create_writes_nothing_and_names_the_field(cast, owner_api):
    customer_create(workspace=cast.shop, actor=cast.owner, email="ana@example.com")

    response = owner_api.post("/customers", {"email": "ANA@example.com", "tags": ["vip"]})

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "payload", "email"],
                "msg": "Another customer already uses ana@example.com",
                "type": "value_error",
            }
        ]
    }
    assert Customer.objects.count() == 1
    assert Tag.objects.count() == 0
    assert [kind for kind, _, _ in _events(cast)] == ["customer.created"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"email": "not an address"}, ["body", "payload", "email"]),
        ({"first_name": 7}, ["body", "payload", "first_name"]),
        ({"first_name": "x" * 101}, ["body", "payload", "first_name"]),
        ({"country": "ROU"}, ["body", "payload", "country"]),
        ({"language": "fr"}, ["body", "payload", "language"]),
        ({"nickname": "Ana"}, ["body", "payload", "nickname"]),
        ({"notes": "a\x00b"}, ["body", "payload", "notes"]),
        ({"tags": [""]}, ["body", "payload", "tags", 0]),
    ],
)
def test_create_refuses_input_outside_the_schema_with_422(cast, owner_api, body, loc):
    response = owner_api.post("/customers", body)

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [loc]
    assert Customer.objects.count() == 0
    assert _events(cast) == []


def test_read_shows_emails_tags_and_consents(cast, api_as):
    customer = customer_create(
        workspace=cast.shop, actor=cast.owner, email="ana@example.com", first_name="Ana"
    )
    customer_tags_set(customer=customer, names=["vip"], actor=cast.owner)
    consent_grant(
        customer=customer,
        purpose=ConsentPurpose.MARKETING,
        channel=ConsentChannel.EMAIL,
        source="shop form",
        ip="192.0.2.1",
        actor=None,
    )

    response = api_as("viewer").get(f"/customers/{customer.pk}")

    assert response.status_code == 200
    body = _body(response)
    assert body["tags"] == ["vip"]
    assert body["emails"] == [
        {"id": customer.emails.get().pk, "address": "ana@example.com", "is_primary": True}
    ]
    assert body["consents"] == [
        {
            "id": Consent.objects.get().pk,
            "purpose": "marketing",
            "channel": "email",
            "source": "shop form",
            "ip": "192.0.2.1",
            "withdrawn_at": None,
        }
    ]


def test_patch_changes_only_the_fields_sent_and_records_old_and_new(cast, api_as):
    customer = customer_create(
        workspace=cast.shop, actor=cast.owner, email="ana@example.com", city="Iasi"
    )
    before = Event.objects.count()

    response = api_as("agent").patch(
        f"/customers/{customer.pk}", {"city": "Cluj", "email": "ana@work.example.com"}
    )

    assert response.status_code == 200
    body = _body(response)
    assert (body["city"], body["email"], body["phone"]) == ("Cluj", "ana@work.example.com", "")
    ids = dict(customer.emails.values_list("address", "pk"))
    assert body["emails"] == [
        {"id": ids["ana@work.example.com"], "address": "ana@work.example.com", "is_primary": True},
        {"id": ids["ana@example.com"], "address": "ana@example.com", "is_primary": False},
    ]
    changed = Event.objects.filter(pk__gt=0).order_by("-id")[0]
    assert Event.objects.count() == before + 1
    assert (changed.kind, changed.actor, changed.old, changed.new) == (
        "customer.changed",
        cast.teammate,
        {"city": "Iasi", "email": "ana@example.com"},
        {"city": "Cluj", "email": "ana@work.example.com"},
    )


def test_patch_with_the_same_values_records_nothing(cast, owner_api):
    customer = customer_create(workspace=cast.shop, actor=cast.owner, city="Cluj")
    before = Event.objects.count()

    response = owner_api.patch(f"/customers/{customer.pk}", {"city": "Cluj"})

    assert response.status_code == 200
    assert Event.objects.count() == before


def test_patch_refuses_null_for_a_text_field(cast, owner_api):
    customer = customer_create(workspace=cast.shop, actor=cast.owner, city="Cluj")

    response = owner_api.patch(f"/customers/{customer.pk}", {"city": None})

    assert response.status_code == 422
    customer.refresh_from_db()
    assert customer.city == "Cluj"


def test_delete_removes_the_customer_and_keeps_the_audit_row(cast, api_as):
    customer = customer_create(workspace=cast.shop, actor=cast.owner, first_name="Ana")

    response = api_as("manager").delete(f"/customers/{customer.pk}")

    assert response.status_code == 204
    assert response.content == b""
    assert Customer.objects.count() == 0
    deleted = Event.objects.get(kind="customer.deleted")
    assert (deleted.subject_id, deleted.actor, deleted.old) == (
        customer.pk,
        cast.manager,
        {"name": "Ana"},
    )


def test_timeline_lists_the_customers_events_newest_first_in_pages(cast, owner_api):
    customer = customer_create(workspace=cast.shop, actor=cast.owner, first_name="Ana")
    for city in ("Iasi", "Cluj", "Arad"):
        owner_api.patch(f"/customers/{customer.pk}", {"city": city})
    customer_create(workspace=cast.shop, actor=cast.owner, first_name="Other")

    first = owner_api.get(f"/customers/{customer.pk}/timeline", limit=3).json()
    second = owner_api.get(
        f"/customers/{customer.pk}/timeline", limit=3, cursor=first["next"]
    ).json()

    assert [(e["kind"], e["new"]) for e in first["items"]] == [
        ("customer.changed", {"city": "Arad"}),
        ("customer.changed", {"city": "Cluj"}),
        ("customer.changed", {"city": "Iasi"}),
    ]
    assert first["items"][0]["actor"] == "alice@example.com"
    assert [e["kind"] for e in second["items"]] == ["customer.created"]
    assert second["next"] is None


def test_list_filters(cast, owner_api):
    ana = customer_create(
        workspace=cast.shop,
        actor=cast.owner,
        email="ana@example.com",
        first_name="Ana",
        external_id="C-1",
    )
    bob = customer_create(
        workspace=cast.shop,
        actor=cast.owner,
        email="bob@example.com",
        last_name="Anghel",
        language="en",
    )
    dan = customer_create(workspace=cast.shop, actor=cast.owner, first_name="Dan")
    customer_tags_set(customer=dan, names=["vip"], actor=cast.owner)
    customer_create(workspace=cast.other_shop, actor=cast.outsider, first_name="Ana")

    def ids(**query: Any) -> list[int]:
        response = owner_api.get("/customers", **query)
        assert response.status_code == 200
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [dan.pk, bob.pk, ana.pk]
    assert ids(q="an") == [bob.pk, ana.pk]
    assert ids(q="c-") == [ana.pk]
    assert ids(q="BOB@") == [bob.pk]
    assert ids(tag="vip") == [dan.pk]
    assert ids(language="en") == [bob.pk]
    assert ids(external_id="C-1") == [ana.pk]
    assert ids(email=" Ana@Example.com") == [ana.pk]
    assert ids(email="nobody") == []


def test_list_pages_with_a_cursor_without_repeats_or_gaps(cast, owner_api):
    made = [
        customer_create(workspace=cast.shop, actor=cast.owner, first_name=f"C{i}").pk
        for i in range(5)
    ]
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = owner_api.get("/customers", **query).json()
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == sorted(made, reverse=True)
    assert pages == 3


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 501}, {"limit": "1.0"}, {"cursor": "x"}])
def test_list_refuses_bad_paging(cast, owner_api, query):
    assert owner_api.get("/customers", **query).status_code == 422


def test_list_query_count_does_not_grow_with_the_page(cast, owner_api, django_assert_num_queries):
    for number in range(6):
        customer = customer_create(
            workspace=cast.shop, actor=cast.owner, email=f"c{number}@example.com"
        )
        customer_tags_set(customer=customer, names=["a", "b"], actor=cast.owner)
        consent_grant(
            customer=customer,
            purpose=ConsentPurpose.MARKETING,
            channel=ConsentChannel.EMAIL,
            source="test",
            ip=None,
            actor=None,
        )
    owner_api.get("/customers")  # the token's last use is stamped on the first call

    # token, customers, then one query each for e-mails, tags and consents
    with django_assert_num_queries(5):
        response = owner_api.get("/customers")
    assert len(response.json()["items"]) == 6
    assert Consent.objects.count() == 6


def test_timeline_query_count_does_not_grow_with_the_page(
    cast, owner_api, django_assert_num_queries
):
    customer = customer_create(workspace=cast.shop, actor=cast.owner, first_name="Ana")
    for city in ("Iasi", "Cluj", "Arad", "Deva"):
        owner_api.patch(f"/customers/{customer.pk}", {"city": city})

    with django_assert_num_queries(3):  # token, customer, events with their actors
        response = owner_api.get(f"/customers/{customer.pk}/timeline")
    assert len(response.json()["items"]) == 5


def test_a_body_that_is_not_json_is_a_json_400(cast, tokens):
    response = Client().post(
        "/api/v1/customers",
        data=b"{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {tokens['owner']}"},
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON."}
    assert Customer.objects.count() == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Ștefan", ["Ana Ștefănescu", "Ștefan Țurcanu"]),
        ("ȘTEFAN", ["Ana Ștefănescu", "Ștefan Țurcanu"]),
        ("ștefan", ["Ana Ștefănescu", "Ștefan Țurcanu"]),
        ("stefan", ["Ana Ștefănescu", "Ștefan Țurcanu"]),
        ("ȚURCANU", ["Ștefan Țurcanu"]),
        ("ştefan ţ", ["Ștefan Țurcanu"]),  # cedillas typed, commas stored
        ("ene", []),  # the other shop's customer
    ],
)
def test_list_search_ignores_capitals_and_diacritics_like_the_web_list(
    cast, owner_api, query, expected
):
    for first, last in [("Ștefan", "Țurcanu"), ("Ana", "Ștefănescu"), ("Ion", "Stan")]:
        customer_create(workspace=cast.shop, actor=None, first_name=first, last_name=last)
    customer_create(workspace=cast.other_shop, actor=None, first_name="Ștefan", last_name="Ene")

    response = owner_api.get("/customers", q=query)

    assert response.status_code == 200
    assert [item["display_name"] for item in response.json()["items"]] == expected
