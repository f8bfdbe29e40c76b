"""A customer's rights through the API: the zip, erasure, the retention period."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from clientela.customers.models import Customer
from clientela.customers.services import customer_create
from clientela.mail.contact import ContactPurpose, NotAllowedReason, contact_allowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(cast):
    return customer_create(
        workspace=cast.shop, actor=cast.owner, email="ana@example.com", first_name="Ana"
    )


def test_the_zip_of_a_customer(cast, api_as, ana):
    response = api_as("manager").get(f"/privacy/customers/{ana.pk}/data.zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("customer.json"))
    assert (data["profile"][0]["first_name"], data["addresses"]) == (
        "Ana",
        [{"address": "ana@example.com", "is_primary": True}],
    )


def test_erase_answers_what_was_kept_and_a_second_erase_is_a_422(cast, api_as, ana):
    manager = api_as("manager")

    first = manager.post(f"/privacy/customers/{ana.pk}/erase", None)
    second = manager.post(f"/privacy/customers/{ana.pk}/erase", None)

    ana.refresh_from_db()
    body = first.json()
    assert first.status_code == 200
    assert (body["customer_id"], body["orders_kept"]) == (ana.pk, 0)
    assert ana.erased_at is not None and ana.first_name == ""
    assert second.status_code == 422
    assert second.json()["detail"] == [
        {
            "loc": ["path", "customer_id"],
            "msg": "This customer's data were already erased.",
            "type": "value_error",
        }
    ]
    back = customer_create(workspace=cast.shop, actor=cast.owner, email="ana@example.com")
    assert contact_allowed(back, ContactPurpose.THANK_YOU).reason == NotAllowedReason.ERASED
    assert Customer.objects.filter(workspace=cast.shop).count() == 2


@pytest.mark.parametrize("days", [30, 40000, "365", True])
def test_a_period_out_of_bounds_or_of_the_wrong_type_is_a_422(cast, owner_api, days):
    response = owner_api.call("PUT", "/privacy/settings", {"retention_days": days})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "retention_days"]


def test_the_period_is_read_and_set(cast, owner_api, api_as):
    before = api_as("viewer").get("/privacy/settings")
    changed = owner_api.call("PUT", "/privacy/settings", {"retention_days": 730})
    after = api_as("viewer").get("/privacy/settings")

    assert before.json() == {"retention_days": None}
    assert changed.json() == after.json() == {"retention_days": 730}
