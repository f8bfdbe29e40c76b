"""A customer's rights on the web: the download, the erasure with its confirmation, the period."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from clientela.customers.models import Customer
from clientela.privacy.models import PrivacySettings
from clientela.timeline.models import Event
from tests.web.conftest import post

pytestmark = pytest.mark.django_db


def test_the_customer_page_offers_the_rights_to_a_manager_only(cast, client_for, shop):
    url = f"/w/alice/customers/{shop.customer.pk}/"

    manager = client_for(cast.manager).get(url).content.decode()
    agent = client_for(cast.teammate).get(url).content.decode()

    assert f'href="/w/alice/customers/{shop.customer.pk}/data/"' in manager
    assert f'href="/w/alice/customers/{shop.customer.pk}/erase/"' in manager
    assert "The customer&#x27;s rights" not in agent


def test_the_download_is_a_zip_of_the_customer(cast, client_for, shop):
    response = client_for(cast.manager).get(f"/w/alice/customers/{shop.customer.pk}/data/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="customer-{shop.customer.pk}-'
    )
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("customer.json"))
    assert data["profile"][0]["email"] == "ioana@example.com"
    assert Event.objects.filter(kind="customer.data_exported").count() == 1


def test_erasure_needs_the_confirmation_then_leaves_a_nameless_customer(cast, client_for, shop):
    client = client_for(cast.manager)
    url = f"/w/alice/customers/{shop.customer.pk}/erase/"

    unconfirmed = post(client, url, {})
    confirmed = post(client, url, {"confirm": "on"}, follow=True)

    assert unconfirmed.status_code == 200
    assert 'id="id_confirm_error"' in unconfirmed.content.decode()
    page = confirmed.content.decode()
    customer = Customer.objects.get(pk=shop.customer.pk)
    assert customer.erased_at is not None
    assert f"<h1>Erased customer #{customer.pk}</h1>" in page
    assert "Personal data erased; 1 order is kept, anonymised." in page
    assert 'id="erased-note"' in page
    assert "ioana" not in page.lower()
    assert 'data-kind="customer.erased">Personal data erased</span>' in page


def test_an_agent_cannot_erase(cast, client_for, shop):
    response = post(
        client_for(cast.teammate),
        f"/w/alice/customers/{shop.customer.pk}/erase/",
        {"confirm": "on"},
    )

    assert response.status_code == 403
    assert Customer.objects.get(pk=shop.customer.pk).erased_at is None


def test_the_owner_sets_the_retention_period(cast, client_for):
    client = client_for(cast.owner)

    refused = post(client, "/w/alice/privacy/", {"retention_days": "30"})
    saved = post(client, "/w/alice/privacy/", {"retention_days": "730"})
    cleared = post(client, "/w/alice/privacy/", {"retention_days": ""})

    assert refused.status_code == 200
    assert "Ensure this value is greater than or equal to 180." in refused.content.decode()
    assert saved.status_code == cleared.status_code == 302
    assert PrivacySettings.objects.get(workspace=cast.shop).retention_days is None
    assert list(
        Event.objects.filter(kind="privacy.settings_changed").values_list("new", flat=True)
    ) == [{"retention_days": 730}, {"retention_days": None}]
