"""Pure parsers for the values found in shops' CSV files (no Django).

Each parser returns the clean value or raises `BadValue` with a reason the user can act on.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils.translation import gettext as _

from clientela.customers.normalize import InvalidEmail, normalize_email


class BadValue(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# 31.12.2024, 31/12/2024, 31-12-2024, optionally followed by HH:MM or HH:MM:SS.
_DAY_FIRST = re.compile(
    r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'")
_DIGITS = re.compile(r"^\d+$")
_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
_PLAIN_AMOUNT = re.compile(r"^\d{1,10}(?:\.\d{1,2})?$")
_CENT = Decimal("0.01")
MAX_INTEGER_DIGITS = 10  # Order.total is DECIMAL(12, 2)


def parse_datetime(raw: str, zone: tzinfo) -> datetime:
    """ISO 8601 or day-first (31.12.2024 [HH:MM[:SS]]); a time without an offset is in `zone`."""
    text = raw.strip()
    if not text:
        raise BadValue(_("is empty"))
    if text[:1].isdigit() and len(text) > 9 and text[4] == "-":
        value = _parse_iso(text)
    else:
        value = _parse_day_first(text)
    if not 1900 <= value.year <= 2100:
        raise BadValue(_("year %(year)s is out of range") % {"year": value.year})
    return value if value.tzinfo else value.replace(tzinfo=zone)


def _parse_iso(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise BadValue(_("%(value)s is not a valid date") % {"value": repr(text)}) from None


def _parse_day_first(text: str) -> datetime:
    match = _DAY_FIRST.match(text)
    if not match:
        raise BadValue(
            _("%(value)s is not a date (use 2024-12-31 or 31.12.2024)") % {"value": repr(text)}
        )
    day, _sep, month, year, hour, minute, second = match.groups()
    try:
        moment = date(int(year), int(month), int(day))
        clock = time(int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        raise BadValue(_("%(value)s is not a valid date") % {"value": repr(text)}) from None
    return datetime.combine(moment, clock)


def parse_amount(raw: str) -> Decimal:
    """A non-negative amount with decimal comma or point: 1.234,56 · 1,234.56 · 1234,56.

    A single separator followed by exactly three digits (1.234 or 1,234) could be either a
    thousands separator or a decimal one, so it is refused rather than guessed.
    """
    if _PLAIN_AMOUNT.match(raw):  # 1234 or 1234.5 or 1234.56: the common case, fast
        return Decimal(raw).quantize(_CENT)
    text = raw.strip().translate(_SPACES)
    if not text:
        raise BadValue(_("is empty"))
    if text.startswith("-"):
        raise BadValue(_("cannot be negative"))
    value = Decimal(_canonical_number(text, raw))
    # the exponent is a str only for NaN and infinity, which `_canonical_number` refuses.
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise BadValue(_("%(value)s has more than two decimals") % {"value": repr(raw.strip())})
    if len(str(int(value))) > MAX_INTEGER_DIGITS:
        raise BadValue(_("%(value)s is too large") % {"value": repr(raw.strip())})
    return value.quantize(_CENT)


def _canonical_number(text: str, raw: str) -> str:
    """`text` rewritten with a point as the decimal separator and no grouping."""
    comma, point = text.rfind(","), text.rfind(".")
    if comma >= 0 and point >= 0:
        decimal_sep = "," if comma > point else "."
        whole, _sep, fraction = text.rpartition(decimal_sep)
        if not _GROUPED.match(whole) and not _DIGITS.match(whole):
            raise BadValue(_("%(value)s is not an amount") % {"value": repr(raw.strip())})
        whole = whole.replace(",", "").replace(".", "")
    elif comma >= 0 or point >= 0:
        sep = "," if comma >= 0 else "."
        if text.count(sep) > 1:
            if not _GROUPED.match(text):
                raise BadValue(_("%(value)s is not an amount") % {"value": repr(raw.strip())})
            return text.replace(sep, "")
        whole, _sep, fraction = text.partition(sep)
        if len(fraction) == 3 and _DIGITS.match(whole) and whole != "0":
            raise BadValue(
                _(
                    "%(value)s is ambiguous: %(plain)s or %(decimal)s? "
                    "Write the amount without a thousands separator"
                )
                % {
                    "value": repr(raw.strip()),
                    "plain": whole + fraction,
                    "decimal": f"{whole}.{fraction}",
                }
            )
    else:
        whole, fraction = text, ""
    if not _DIGITS.match(whole) or (fraction and not _DIGITS.match(fraction)):
        raise BadValue(_("%(value)s is not an amount") % {"value": repr(raw.strip())})
    candidate = f"{whole}.{fraction}" if fraction else whole
    try:
        Decimal(candidate)
    except InvalidOperation:
        raise BadValue(_("%(value)s is not an amount") % {"value": repr(raw.strip())}) from None
    return candidate


@lru_cache(maxsize=65536)  # orders repeat their customers' addresses
def parse_email(raw: str) -> str:
    try:
        return normalize_email(raw)
    except InvalidEmail:
        raise BadValue(
            _("%(value)s is not a valid e-mail address") % {"value": repr(raw.strip())}
        ) from None


def unquote_cell(value: str) -> str:
    """Undo the formula guard of our own export: a leading quote before = + - @ tab or CR."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value
