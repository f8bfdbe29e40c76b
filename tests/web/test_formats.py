"""Numbers, amounts, dates and timeline words in the reader's forms (issue: formats).

Each test failed before: amounts showed as "1234.50 RON" on Romanian pages, the repeat-buyer
line as "11516 din 23570", dates in the server's zone instead of the shop's, and the timeline
and the consent list showed the codes "customer" and "unsubscribe:campaign:2".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from clientela.commerce.models import Order
from clientela.commerce.services import order_create
from clientela.customers.models import ConsentChannel, ConsentPurpose, Customer
from clientela.customers.services import consent_grant, customer_create
from clientela.web.templatetags.web import actor_label, consent_source, money

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "amount", "expected"),
    [
        ("ro", Decimal("1234.5"), "1.234,50\N{NO-BREAK SPACE}RON"),
        ("en", Decimal("1234.5"), "1,234.50\N{NO-BREAK SPACE}RON"),
        ("ro", Decimal("-0.5"), "-0,50\N{NO-BREAK SPACE}RON"),
        ("ro", 1234567, "1.234.567,00\N{NO-BREAK SPACE}RON"),
        # Rounded to the cent, never cut off: a mean per customer of 15.3699 is 15.37.
        ("en", 15.3699, "15.37\N{NO-BREAK SPACE}RON"),
        ("ro", Decimal("-3.855"), "-3,86\N{NO-BREAK SPACE}RON"),
    ],
)
def test_money_is_written_in_the_readers_forms(language: str, amount: Any, expected: str) -> None:
    with translation.override(language):
        assert money(amount, "RON") == expected


def test_money_without_an_amount_is_a_dash() -> None:
    assert money(None, "RON") == "—"


@pytest.mark.parametrize(
    ("source", "english", "romanian"),
    [
        (
            "unsubscribe:campaign:2",
            "Unsubscribe link in campaign no. 2",
            "Linkul de dezabonare din campania nr. 2",
        ),
        (
            "unsubscribe:thank_you:7:one-click",
            "Unsubscribe link in thank-you letter no. 7",
            "Linkul de dezabonare din scrisoarea de mulțumire nr. 7",
        ),
        (
            "unsubscribe:preferences",
            "Unsubscribed on the preferences page",
            "Dezabonat din pagina de preferințe",
        ),
        ("list:3:form", "Subscribed to mailing list no. 3", "Abonat la lista de e-mail nr. 3"),
        ("demo", "Demo data", "Datele demo"),
        ("manual", "Recorded by the team", "Înregistrat de echipă"),
        ("a source we never wrote", "a source we never wrote", "a source we never wrote"),
    ],
)
def test_consent_sources_are_said_in_words(source: str, english: str, romanian: str) -> None:
    with translation.override("en"):
        assert consent_source(source) == english
    with translation.override("ro"):
        assert consent_source(source) == romanian


def test_actors_that_are_not_members_are_said_in_words() -> None:
    with translation.override("ro"):
        assert [actor_label(a) for a in ("system", "customer", "demo", "")] == [
            "Clientela",
            "Clientul",
            "Datele demo",
            "Clientela",
        ]


def _romanian(client: Any) -> Any:
    client.cookies["django_language"] = "ro"
    return client


def test_the_customer_page_speaks_romanian_forms_and_the_shops_time(cast, client_for) -> None:  # type: ignore[no-untyped-def]
    shop = cast.shop
    shop.time_zone = "America/New_York"
    shop.save(update_fields=["time_zone"])
    ana = customer_create(workspace=shop, actor=None, first_name="Ana", email="ana@example.com")
    # 02:30 UTC on 5 March is still 4 March, 21:30, in New York (and 5 March in Bucharest).
    order_create(
        workspace=shop,
        actor=None,
        customer=ana,
        placed_at=datetime(2026, 3, 5, 2, 30, tzinfo=UTC),
        total=Decimal("1234.50"),
        external_id="N1",
    )
    consent_grant(
        customer=ana,
        purpose=ConsentPurpose.MARKETING,
        channel=ConsentChannel.EMAIL,
        source="unsubscribe:campaign:2",
        ip=None,
        actor=None,
    )
    client = _romanian(client_for(cast.owner))
    page = client.get(reverse("web:customer", kwargs={"ws": shop.slug, "pk": ana.pk}))
    html = page.content.decode()
    assert "1.234,50\N{NO-BREAK SPACE}RON" in html
    assert "4 martie 2026" in html and "5 martie 2026" not in html
    assert "Linkul de dezabonare din campania nr. 2" in html
    assert "unsubscribe:campaign:2" not in html
    assert ">Clientul<" in html  # the consent's timeline row, recorded with no member


def test_the_dashboard_groups_thousands_in_the_repeat_buyer_line(cast, client_for) -> None:  # type: ignore[no-untyped-def]
    shop = cast.shop
    people = Customer.objects.bulk_create(
        Customer(workspace=shop, first_name=f"C{n}") for n in range(1001)
    )
    when = datetime(2026, 3, 5, 12, tzinfo=UTC)
    orders = [Order(workspace=shop, customer=c, placed_at=when, total=Decimal(10)) for c in people]
    orders.append(
        Order(workspace=shop, customer=people[0], placed_at=when + timedelta(days=1), total=1)
    )
    Order.objects.bulk_create(orders)
    client = _romanian(client_for(cast.owner))
    html = client.get(reverse("web:dashboard", kwargs={"ws": shop.slug})).content.decode()
    # Romanian counts ending in 01-19 take no "de": "1.001 cumpărători".
    assert "1 din 1.001 cumpărători au comandat în două zile sau mai multe" in html
    assert "1.002" in html  # the orders card
