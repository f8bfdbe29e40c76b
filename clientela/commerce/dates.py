"""The dates an order may carry: from 1 January 2000 to a year from today.

An order dated year 1 or 2100 distorts every score computed from the history (a customer
"active" for two thousand years), and one dated 9999 overflows the date arithmetic of the
letters scheduled after it. Every way in (the form, the API, an import) asks here.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from django.utils import formats, timezone
from django.utils.translation import gettext as _

FIRST_ORDER_DATE = date(2000, 1, 1)
# How far ahead an order may be dated: a pre-order, never a typo of the year.
YEARS_AHEAD = 1


def _a_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return day.replace(year=day.year + YEARS_AHEAD, day=28)


def order_date_bounds(zone: tzinfo, *, today: date | None = None) -> tuple[date, date]:
    """The first and the last day (inclusive, in `zone`) an order may be dated."""
    today = today or timezone.localdate(timezone=zone)
    return FIRST_ORDER_DATE, _a_year_after(today)


def order_date_check(placed_at: datetime, zone: tzinfo) -> str | None:
    """Why `placed_at` (aware) cannot be an order's date, or None when it can."""
    first, last = order_date_bounds(zone)
    try:
        day = placed_at.astimezone(zone).date()
    except OverflowError:  # year 1 or 9999 moved across midnight by the zone's offset
        day = None
    if day is not None and first <= day <= last:
        return None
    return _("The order date must be between %(first)s and %(last)s.") % {
        "first": formats.date_format(first, "SHORT_DATE_FORMAT"),
        "last": formats.date_format(last, "SHORT_DATE_FORMAT"),
    }
