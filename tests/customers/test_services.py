from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from clientela.commerce.models import Order
from clientela.commerce.services import CommerceError, order_create, order_update
from clientela.customers.models import Customer, CustomerEmail
from clientela.customers.services import (
    CustomerError,
    consent_active,
    consent_grant,
    consent_withdraw,
    customer_create,
    customer_tags_set,
    customer_update,
)
from clientela.timeline.models import Event

BUCHAREST = ZoneInfo("Europe/Bucharest")


def _events(ws, kind):
    return list(Event.objects.for_workspace(ws).filter(kind=kind).values("old", "new"))


@pytest.mark.django_db
def test_customer_create_normalises_the_address_and_records_one_event(cast):
    customer = customer_create(
        workspace=cast.shop,
        actor=cast.owner,
        email="  Ana.Popescu@Example.RO ",
        first_name="Ana",
        last_name="Popescu",
    )
    assert customer.email == "ana.popescu@example.ro"
    assert list(CustomerEmail.objects.values_list("address", "is_primary")) == [
        ("ana.popescu@example.ro", True)
    ]
    events = Event.objects.for_workspace(cast.shop).filter(kind="customer.created")
    assert [(e.actor, e.customer) for e in events] == [(cast.owner, customer)]


@pytest.mark.django_db
def test_an_address_is_unique_per_workspace_but_not_across_workspaces(cast):
    customer_create(workspace=cast.shop, actor=cast.owner, email="ana@example.ro")
    with pytest.raises(CustomerError) as error:
        customer_create(workspace=cast.shop, actor=cast.owner, email="ANA@example.ro")
    assert error.value.field == "email"
    other = customer_create(workspace=cast.other_shop, actor=cast.outsider, email="ana@example.ro")
    assert other.workspace == cast.other_shop
    assert Customer.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad", ["no-at-sign", "a@b", "two@@example.com", "x@example.com\r\nBcc: y@z.com", "a b@x.ro"]
)
def test_bad_addresses_are_refused_and_nothing_is_written(cast, bad):
    before = Event.objects.count()
    with pytest.raises(CustomerError):
        customer_create(workspace=cast.shop, actor=cast.owner, email=bad)
    assert Customer.objects.count() == 0
    assert Event.objects.count() == before


@pytest.mark.django_db
def test_update_records_only_the_fields_that_changed(cast):
    customer = customer_create(
        workspace=cast.shop, actor=cast.owner, email="ion@example.ro", first_name="Ion"
    )
    customer_update(customer=customer, actor=cast.teammate, first_name="Ion", city="Iași")
    customer_update(customer=customer, actor=cast.teammate, city="Iași")  # no change
    assert _events(cast.shop, "customer.changed") == [
        {"old": {"city": ""}, "new": {"city": "Iași"}}
    ]


@pytest.mark.django_db
def test_changing_the_primary_address_moves_it(cast):
    customer = customer_create(workspace=cast.shop, actor=cast.owner, email="old@example.ro")
    customer_update(customer=customer, actor=cast.owner, email="New@Example.ro")
    primary = CustomerEmail.objects.get(is_primary=True)
    assert (primary.address, primary.customer) == ("new@example.ro", customer)
    assert CustomerEmail.objects.filter(address="old@example.ro", is_primary=False).count() == 1


@pytest.mark.django_db
def test_tags_are_set_and_recorded_once(cast):
    customer = customer_create(workspace=cast.shop, actor=cast.owner, email="t@example.ro")
    customer_tags_set(customer=customer, names=["vip", " vip ", "nou"], actor=cast.owner)
    customer_tags_set(customer=customer, names=["nou", "vip"], actor=cast.owner)
    assert sorted(customer.tags.values_list("name", flat=True)) == ["nou", "vip"]
    assert _events(cast.shop, "customer.tags_changed") == [
        {"old": {"tags": []}, "new": {"tags": ["nou", "vip"]}}
    ]


@pytest.mark.django_db
def test_consent_is_granted_then_withdrawn(cast):
    customer = customer_create(workspace=cast.shop, actor=cast.owner, email="c@example.ro")
    consent_grant(
        customer=customer,
        purpose="marketing",
        channel="email",
        source="form",
        ip="192.0.2.1",
        actor=None,
    )
    assert consent_active(customer=customer, purpose="marketing", channel="email")
    assert (
        consent_withdraw(customer=customer, purpose="marketing", channel="email", actor=None) == 1
    )
    assert not consent_active(customer=customer, purpose="marketing", channel="email")
    assert (
        consent_withdraw(customer=customer, purpose="marketing", channel="email", actor=None) == 0
    )
    assert Event.objects.filter(kind="consent.withdrawn").count() == 1


@pytest.mark.django_db
def test_order_needs_an_aware_time_and_a_customer_of_the_same_workspace(cast):
    mine = customer_create(workspace=cast.shop, actor=cast.owner, email="m@example.ro")
    theirs = customer_create(workspace=cast.other_shop, actor=cast.outsider, email="m@example.ro")
    when = datetime(2026, 3, 1, 10, 30, tzinfo=BUCHAREST)
    with pytest.raises(CommerceError) as error:
        order_create(
            workspace=cast.shop,
            actor=cast.owner,
            customer=theirs,
            placed_at=when,
            total=Decimal("10"),
        )
    assert error.value.field == "customer"
    with pytest.raises(CommerceError) as error:
        order_create(
            workspace=cast.shop,
            actor=cast.owner,
            customer=mine,
            placed_at=datetime(2026, 3, 1),
            total=Decimal("10"),
        )
    assert error.value.field == "placed_at"
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_order_create_and_update_write_timeline_rows_on_the_customer(cast):
    customer = customer_create(workspace=cast.shop, actor=cast.owner, email="o@example.ro")
    when = datetime(2026, 3, 1, 10, 30, tzinfo=BUCHAREST)
    order = order_create(
        workspace=cast.shop,
        actor=cast.owner,
        customer=customer,
        placed_at=when,
        total=Decimal("149.90"),
        external_id="A-1",
    )
    assert order.currency == "RON"
    order_update(order=order, actor=cast.manager, status="refunded")
    kinds = list(Event.objects.filter(customer=customer).order_by("id").values_list("kind", "new"))
    assert kinds[1:] == [
        (
            "order.created",
            {
                "external_id": "A-1",
                "total": "149.90",
                "placed_at": when.isoformat(),
                "status": "placed",
            },
        ),
        ("order.changed", {"status": "refunded"}),
    ]
    with pytest.raises(CommerceError):
        order_create(
            workspace=cast.shop,
            actor=cast.owner,
            customer=customer,
            placed_at=when,
            total=Decimal("1"),
            external_id="A-1",
        )
