"""Romanian public holidays (days off by law), computed for any year.

Source: Law 53/2003 (the Labour Code), art. 139 (1), as amended by Law 147/2012 (30 November),
Law 176/2016 (24 January), Law 220/2016 (1 June), Law 64/2018 (Good Friday) and Law 52/2023
(6 and 7 January). The movable feasts follow the Orthodox Easter: Good Friday, Easter Sunday
and Monday, Pentecost (Rusalii) Sunday and Monday, 49 and 50 days after Easter. The two days
each for the feasts of non-Christian faiths are granted per employee, not to the whole shop, so
they are not built in: a workspace adds them by hand.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

# (month, day, first year of the law that made it a day off)
_FIXED: tuple[tuple[int, int, int], ...] = (
    (1, 1, 0),
    (1, 2, 0),
    (1, 6, 2024),
    (1, 7, 2024),
    (1, 24, 2017),
    (5, 1, 0),
    (6, 1, 2017),
    (8, 15, 0),
    (11, 30, 2012),
    (12, 1, 0),
    (12, 25, 0),
    (12, 26, 0),
)


def orthodox_easter(year: int) -> date:
    """The Orthodox Easter Sunday of `year`, as a Gregorian date.

    Meeus' Julian algorithm (J. Meeus, *Astronomical Algorithms*, 1991, ch. 8) gives the
    date in the Julian calendar; the Julian calendar runs `year // 100 - year // 400 - 2`
    days behind the Gregorian one (13 days from 1900 to 2099), which is added.
    """
    a = year % 4
    b = year % 7
    c = year % 19
    d = (19 * c + 15) % 30
    e = (2 * a + 4 * b - d + 34) % 7
    month, day0 = divmod(d + e + 114, 31)
    julian = date(year, month, day0 + 1)
    return julian + timedelta(days=year // 100 - year // 400 - 2)


@lru_cache(maxsize=256)
def romanian_holidays(year: int) -> frozenset[date]:
    """The days off by law in Romania in `year` (see the module's sources)."""
    days = {date(year, month, day) for month, day, since in _FIXED if year >= since}
    easter = orthodox_easter(year)
    moving = [0, 1, 49, 50] + ([-2] if year >= 2018 else [])
    days.update(easter + timedelta(days=offset) for offset in moving)
    return frozenset(days)


BUILTIN = {"RO": romanian_holidays}
