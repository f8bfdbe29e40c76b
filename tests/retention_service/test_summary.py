"""The SQL summary equals the pure summary of the same purchases."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from clientela.commerce.models import OrderStatus
from clientela.retention.selectors import day_number, purchase_summary
from clientela.retention.stats.summary import summarize

from .factories import BUCHAREST, customers, order

UTC = dt.UTC


@pytest.fixture
def history(cast):
    ana, bob, cat = customers(cast.shop, 3)
    [stranger] = customers(cast.other_shop, 1)
    local = BUCHAREST
    # Ana: two orders on 5 January merge into one purchase day; cancelled/refunded ignored.
    order(ana, dt.datetime(2026, 1, 5, 10, tzinfo=local), "50.00")
    order(ana, dt.datetime(2026, 1, 5, 18, tzinfo=local), "30.00")
    order(ana, dt.datetime(2026, 1, 20, 9, tzinfo=local), "20.00")
    order(ana, dt.datetime(2026, 2, 1, 9, tzinfo=local), "99.00", OrderStatus.CANCELLED)
    order(ana, dt.datetime(2026, 2, 3, 9, tzinfo=local), "77.00", OrderStatus.REFUNDED)
    order(ana, dt.datetime(2026, 3, 1, 9, tzinfo=local), "40.00")
    # Bob: 21:30 and 22:30 UTC on 9 January are two local days (23:30 and 00:30 in Bucharest);
    # 22:30 UTC on 15 January and 10:00 local on 16 January are one.
    order(bob, dt.datetime(2026, 1, 9, 21, 30, tzinfo=UTC), "10.00")
    order(bob, dt.datetime(2026, 1, 9, 22, 30, tzinfo=UTC), "12.00")
    order(bob, dt.datetime(2026, 1, 15, 22, 30, tzinfo=UTC), "5.00")
    order(bob, dt.datetime(2026, 1, 16, 10, tzinfo=local), "6.00")
    # Bought after the end of the period: not seen.
    order(bob, dt.datetime(2026, 3, 31, 22, 30, tzinfo=UTC), "500.00")
    order(cat, dt.datetime(2026, 2, 14, 12, tzinfo=local), "15.50")
    order(stranger, dt.datetime(2026, 1, 7, 12, tzinfo=local), "1000.00")
    return cast.shop, [ana, bob, cat]


@pytest.mark.django_db
def test_the_sql_summary_merges_local_days_and_skips_cancelled_orders(history):
    shop, (ana, bob, cat) = history
    summary = purchase_summary(shop, as_of=dt.date(2026, 3, 31))

    assert summary.customer_id.tolist() == [ana.pk, bob.pk, cat.pk]
    assert summary.purchases.tolist() == [3, 3, 1]
    assert summary.first_day.tolist() == [
        day_number(dt.date(2026, 1, 5)),
        day_number(dt.date(2026, 1, 9)),
        day_number(dt.date(2026, 2, 14)),
    ]
    assert summary.last_day.tolist() == [
        day_number(dt.date(2026, 3, 1)),
        day_number(dt.date(2026, 1, 16)),
        day_number(dt.date(2026, 2, 14)),
    ]
    assert summary.total_spend.tolist() == [140.0, 33.0, 15.5]
    assert summary.first_spend.tolist() == [80.0, 10.0, 15.5]
    assert summary.repeat_spend().tolist() == [30.0, 11.5, 0.0]


@pytest.mark.django_db
def test_the_sql_summary_equals_the_pure_summary_of_the_same_orders(history):
    shop, _people = history
    end = dt.date(2026, 3, 31)
    summary = purchase_summary(shop, as_of=end)
    # The same purchases, as local dates, through the pure-Python reference.
    from clientela.commerce.models import Order

    placed = Order.objects.for_workspace(shop).filter(status=OrderStatus.PLACED)
    rows = [(o.customer_id, o.placed_at.astimezone(BUCHAREST).date(), o.total) for o in placed]
    ids, dates, amounts = zip(*[r for r in rows if r[1] <= end], strict=True)
    pure = summarize(
        np.array(ids),
        np.array(dates, dtype="datetime64[D]"),
        np.array(amounts, dtype=float),
        calibration_end=np.datetime64(end),
        unit="days",
    )

    assert pure.customer_id.tolist() == summary.customer_id.tolist()
    assert pure.x.tolist() == summary.frequency().tolist()
    assert pure.t_x.tolist() == summary.recency(1.0).tolist()
    assert pure.T.tolist() == summary.age(1.0).tolist()
    assert pure.monetary.tolist() == summary.repeat_spend().tolist()


@pytest.mark.django_db
def test_the_summary_can_stop_at_an_earlier_day_and_start_at_a_later_one(history):
    shop, (ana, bob, _cat) = history
    summary = purchase_summary(shop, as_of=dt.date(2026, 1, 31), since=dt.date(2026, 1, 10))
    assert summary.customer_id.tolist() == [ana.pk, bob.pk]
    assert summary.purchases.tolist() == [1, 2]
