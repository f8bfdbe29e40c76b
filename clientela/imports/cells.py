"""What the platforms' exports write differently from our columns, made ours (no Django).

Whole names split into first and last, a second address line joined to the first, the
address's phone as a fallback, yes/no answers, and amounts written with their currency
("249,90 lei", "€ 12.00").
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from clientela.imports.values import BadValue, parse_amount

YES = frozenset({"yes", "y", "true", "1", "da", "subscribed", "opted_in"})
NO = frozenset({"no", "n", "false", "0", "nu", "", "unsubscribed", "not_subscribed"})
CURRENCY_SIGNS = {
    "lei": "RON",
    "ron": "RON",
    "€": "EUR",
    "eur": "EUR",
    "$": "USD",
    "usd": "USD",
    "£": "GBP",
    "gbp": "GBP",
}
_MONEY = re.compile(
    r"^(?P<before>[^\d.,\s-]*)\s*(?P<number>-?[\d.,\s\u00a0\u202f]*\d)\s*(?P<after>\D*)$"
)
PROFILE = ("first_name", "last_name", "phone", "address", "city", "postal_code", "country")


def split_name(full: str) -> tuple[str, str]:
    """`Ana-Maria Pop Ionescu` → (`Ana-Maria`, `Pop Ionescu`): the first word is the first
    name, as the shops' forms ask for it first."""
    first, _sep, last = full.strip().partition(" ")
    return first, last.strip()


def platform_cells(cells: dict[str, str]) -> dict[str, str]:
    """`cells` with the platforms' extra columns folded into ours (see `formats`)."""
    ident = cells.get("external_id", "")
    if ident[:1] == "'" and ident[1:].isdigit():  # Shopify's guard against Excel's rounding
        cells["external_id"] = ident[1:]
    full = cells.pop("full_name", None)
    if full is not None and not cells.get("first_name") and not cells.get("last_name"):
        cells["first_name"], cells["last_name"] = split_name(full)
    second = cells.pop("address2", "")
    if second:
        cells["address"] = ", ".join(part for part in (cells.get("address", ""), second) if part)
    phone = cells.pop("address_phone", "")
    if phone and not cells.get("phone"):
        cells["phone"] = phone
    return cells


def parse_yes_no(raw: str) -> bool:
    key = raw.strip().lower().replace("-", "_").replace(" ", "_")
    if key in YES:
        return True
    if key in NO:
        return False
    raise BadValue(_("%(value)s is not yes or no") % {"value": repr(raw.strip())})


def parse_money(raw: str) -> tuple[Decimal, str | None]:
    """An amount with or without its currency (`249,90 lei`, `RON 1.249,90`, `€12.00`)."""
    match = _MONEY.match(raw.strip())
    if not match:
        raise BadValue(_("%(value)s is not an amount") % {"value": repr(raw.strip())})
    sign = (match["before"] or match["after"]).strip().lower()
    currency = None
    if sign:
        currency = CURRENCY_SIGNS.get(sign)
        if currency is None and re.fullmatch(r"[a-z]{3}", sign):
            currency = sign.upper()
        if currency is None:
            raise BadValue(_("%(value)s is not an amount") % {"value": repr(raw.strip())})
    number = match["number"].strip()
    if number.startswith("-"):  # a refund written as a negative amount
        number = number[1:]
    return parse_amount(number), currency
