"""Order dates outside 1 January 2000 … a year from today are refused, on every way in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from clientela.commerce.dates import order_date_bounds, order_date_check
from clientela.commerce.models import Order
from clientela.commerce.services import CommerceError, order_create, order_update
from clientela.customers.services import customer_create
from clientela.timeline.models import Event

pytestmark = pytest.mark.django_db
BUCHAREST = ZoneInfo("Europe/Bucharest")


def _last_day() -> date:
    today = timezone.localdate(timezone=BUCHAREST)
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def _message() -> str:
    return f"The order date must be between 01/01/2000 and {_last_day():%m/%d/%Y}."


@pytest.fixture
def ana(cast):
    return customer_create(workspace=cast.shop, actor=cast.owner, first_name="Ana")


def _create(cast, customer, placed_at):
    return order_create(
        workspace=cast.shop,
        actor=cast.owner,
        customer=customer,
        placed_at=placed_at,
        total=Decimal("10"),
    )


def test_the_bounds_are_the_year_2000_and_a_year_from_today():
    assert order_date_bounds(BUCHAREST, today=date(2026, 12, 6)) == (
        date(2000, 1, 1),
        date(2027, 12, 6),
    )
    assert order_date_bounds(BUCHAREST, today=date(2028, 2, 29))[1] == date(2029, 2, 28)


@pytest.mark.parametrize(
    "placed_at",
    [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(1999, 12, 31, 21, 59, tzinfo=UTC),  # 23:59 in Bucharest
        datetime(2100, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
    ],
    ids=["year-1", "1999", "2100", "9999"],
)
def test_an_order_outside_the_bounds_is_refused_and_nothing_is_written(cast, ana, placed_at):
    events = Event.objects.count()

    with pytest.raises(CommerceError) as refused:
        _create(cast, ana, placed_at)

    assert (refused.value.field, refused.value.message) == ("placed_at", _message())
    assert Order.objects.count() == 0
    assert Event.objects.count() == events


def test_the_day_after_the_last_one_is_refused(cast, ana):
    late = datetime.combine(_last_day() + timedelta(days=1), datetime.min.time(), BUCHAREST)
    with pytest.raises(CommerceError):
        _create(cast, ana, late)


def test_the_first_and_the_last_day_are_accepted(cast, ana):
    first = datetime(2000, 1, 1, 0, 0, tzinfo=BUCHAREST)
    last = datetime.combine(_last_day(), datetime.max.time(), BUCHAREST)

    _create(cast, ana, first)
    _create(cast, ana, last)

    assert sorted(Order.objects.values_list("placed_at", flat=True)) == [first, last]


def test_a_change_of_date_is_held_to_the_same_bounds(cast, ana):
    order = _create(cast, ana, datetime(2026, 3, 1, tzinfo=UTC))

    with pytest.raises(CommerceError) as refused:
        order_update(order=order, actor=cast.owner, placed_at=datetime(2100, 1, 1, tzinfo=UTC))

    assert refused.value.message == _message()
    order.refresh_from_db()
    assert order.placed_at == datetime(2026, 3, 1, tzinfo=UTC)


def test_the_message_is_in_the_readers_language():
    with translation.override("ro"):
        message = order_date_check(datetime(1999, 1, 1, tzinfo=UTC), BUCHAREST)
    assert message == (f"Data comenzii trebuie să fie între 01.01.2000 și {_last_day():%d.%m.%Y}.")
