"""Business time, holidays and percentiles: the pure code under the waiting clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientela.inbox.stats.business import (
    ALWAYS,
    BusinessCalendar,
    CalendarError,
    business_add,
    business_seconds,
    instant_at,
    ordinal,
)
from clientela.inbox.stats.holidays import orthodox_easter, romanian_holidays
from clientela.inbox.stats.percentiles import percentile, summarize

BUCHAREST = ZoneInfo("Europe/Bucharest")
OFFICE = BusinessCalendar()
NO_HOLIDAYS = BusinessCalendar(country="")
ALWAYS_OPEN = BusinessCalendar(hours=ALWAYS, country="")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BUCHAREST)


# Holidays -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2008, date(2008, 4, 27)),
        (2010, date(2010, 4, 4)),  # the same day as the Western Easter
        (2021, date(2021, 5, 2)),
        (2023, date(2023, 4, 16)),
        (2024, date(2024, 5, 5)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 12)),
        (2027, date(2027, 5, 2)),
    ],
)
def test_orthodox_easter_matches_the_published_dates(year, easter):
    assert orthodox_easter(year) == easter
    assert orthodox_easter(year).weekday() == 6


def test_romanian_holidays_of_2026_are_the_labour_codes_list():
    assert sorted(romanian_holidays(2026)) == [
        date(2026, 1, 1),
        date(2026, 1, 2),
        date(2026, 1, 6),
        date(2026, 1, 7),
        date(2026, 1, 24),
        date(2026, 4, 10),  # Good Friday
        date(2026, 4, 12),  # Easter
        date(2026, 4, 13),
        date(2026, 5, 1),
        date(2026, 5, 31),  # Pentecost
        date(2026, 6, 1),  # Pentecost Monday and Children's Day on the same date
        date(2026, 8, 15),
        date(2026, 11, 30),
        date(2026, 12, 1),
        date(2026, 12, 25),
        date(2026, 12, 26),
    ]


def test_holidays_follow_the_year_each_law_began():
    assert date(2023, 1, 6) not in romanian_holidays(2023)  # Law 52/2023 counts from 2024
    assert date(2024, 1, 6) in romanian_holidays(2024)
    assert date(2016, 1, 24) not in romanian_holidays(2016)
    assert date(2017, 1, 24) in romanian_holidays(2017)
    assert orthodox_easter(2017) - timedelta(days=2) not in romanian_holidays(2017)
    assert orthodox_easter(2018) - timedelta(days=2) in romanian_holidays(2018)


def test_a_workspace_adds_and_removes_days():
    edited = BusinessCalendar(
        added=frozenset({date(2026, 12, 24)}), removed=frozenset({date(2026, 1, 2)})
    )
    assert edited.is_holiday(date(2026, 12, 24))
    assert not edited.is_holiday(date(2026, 1, 2))
    assert edited.is_holiday(date(2026, 1, 1))


# Business time ------------------------------------------------------------------------------


def test_an_office_day_counts_eight_hours_and_a_weekend_none():
    assert business_seconds(OFFICE, local(2026, 12, 7, 0), local(2026, 12, 8, 0)) == 8 * 3600
    assert business_seconds(OFFICE, local(2026, 12, 12, 0), local(2026, 12, 14, 0)) == 0
    # Friday 16:30 to Monday 09:30: half an hour each side of the weekend.
    assert business_seconds(OFFICE, local(2026, 12, 11, 16, 30), local(2026, 12, 14, 9, 30)) == 3600


def test_holidays_count_nothing():
    # 1 December 2026 is a Tuesday and a holiday; 30 November a Monday and one too.
    assert business_seconds(OFFICE, local(2026, 11, 30, 0), local(2026, 12, 2, 0)) == 0
    assert business_seconds(NO_HOLIDAYS, local(2026, 11, 30, 0), local(2026, 12, 2, 0)) == 16 * 3600


def test_the_due_time_skips_evenings_weekends_and_holidays():
    # Friday 27 November 2026, 16:00 + 2 business hours: 1 h on Friday, Monday 30 November and
    # Tuesday 1 December are holidays, so the second hour ends Wednesday at 10:00.
    assert business_add(OFFICE, local(2026, 11, 27, 16), 7200) == local(2026, 12, 2, 10)
    # A count that ends exactly at closing time is due at closing time, not next morning.
    assert business_add(OFFICE, local(2026, 12, 7, 16), 3600) == local(2026, 12, 7, 17)


def test_a_wait_begun_out_of_hours_starts_counting_at_opening():
    assert business_add(OFFICE, local(2026, 12, 5, 22), 60) == local(2026, 12, 7, 9, 1)


def test_around_the_clock_in_bucharest_counts_real_time_across_both_clock_changes():
    # 29 March 2026 has 23 hours, 25 October 2026 has 25.
    assert business_seconds(ALWAYS_OPEN, local(2026, 3, 29), local(2026, 3, 30)) == 23 * 3600
    assert business_seconds(ALWAYS_OPEN, local(2026, 10, 25), local(2026, 10, 26)) == 25 * 3600


def test_hours_across_the_change_are_as_long_as_they_really_are():
    night = (((0, 6 * 60),),) * 7  # open 00:00-06:00 every day
    shop = BusinessCalendar(hours=night, country="")
    # Spring: 03:00 becomes 04:00, so 00:00-06:00 lasts 5 hours; autumn: 7 hours.
    assert business_seconds(shop, local(2026, 3, 29), local(2026, 3, 30)) == 5 * 3600
    assert business_seconds(shop, local(2026, 10, 25), local(2026, 10, 26)) == 7 * 3600
    # An office day on the change day (a Sunday opening for the test) keeps its 8 hours.
    sunday = (((),) * 6) + (((540, 1020),),)
    assert (
        business_seconds(
            BusinessCalendar(hours=sunday, country=""), local(2026, 3, 29), local(2026, 3, 30)
        )
        == 8 * 3600
    )


def test_opening_inside_the_spring_gap_opens_when_the_gap_ends():
    gap = (((3 * 60 + 30, 5 * 60),),) * 7  # 03:30-05:00; 03:30 does not exist on 29 March
    shop = BusinessCalendar(hours=gap, country="")
    assert business_seconds(shop, local(2026, 3, 29), local(2026, 3, 30)) == 3600
    assert business_seconds(shop, local(2026, 3, 28), local(2026, 3, 29)) == 5400


def test_bad_hours_are_refused():
    with pytest.raises(CalendarError):
        BusinessCalendar(hours=(((600, 540),),) + ((),) * 6)
    with pytest.raises(CalendarError):
        BusinessCalendar(hours=(((540, 700), (600, 800)),) + ((),) * 6)
    with pytest.raises(CalendarError):
        BusinessCalendar(hours=((),) * 6)


instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
calendars = st.sampled_from(
    [
        OFFICE,
        ALWAYS_OPEN,
        BusinessCalendar(hours=(((0, 6 * 60), (22 * 60, 1440)),) * 7),
        BusinessCalendar(zone="America/New_York", country=""),
        BusinessCalendar(hours=(((120, 300),),) * 7, country=""),  # 02:00-05:00, over changes
    ]
)


@settings(max_examples=200, deadline=None)
@given(calendars, instants, instants, instants)
def test_business_time_adds_up(calendar, a, b, c):
    a, b, c = sorted([a, b, c])
    ab, bc = business_seconds(calendar, a, b), business_seconds(calendar, b, c)
    assert ab >= 0 and bc >= 0
    assert ab + bc == business_seconds(calendar, a, c)
    assert ab <= (b.replace(microsecond=0) - a.replace(microsecond=0)).total_seconds()


@settings(max_examples=200, deadline=None)
@given(calendars, instants, st.integers(min_value=0, max_value=30 * 24 * 3600))
def test_the_due_time_is_exactly_the_target_later(calendar, start, seconds):
    due = business_add(calendar, start, seconds)
    assert due >= start.replace(microsecond=0) or seconds == 0
    assert business_seconds(calendar, start, due) == seconds
    # ... and the first such instant: one second earlier falls short.
    if seconds:
        assert business_seconds(calendar, start, due - timedelta(seconds=1)) == seconds - 1


@settings(max_examples=200, deadline=None)
@given(calendars, instants)
def test_instant_at_inverts_ordinal(calendar, moment):
    key = ordinal(calendar, moment)
    first = instant_at(calendar, key)
    assert first <= moment
    assert ordinal(calendar, first) == key


@settings(max_examples=100, deadline=None)
@given(instants, instants)
def test_around_the_clock_is_real_time(a, b):
    a, b = sorted([a, b])
    seconds = (b.replace(microsecond=0) - a.replace(microsecond=0)).total_seconds()
    assert business_seconds(ALWAYS_OPEN, a, b) == seconds


# Percentiles --------------------------------------------------------------------------------


def test_percentiles_are_hyndman_fan_type_7():
    values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert percentile(values, 0.5) == 55
    assert percentile(values, 0.9) == pytest.approx(91)
    assert percentile([7], 0.9) == 7
    assert percentile([], 0.5) is None


@settings(max_examples=100)
@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=60))
def test_percentiles_agree_with_numpy(values):
    import numpy as np

    for p in (0.5, 0.9):
        assert percentile(values, p) == pytest.approx(float(np.percentile(values, p * 100)))


def test_summary_counts_the_share_within_target():
    summary = summarize([60, 120, 7200, 30], [True, True, False, True])
    assert (summary.count, summary.within_target, summary.share_within) == (4, 3, 0.75)
    assert summary.median == 90
    assert summarize([], []).share_within is None
