"""Business time: the seconds a shop is open between two instants, and the instant a number
of open seconds after another.

Everything is counted on one axis per calendar, the *business ordinal*: the open seconds from
EPOCH (local midnight of 1 January 2000) to an instant. The open seconds between two instants
are the difference of their ordinals, and the due time of a target is the first instant whose
ordinal reaches the start's plus the target. Because the ordinal only grows with time, a list
of waits sorted by their starting ordinal is sorted by business time waited, for every "now".

Opening hours are wall-clock times in the calendar's zone, so a day on which the clocks change
is as long as it really is: read through `zoneinfo` (PEP 495), an interval over the spring
change is an hour shorter and one over the autumn change an hour longer. A wall time that does
not exist (inside the spring gap) is read as the first instant after the gap; a wall time that
happens twice (the autumn repeat) as its first occurrence (fold=0).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from clientela.inbox.stats.holidays import BUILTIN

EPOCH_YEAR = 2000
DAY_MINUTES = 24 * 60
# Monday to Friday 09:00-17:00.
OFFICE_HOURS: tuple[tuple[tuple[int, int], ...], ...] = ((((9 * 60, 17 * 60),),) * 5) + ((), ())
ALWAYS: tuple[tuple[tuple[int, int], ...], ...] = (((0, DAY_MINUTES),),) * 7

Intervals = tuple[tuple[int, int], ...]


class CalendarError(ValueError):
    """Opening hours that cannot be read: out of the day, reversed or overlapping."""


def intervals_check(hours: Iterable[Iterable[tuple[int, int]]]) -> tuple[Intervals, ...]:
    """The week's opening hours (Monday first; minutes from local midnight, end exclusive,
    up to 1440), sorted, or CalendarError."""
    week = tuple(tuple(sorted((int(s), int(e)) for s, e in day)) for day in hours)
    if len(week) != 7:
        raise CalendarError("seven days of opening hours, Monday first")
    for day in week:
        previous_end = 0
        for start, end in day:
            if not 0 <= start < end <= DAY_MINUTES or start < previous_end:
                raise CalendarError(f"bad interval {start}-{end}")
            previous_end = end
    return week


@dataclass(frozen=True)
class BusinessCalendar:
    """When a shop answers: weekly hours in `zone`, minus the public holidays of `country`
    (a key of `holidays.BUILTIN`, or "" for none), minus `added` days, plus `removed` ones."""

    zone: str = "Europe/Bucharest"
    hours: tuple[Intervals, ...] = OFFICE_HOURS
    country: str = "RO"
    added: frozenset[date] = field(default_factory=frozenset)
    removed: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "hours", intervals_check(self.hours))
        if self.country and self.country not in BUILTIN:
            raise CalendarError(f"no built-in holidays for {self.country!r}")
        # Every cached lookup hashes the calendar: hash its fields once.
        fields = (self.zone, self.hours, self.country, self.added, self.removed)
        object.__setattr__(self, "_hash", hash(fields))

    def __hash__(self) -> int:
        return int(self.__dict__["_hash"])

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def is_holiday(self, day: date) -> bool:
        if day in self.added:
            return True
        if day in self.removed or not self.country:
            return False
        return day in BUILTIN[self.country](day.year)

    def week_seconds(self) -> int:
        """Open seconds of a week without holidays or clock changes; 0 for a shop never open."""
        return sum(end - start for day in self.hours for start, end in day) * 60


def _instant(tz: ZoneInfo, day: date, minute: int) -> datetime:
    """The UTC instant of wall time `minute` (0..1440) on `day` in `tz` (see the module)."""
    if minute == DAY_MINUTES:
        day, minute = day + timedelta(days=1), 0
    wall = datetime.combine(day, time(minute // 60, minute % 60))
    moment = wall.replace(tzinfo=tz).astimezone(UTC)
    # Inside the spring gap the wall time does not exist: step to the first one that does.
    while moment.astimezone(tz).replace(tzinfo=None) != wall:
        wall += timedelta(minutes=1)
        moment = wall.replace(tzinfo=tz).astimezone(UTC)
    return moment


@lru_cache(maxsize=65536)
def day_intervals(calendar: BusinessCalendar, day: date) -> tuple[tuple[datetime, datetime], ...]:
    """The open intervals of local `day`, as UTC instants (empty on a holiday)."""
    if calendar.is_holiday(day):
        return ()
    tz = calendar.tz
    spans = []
    for start, end in calendar.hours[day.weekday()]:
        a, b = _instant(tz, day, start), _instant(tz, day, end)
        if b > a:
            spans.append((a, b))
    return tuple(spans)


def _day_seconds(calendar: BusinessCalendar, day: date) -> int:
    return sum(int((b - a).total_seconds()) for a, b in day_intervals(calendar, day))


def _days(start: date, end: date) -> Iterable[date]:
    day = start
    while day < end:
        yield day
        day += timedelta(days=1)


@lru_cache(maxsize=4096)
def _year_start(calendar: BusinessCalendar, year: int) -> int:
    """The ordinal of local midnight, 1 January of `year` (>= EPOCH_YEAR)."""
    if year <= EPOCH_YEAR:
        return 0
    previous = _year_start(calendar, year - 1)
    return previous + sum(
        _day_seconds(calendar, d) for d in _days(date(year - 1, 1, 1), date(year, 1, 1))
    )


def _whole_seconds(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    return moment.astimezone(UTC).replace(microsecond=0)


@lru_cache(maxsize=65536)
def _month_start(calendar: BusinessCalendar, year: int, month: int) -> int:
    """The ordinal of local midnight on the first of `month` in `year`."""
    if month == 1:
        return _year_start(calendar, year)
    first = date(year, month - 1, 1)
    return _month_start(calendar, year, month - 1) + sum(
        _day_seconds(calendar, d) for d in _days(first, date(year, month, 1))
    )


def ordinal(calendar: BusinessCalendar, moment: datetime) -> int:
    """Open seconds from the epoch to `moment` (aware; microseconds dropped)."""
    moment = _whole_seconds(moment)
    local_day = moment.astimezone(calendar.tz).date()
    if local_day.year < EPOCH_YEAR:
        raise ValueError("instants before 2000 are not counted")
    month_first = local_day.replace(day=1)
    total = _month_start(calendar, local_day.year, local_day.month)
    total += sum(_day_seconds(calendar, d) for d in _days(month_first, local_day))
    for a, b in day_intervals(calendar, local_day):
        if moment >= b:
            total += int((b - a).total_seconds())
        elif moment > a:
            total += int((moment - a).total_seconds())
    return total


def business_seconds(calendar: BusinessCalendar, start: datetime, end: datetime) -> int:
    """Open seconds from `start` to `end` (negative when `end` comes first)."""
    return ordinal(calendar, end) - ordinal(calendar, start)


def instant_at(calendar: BusinessCalendar, key: int) -> datetime:
    """The first instant whose ordinal is `key`: where a count of open seconds ends (at an
    interval's end rather than the next one's start). Raises ValueError for a calendar that
    is never open (no instant ever reaches a positive key)."""
    if key <= 0:
        return datetime(EPOCH_YEAR, 1, 1, tzinfo=calendar.tz).astimezone(UTC)
    if calendar.week_seconds() == 0:
        raise ValueError("the calendar is never open")
    year = EPOCH_YEAR
    while _year_start(calendar, year + 1) < key:
        year += 1
    month = 1
    while month < 12 and _month_start(calendar, year, month + 1) < key:
        month += 1
    total = _month_start(calendar, year, month)
    day = date(year, month, 1)
    while True:
        for a, b in day_intervals(calendar, day):
            length = int((b - a).total_seconds())
            if total + length >= key:
                return a + timedelta(seconds=key - total)
            total += length
        day += timedelta(days=1)


def business_add(calendar: BusinessCalendar, start: datetime, seconds: int) -> datetime:
    """The instant `seconds` open seconds after `start`: the due time of a target."""
    return instant_at(calendar, ordinal(calendar, start) + seconds)
