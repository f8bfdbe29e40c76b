"""Everything held about one customer, in one zip: JSON and a CSV per section."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.accounts.policy import NotPermitted
from clientela.commerce.services import product_create, sale_record
from clientela.customers.services import consent_grant, customer_create
from clientela.mail.models import OutboxKind
from clientela.mail.services import OutboxDraft, outbox_enqueue
from clientela.privacy.export import customer_data_export
from clientela.timeline.models import Event

pytestmark = pytest.mark.django_db

SECTIONS = [
    "profile",
    "addresses",
    "tags",
    "consents",
    "orders",
    "order_lines",
    "timeline",
    "mail",
    "subscriptions",
    "letters",
    "scores",
    "messages",
    "complaints",
    "aliases",
    "compensations",
    "gift_certificates",
]


@pytest.fixture
def maria(cast):
    maria = customer_create(
        workspace=cast.shop,
        actor=cast.owner,
        email="maria@example.com",
        first_name="Maria",
        city="Iași",
    )
    consent_grant(
        customer=maria,
        purpose="marketing",
        channel="email",
        source="form",
        ip="10.1.2.3",
        actor=None,
    )
    honey = product_create(workspace=cast.shop, actor=cast.owner, name="Miere", price=Decimal("30"))
    sale_record(
        workspace=cast.shop,
        actor=cast.owner,
        customer=maria,
        placed_at=datetime(2026, 3, 1, 10, tzinfo=UTC),
        lines=[{"product": honey, "quantity": Decimal("2"), "unit_price": Decimal("30")}],
    )
    outbox_enqueue(
        workspace=cast.shop,
        draft=OutboxDraft(
            to_address="maria@example.com",
            subject="Mulțumim, Maria",
            body_text="Dragă Maria",
            kind=OutboxKind.TRANSACTIONAL,
            source_type="manual",
            source_id=None,
            dedup_key="m1",
            customer=maria,
        ),
    )
    # Someone else's data must not appear.
    customer_create(workspace=cast.shop, actor=cast.owner, email="ion@example.com")
    return maria


def _open(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


def test_the_zip_holds_every_section_as_json_and_csv(cast, maria):
    archive = _open(customer_data_export(customer=maria, actor=cast.manager))

    assert sorted(archive.namelist()) == sorted(["customer.json", *(f"{s}.csv" for s in SECTIONS)])
    data = json.loads(archive.read("customer.json"))
    assert list(data) == SECTIONS
    assert data["profile"][0] | {"created_at": "", "updated_at": ""} == {
        "id": maria.pk,
        "external_id": None,
        "first_name": "Maria",
        "last_name": "",
        "email": "maria@example.com",
        "phone": "",
        "address_line": "",
        "city": "Iași",
        "postal_code": "",
        "country": "RO",
        "language": "ro",
        "notes": "",
        "created_at": "",
        "updated_at": "",
        "erased_at": None,
    }
    assert data["addresses"] == [{"address": "maria@example.com", "is_primary": True}]
    assert [(c["purpose"], c["ip"]) for c in data["consents"]] == [("marketing", "10.1.2.3")]
    assert [(o["total"], o["status"]) for o in data["orders"]] == [("60.00", "placed")]
    assert [(x["description"], x["quantity"]) for x in data["order_lines"]] == [("Miere", "2.000")]
    assert [m["subject"] for m in data["mail"]] == ["Mulțumim, Maria"]
    assert [e["kind"] for e in data["timeline"]] == [
        "customer.created",
        "consent.granted",
        "order.created",
    ]
    assert "ion@example.com" not in json.dumps(data)
    rows = list(csv.DictReader(io.StringIO(archive.read("orders.csv").decode("utf-8-sig"))))
    assert [(r["total"], r["placed_at"]) for r in rows] == [("60.00", "2026-03-01T10:00:00+00:00")]


def test_the_export_is_a_timeline_row_without_personal_data_and_needs_a_manager(cast, maria):
    with pytest.raises(NotPermitted):
        customer_data_export(customer=maria, actor=cast.teammate)

    customer_data_export(customer=maria, actor=cast.owner)

    row = Event.objects.get(kind="customer.data_exported")
    assert (row.actor, row.customer, row.summary) == (cast.owner, maria, "")
    assert row.new == {
        "profile": 1,
        "addresses": 1,
        "tags": 0,
        "consents": 1,
        "orders": 1,
        "order_lines": 1,
        "timeline": 3,
        "mail": 1,
        "subscriptions": 0,
        "letters": 0,
        "scores": 0,
        "messages": 0,
        "complaints": 0,
        "aliases": 0,
        "compensations": 0,
        "gift_certificates": 0,
    }
