"""The customer list (search, filters, keyset pages), the customer page and its forms."""

import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientela.commerce.services import order_create
from clientela.customers.models import ConsentChannel, ConsentPurpose, Customer
from clientela.customers.services import consent_grant, customer_create, customer_tags_set
from clientela.timeline.models import Event
from clientela.web import nav
from tests.web.conftest import BUCHAREST, post


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(
        r'<td><a href="/w/alice/customers/\d+/">([^<]+)</a></td>', response.content.decode()
    )


@pytest.fixture
def people(cast):  # type: ignore[no-untyped-def]
    make = customer_create
    ana = make(
        workspace=cast.shop,
        actor=None,
        first_name="Ana",
        last_name="Ionescu",
        email="ana@example.com",
        external_id="C-100",
        language="ro",
    )
    bogdan = make(
        workspace=cast.shop,
        actor=None,
        first_name="Bogdan",
        last_name="Anghel",
        email="bogdan@shop.ro",
        external_id="X-7",
        language="en",
    )
    carmen = make(
        workspace=cast.shop,
        actor=None,
        first_name="Carmen",
        last_name="Dobre",
        email="carmen.ana@example.com",
        language="ro",
    )
    make(workspace=cast.other_shop, actor=None, first_name="Anastasia", email="a@example.com")
    customer_tags_set(customer=carmen, names=["vip"], actor=None)
    order_create(
        workspace=cast.shop,
        actor=None,
        customer=bogdan,
        placed_at=datetime(2026, 1, 5, tzinfo=BUCHAREST),
        total=Decimal("10"),
    )
    return ana, bogdan, carmen


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["Carmen Dobre", "Bogdan Anghel", "Ana Ionescu"]),
        ("an", ["Bogdan Anghel", "Ana Ionescu"]),  # first or last name, any case
        ("ION", ["Ana Ionescu"]),
        ("carmen.a", ["Carmen Dobre"]),  # e-mail prefix
        ("x-", ["Bogdan Anghel"]),  # external id prefix
        ("escu", []),  # a prefix, never a substring
        ("example.com", []),
    ],
)
def test_search_matches_a_prefix_of_name_email_or_external_id(
    cast, client_for, people, query, expected
):
    response = client_for(cast.viewer).get("/w/alice/customers/", {"q": query})
    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.django_db
def test_filters_by_tag_language_and_orders(cast, client_for, people):
    client = client_for(cast.viewer)
    assert names(client.get("/w/alice/customers/", {"tag": "vip"})) == ["Carmen Dobre"]
    assert names(client.get("/w/alice/customers/", {"language": "en"})) == ["Bogdan Anghel"]
    assert names(client.get("/w/alice/customers/", {"orders": "yes"})) == ["Bogdan Anghel"]
    assert names(client.get("/w/alice/customers/", {"orders": "no", "language": "ro"})) == [
        "Carmen Dobre",
        "Ana Ionescu",
    ]


@pytest.mark.django_db
def test_keyset_pages_walk_forward_and_back_without_counting(cast, client_for):
    created = [
        customer_create(workspace=cast.shop, actor=None, first_name=f"P{i:03}") for i in range(120)
    ]
    client = client_for(cast.viewer)
    first = client.get("/w/alice/customers/")
    assert names(first) == [f"P{i:03}" for i in range(119, 69, -1)]
    assert 'rel="prev"' not in first.content.decode()
    cursor = re.search(r'href="\?after=(\d+)"', first.content.decode()).group(1)
    assert int(cursor) == created[70].pk
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/w/alice/customers/", {"after": cursor})
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert names(second) == [f"P{i:03}" for i in range(69, 19, -1)]
    back = re.search(r'href="\?before=(\d+)"', second.content.decode()).group(1)
    assert names(client.get("/w/alice/customers/", {"before": back})) == names(first)
    third = client.get("/w/alice/customers/", {"after": created[20].pk})
    assert names(third) == [f"P{i:03}" for i in range(19, -1, -1)]
    assert 'rel="next"' not in third.content.decode()


@pytest.mark.django_db
def test_the_list_runs_a_fixed_number_of_queries(
    cast, client_for, people, django_assert_num_queries
):
    for i in range(30):
        c = customer_create(workspace=cast.shop, actor=None, first_name=f"Q{i}")
        customer_tags_set(customer=c, names=[f"t{i}"], actor=None)
    client = client_for(cast.viewer)
    # session, user, membership, customers, their tags (prefetch), their current retention
    # scores (one query, the current run a subquery), the tag filter options
    with django_assert_num_queries(7):
        response = client.get("/w/alice/customers/", {"orders": "no"})
    assert len(names(response)) == 32


@pytest.mark.django_db
def test_htmx_gets_only_the_rows(cast, client_for, people):
    response = client_for(cast.viewer).get(
        "/w/alice/customers/", {"q": "ana"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="customer-rows"
    )
    text = response.content.decode()
    assert "<html" not in text
    assert names(response) == ["Ana Ionescu"]


@pytest.mark.django_db
def test_the_customer_page_shows_everything_about_the_customer(cast, client_for, people):
    ana = people[0]
    consent_grant(
        customer=ana,
        purpose=ConsentPurpose.MARKETING,
        channel=ConsentChannel.EMAIL,
        source="shop",
        ip=None,
        actor=None,
    )
    customer_tags_set(customer=ana, names=["loyal"], actor=cast.owner)
    order_create(
        workspace=cast.shop,
        actor=None,
        customer=ana,
        external_id="ORD-9",
        placed_at=datetime(2026, 2, 1, tzinfo=BUCHAREST),
        total=Decimal("99.50"),
    )
    text = client_for(cast.viewer).get(f"/w/alice/customers/{ana.pk}/").content.decode()
    assert "<h1>Ana Ionescu</h1>" in text
    assert "ana@example.com" in text
    assert '<span class="tag">loyal</span>' in text
    assert "Promotions and newsletters" in text
    assert "ORD-9" in text and "99.50\N{NO-BREAK SPACE}RON" in text
    kinds = re.findall(r'<span class="kind" data-kind="([^"]+)">([^<]+)</span>', text)
    assert kinds == [
        ("order.created", "Order placed"),
        ("customer.tags_changed", "Tags changed"),
        ("consent.granted", "Consent given"),
        ("customer.created", "Customer created"),
    ]
    assert "/edit/" not in text  # a viewer gets no edit link


@pytest.mark.django_db
def test_the_timeline_is_paginated(cast, client_for, people):
    ana = people[0]
    for i in range(25):
        customer_tags_set(customer=ana, names=[f"t{i}"], actor=None)
    client = client_for(cast.viewer)
    first = client.get(f"/w/alice/customers/{ana.pk}/").content.decode()
    assert first.count('<span class="kind"') == 20
    second = client.get(
        f"/w/alice/customers/{ana.pk}/",
        {"page": 2},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="timeline",
    ).content.decode()
    assert second.count('<span class="kind"') == 6
    assert "<html" not in second


@pytest.mark.django_db
def test_registered_panels_are_included_on_the_customer_page(
    cast, client_for, people, monkeypatch, settings, tmp_path
):
    (tmp_path / "panel.html").write_text("<p>panel for {{ customer.first_name }}</p>")
    template_dirs = [*settings.TEMPLATES[0]["DIRS"], tmp_path]  # the pages' own, and the panel's
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": template_dirs}]
    monkeypatch.setattr(nav, "CUSTOMER_PANELS", ["panel.html"])
    text = client_for(cast.viewer).get(f"/w/alice/customers/{people[0].pk}/").content.decode()
    assert "<p>panel for Ana</p>" in text


FORM = {
    "first_name": "Maria",
    "last_name": "Stan",
    "email": "Maria@Example.com",
    "phone": "",
    "address_line": "",
    "city": "Cluj",
    "postal_code": "",
    "country": "ro",
    "language": "ro",
    "external_id": "",
    "notes": "",
}


@pytest.mark.django_db
def test_an_agent_creates_a_customer(cast, client_for):
    response = post(client_for(cast.teammate), "/w/alice/customers/new/", FORM)
    customer = Customer.objects.for_workspace(cast.shop).get()
    assert response.status_code == 302
    assert response["Location"] == f"/w/alice/customers/{customer.pk}/"
    assert (customer.first_name, customer.email, customer.city, customer.country) == (
        "Maria",
        "maria@example.com",
        "Cluj",
        "RO",
    )
    event = Event.objects.for_workspace(cast.shop).get(customer=customer)
    assert (event.kind, event.actor) == ("customer.created", cast.teammate)


@pytest.mark.django_db
def test_a_customer_form_needs_a_name_or_an_email(cast, client_for):
    response = post(
        client_for(cast.teammate),
        "/w/alice/customers/new/",
        {**FORM, "first_name": "", "last_name": "", "email": ""},
    )
    assert response.status_code == 200
    assert "Give at least a name or an e-mail address." in response.content.decode()
    assert not Customer.objects.for_workspace(cast.shop).exists()


@pytest.mark.django_db
def test_editing_changes_the_customer_and_shows_service_errors(cast, client_for, people):
    ana = people[0]
    client = client_for(cast.teammate)
    url = f"/w/alice/customers/{ana.pk}/edit/"
    refused = post(client, url, {**FORM, "email": "bogdan@shop.ro"})
    assert refused.status_code == 200
    assert "Another customer already uses bogdan@shop.ro" in refused.content.decode()
    ana.refresh_from_db()
    assert ana.first_name == "Ana"
    response = post(client, url, {**FORM, "email": "ana@example.com", "external_id": "C-100"})
    assert response.status_code == 302
    ana.refresh_from_db()
    assert (ana.first_name, ana.last_name, ana.city) == ("Maria", "Stan", "Cluj")
    change = (
        Event.objects.for_workspace(cast.shop).filter(customer=ana, kind="customer.changed").get()
    )
    assert change.new == {"first_name": "Maria", "last_name": "Stan", "city": "Cluj"}


@pytest.mark.django_db
def test_tags_are_edited_from_the_customer_page(cast, client_for, people):
    ana = people[0]
    client = client_for(cast.teammate)
    response = post(
        client,
        f"/w/alice/customers/{ana.pk}/tags/",
        {"tags": "vip, , local ,vip"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert re.findall(r'<span class="tag">([^<]+)</span>', response.content.decode()) == [
        "local",
        "vip",
    ]
    assert sorted(ana.tags.values_list("name", flat=True)) == ["local", "vip"]


@pytest.mark.django_db
@pytest.mark.parametrize("window", [1000, 20, 0])  # the walk, the walk then indexes, indexes
def test_both_search_strategies_return_the_newest_matches(cast, client_for, monkeypatch, window):
    from clientela.customers import selectors

    monkeypatch.setattr(selectors, "SCAN_WINDOW", window)
    monkeypatch.setattr(selectors, "_walk_first", lambda: window > 0)
    for i in range(120):
        name = "Popa" if i % 2 else "Ionescu"
        customer_create(workspace=cast.shop, actor=None, first_name=f"P{i:03}", last_name=name)
    client = client_for(cast.viewer)
    first = client.get("/w/alice/customers/", {"q": "pop"})
    assert names(first) == [f"P{i:03} Popa" for i in range(119, 19, -2)]
    cursor = re.search(r'href="\?q=pop&amp;after=(\d+)"', first.content.decode()).group(1)
    second = client.get("/w/alice/customers/", {"q": "pop", "after": cursor})
    assert names(second) == [f"P{i:03} Popa" for i in range(19, 0, -2)]
