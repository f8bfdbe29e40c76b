"""Customer search ignores capitals and diacritics on every database, through stored keys."""

from __future__ import annotations

import importlib
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from clientela.customers.models import SEARCH_KEYS, Customer
from clientela.customers.normalize import _search_key_unicode, search_key
from clientela.customers.services import customer_create, customer_update


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Ștefan", "stefan"),  # s with comma below
        ("Ştefan", "stefan"),  # s with cedilla, as older keyboards type it
        ("ȚURCANU", "turcanu"),
        ("Ţurcanu", "turcanu"),
        ("Brăila Întâi Bâtcă", "braila intai batca"),
        ("  Ana \t Maria  ", "ana maria"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_the_search_key_folds_case_and_diacritics_and_collapses_spaces(text, key):
    assert search_key(text) == key


def test_the_key_of_a_prefix_is_a_prefix_of_the_key():
    assert search_key("Ștefan Țurcanu").startswith(search_key("ȘTEFAN Ț"))


def test_the_search_key_is_capped_at_the_column_length():
    assert search_key("Ă" * 400) == "a" * 255
    assert search_key("A" * 400) == "a" * 255


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(max_codepoint=127), max_size=300))
def test_the_ascii_shortcut_gives_the_key_of_the_unicode_rules(text):
    assert search_key(text) == _search_key_unicode(text)


def _keys(customer: Customer) -> dict[str, str]:
    return {key: getattr(Customer.objects.get(pk=customer.pk), key) for key in SEARCH_KEYS}


@pytest.mark.django_db
def test_the_services_keep_the_keys_in_step_with_the_columns(cast):
    customer = customer_create(
        workspace=cast.shop,
        actor=None,
        first_name="Ștefan",
        last_name="ȚURCANU",
        email="Ștefan@Example.com",
        external_id="ȘT-1",
    )
    assert _keys(customer) == {
        "search_name": "stefan turcanu",
        "search_last_name": "turcanu",
        "search_email": "stefan@example.com",
        "search_external_id": "st-1",
    }

    customer_update(customer=customer, actor=None, last_name="Mureșan", external_id="")

    assert _keys(customer) == {
        "search_name": "stefan muresan",
        "search_last_name": "muresan",
        "search_email": "stefan@example.com",
        "search_external_id": "",
    }


@pytest.mark.django_db
def test_bulk_writes_keep_the_keys_too(cast):
    [made] = Customer.objects.bulk_create(
        [Customer(workspace=cast.shop, first_name="Ioana", last_name="Țăran")]
    )
    made.first_name = "Ăna"
    Customer.objects.bulk_update([made], ["first_name"])

    assert _keys(made)["search_name"] == "ana taran"
    assert _keys(made)["search_last_name"] == "taran"


@pytest.mark.django_db
def test_the_data_migration_fills_the_keys_of_existing_rows(cast):
    ana = customer_create(workspace=cast.shop, actor=None, first_name="Ană", email="ana@x.ro")
    bare = customer_create(workspace=cast.other_shop, actor=None, external_id="Ț9")
    Customer.objects.update(**dict.fromkeys(SEARCH_KEYS, ""))  # as before the migration
    migration = importlib.import_module("clientela.customers.migrations.0002_search_keys")

    migration._fill(apps, SimpleNamespace(connection=connection))

    assert _keys(ana) == {
        "search_name": "ana",
        "search_last_name": "",
        "search_email": "ana@x.ro",
        "search_external_id": "",
    }
    assert _keys(bare) == {
        "search_name": "",
        "search_last_name": "",
        "search_email": "",
        "search_external_id": "t9",
    }


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return re.findall(
        r'<td><a href="/w/alice/customers/\d+/">([^<]+)</a></td>', response.content.decode()
    )


@pytest.fixture
def romanians(cast):  # type: ignore[no-untyped-def]
    for first, last in [("Ștefan", "Țurcanu"), ("Ana", "Ștefănescu"), ("Ion", "Stan")]:
        customer_create(workspace=cast.shop, actor=None, first_name=first, last_name=last)
    customer_create(workspace=cast.other_shop, actor=None, first_name="Ștefan", last_name="Ene")


SEARCHES = [
    ("Ștefan", ["Ana Ștefănescu", "Ștefan Țurcanu"]),
    ("ȘTEFAN", ["Ana Ștefănescu", "Ștefan Țurcanu"]),
    ("ștefan", ["Ana Ștefănescu", "Ștefan Țurcanu"]),
    ("stefan", ["Ana Ștefănescu", "Ștefan Țurcanu"]),
    ("Ştefan", ["Ana Ștefănescu", "Ștefan Țurcanu"]),  # cedilla typed, comma stored
    ("ȚURCANU", ["Ștefan Țurcanu"]),
    ("ștefan ț", ["Ștefan Țurcanu"]),  # first name then last name
    ("ștefăn", ["Ana Ștefănescu", "Ștefan Țurcanu"]),  # typed diacritics are folded too
    ("st", ["Ion Stan", "Ana Ștefănescu", "Ștefan Țurcanu"]),
    ("ene", []),  # the other shop's customer
]


@pytest.mark.django_db
@pytest.mark.parametrize("window", [1000, 0])  # the walk over the newest rows, the indexes
@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_the_web_list_finds_romanian_names_however_they_are_typed(
    cast, client_for, romanians, monkeypatch, window, query, expected
):
    from clientela.customers import selectors

    monkeypatch.setattr(selectors, "SCAN_WINDOW", window)
    monkeypatch.setattr(selectors, "_walk_first", lambda: window > 0)

    response = client_for(cast.viewer).get("/w/alice/customers/", {"q": query})

    assert names(response) == expected
