"""The accepted columns and the validation of one row of each kind (no Django).

Customers (one of external_id or email is required in every row):
    external_id  id, cod_client, id_client, customer_id, client_id
    first_name   prenume, firstname, given_name
    last_name    nume, lastname, surname, nume_de_familie
    email        e_mail, mail, adresa_de_email, adresa_email
    phone        telefon, tel, mobil, phone_number
    address      adresa, address_line, strada
    city         oras (oraș), localitate
    postal_code  cod_postal, zip, zip_code, postcode
    country      tara (țară), two letters, default RO
    language     limba (limbă): ro or en
    tags         etichete: names separated by |
Orders (external_id, placed_at and total, and customer_external_id and/or customer_email):
    external_id           order_id, id_comanda, nr_comanda, numar_comanda, comanda, order_number
    customer_external_id  id_client, cod_client, client_id, customer_id
    customer_email        email, e_mail, email_client
    placed_at             data, date, order_date, data_comenzii, created_at
    status                stare, status: placed/cancelled/refunded (plasata, anulata, returnata)
    currency              moneda (monedă): three letters (or lei), default the workspace's
    total                 suma (sumă), valoare, amount
Header names are matched without case, diacritics or punctuation (`Adresă e-mail` works).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import NamedTuple, TypeVar

from django.utils.translation import gettext as _

from clientela.commerce.dates import order_date_bounds, order_date_check
from clientela.imports.cells import PROFILE, parse_money, parse_yes_no, platform_cells
from clientela.imports.columns import (
    CUSTOMER_TEXT,
    LANGUAGES,
    STATUSES,
)
from clientela.imports.formats import Format
from clientela.imports.reader import RawRow, RowError
from clientela.imports.values import (
    BadValue,
    parse_amount,
    parse_datetime,
    parse_email,
    unquote_cell,
)

T = TypeVar("T")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")


class CustomerRow(NamedTuple):
    """A valid customer row. `values` holds only the columns present in the file.

    Rows are named tuples, not dataclasses: a million of them are built and pickled.
    """

    line: int
    external_id: str | None
    email: str | None
    values: dict[str, str]
    tags: tuple[str, ...] | None
    marketing: bool | None = None  # the file's answer to "accepts marketing", if it has one


class OrderRow(NamedTuple):
    """A valid order row, in the plain form the write pass stores and inserts.

    The moment is kept as SQLite stores it (naive UTC text) with the UTC offset the file's
    time had, and the total as its two-decimal text: strings pickle and insert several
    times faster than aware datetimes and Decimals, and a million rows go through both.
    `placed_at_value` and `total_value` give back the datetime and the Decimal.
    """

    line: int
    external_id: str
    customer_external_id: str | None
    customer_email: str | None
    # Orders name their customer by external id when given, else by e-mail, else by the name
    # PrestaShop's order list shows: "id:X" / "email:E" / "name:I. Popescu".
    customer_key: str
    placed_at: str  # naive UTC, str(datetime): 2024-12-31 08:00:00
    offset: int  # seconds east of UTC of the time written in the file (its zone's if naive)
    status: str
    currency: str | None
    total: str  # 1234.50
    # The billing name and address (cells.PROFILE) for a customer the order creates.
    profile: tuple[str, ...] | None = None
    marketing: bool | None = None

    @property
    def placed_at_value(self) -> datetime:
        """The aware moment, with the offset the file gave (or its zone had) then."""
        offset = timedelta(seconds=self.offset)
        local = datetime.fromisoformat(self.placed_at) + offset
        return local.replace(tzinfo=timezone(offset))

    @property
    def total_value(self) -> Decimal:
        return Decimal(self.total)


def order_values(
    line: int,
    external_id: str,
    customer_external_id: str | None,
    customer_email: str | None,
    placed_at: datetime,
    status: str,
    currency: str | None,
    total: Decimal,
    customer_name: str | None = None,
    profile: tuple[str, ...] | None = None,
    marketing: bool | None = None,
) -> OrderRow:
    """The OrderRow of parsed values (`placed_at` aware)."""
    if customer_external_id:
        key = f"id:{customer_external_id}"
    elif customer_email:
        key = f"email:{customer_email}"
    else:
        key = f"name:{customer_name}"
    utc, offset = _moment(placed_at)
    return OrderRow(
        line,
        external_id,
        customer_external_id,
        customer_email,
        key,
        utc,
        offset,
        status,
        currency,
        str(total),
        profile,
        marketing,
    )


def _moment(value: datetime) -> tuple[str, int]:
    offset = value.utcoffset() or timedelta(0)
    return str((value - offset).replace(tzinfo=None)), int(offset.total_seconds())


def check_customer_header(columns: list[str]) -> RowError | None:
    if "external_id" not in columns and "email" not in columns:
        return RowError(1, "external_id", _("the header needs an external_id or an email column"))
    return None


def check_order_header(columns: list[str]) -> RowError | None:
    for required in ("external_id", "placed_at", "total"):
        if required not in columns:
            return RowError(
                1, required, _("the header has no %(required)s column") % {"required": required}
            )
    customer = ("customer_external_id", "customer_email", "customer_name")
    if not any(column in columns for column in customer):
        return RowError(
            1,
            "customer_external_id",
            _("the header needs a customer_external_id or a customer_email column"),
        )
    return None


def _cells(raw: RawRow) -> dict[str, str]:
    cells = {name: value.strip() for name, value in raw.cells.items()}
    for name, value in cells.items():
        if value[:1] == "'":
            cells[name] = unquote_cell(value)
    return cells


def customer_row(raw: RawRow, fmt: Format | None = None) -> CustomerRow | list[RowError]:
    cells = _cells(raw)
    if fmt is not None and not fmt.is_ours:
        cells = platform_cells(cells)
    errors: list[RowError] = []
    values: dict[str, str] = {}
    for name, limit in CUSTOMER_TEXT.items():
        if name in cells:
            if len(cells[name]) > limit:
                errors.append(
                    RowError(
                        raw.line, name, _("is longer than %(limit)s characters") % {"limit": limit}
                    )
                )
            values[name] = cells[name]
    email = _optional(raw.line, "email", cells.get("email", ""), parse_email, errors)
    for name, check in (("country", _country), ("language", _language)):
        if cells.get(name):
            value = _optional(raw.line, name, cells[name], check, errors)
            if value:
                values[name] = value
    marketing = _optional(
        raw.line, "accepts_marketing", cells.get("accepts_marketing", ""), parse_yes_no, errors
    )
    external_id = values.pop("external_id", "") or None
    if not external_id and not email and not errors:
        errors.append(RowError(raw.line, "external_id", _("needs an external_id or an email")))
    if errors:
        return errors
    tags = None
    if "tags" in cells:
        separator = fmt.tag_separator if fmt is not None else "|"
        names = cells["tags"].split(separator)
        tags = tuple(sorted({tag.strip()[:60] for tag in names if tag.strip()}))
    return CustomerRow(raw.line, external_id, email, values, tags, marketing)


class OrderParser:
    """`order_row` for one file, with a fast path for the common well-formed row.

    The fast path takes a row only when every cell is of the plain kind it knows (no
    leading quote, a known status, an ISO or day-first date, an amount `parse_amount`
    accepts), and then gives exactly what `order_row` gives; any other row, valid or not,
    goes to `order_row`, which reports each problem. Parsed moments are remembered (up
    to MOMENTS_KEPT of them), since many orders of a file share a date or a minute.
    """

    MOMENTS_KEPT = 10_000

    def __init__(self, zone: tzinfo, fmt: Format | None = None) -> None:
        self.zone = zone
        self.fmt = fmt
        # The fast path knows our own columns only.
        self._slow = fmt is not None and not fmt.is_ours
        self._moments: dict[str, tuple[str, int]] = {}
        # The dates an order may carry, as the naive UTC text of the moments (which compares
        # as the moments do); a row outside them goes to `order_row`, which says why.
        first, last = order_date_bounds(zone)
        self._first = _moment(datetime.combine(first, datetime.min.time(), zone))[0]
        self._last = _moment(datetime.combine(last, datetime.max.time(), zone))[0]
        self._currencies: dict[str, str] = {}

    def _moment(self, text: str) -> tuple[str, int]:
        """`_moment(parse_datetime(text, zone))`, remembered; naive ISO times done directly."""
        moment = None
        if text[:1].isdigit() and len(text) > 9 and text[4] == "-":  # parse_datetime's test
            try:
                value = datetime.fromisoformat(text)
            except ValueError:
                value = None
            if value is not None and value.tzinfo is None and 1900 <= value.year <= 2100:
                # The zone's offset at that wall time, as value.replace(tzinfo=zone) has it.
                offset = self.zone.utcoffset(value) or timedelta(0)
                moment = str(value - offset), int(offset.total_seconds())
        if moment is None:
            moment = _moment(parse_datetime(text, self.zone))
        if len(self._moments) >= self.MOMENTS_KEPT:
            self._moments.clear()
        self._moments[text] = moment
        return moment

    def __call__(self, raw: RawRow) -> OrderRow | list[RowError]:
        if self._slow or "accepts_marketing" in raw.cells:
            return order_row(raw, self.zone, self.fmt)
        get = raw.cells.get
        external_id = get("external_id", "").strip()
        customer_id = get("customer_external_id", "").strip()
        email = get("customer_email", "").strip()
        placed = get("placed_at", "").strip()
        status = get("status", "").strip()
        currency = get("currency", "").strip()
        total = get("total", "").strip()
        if (
            not external_id
            or len(external_id) > 100
            or len(customer_id) > 100
            or "'" in (external_id[0] + customer_id[:1] + email[:1] + placed[:1] + total[:1])
            or "'" in (status[:1] + currency[:1])
        ):
            return order_row(raw, self.zone)
        try:
            address = parse_email(email) if email else None
            if not customer_id and not address:
                return order_row(raw, self.zone)
            moment = self._moments.get(placed)
            if moment is None:
                moment = self._moment(placed)
            if not self._first <= moment[0] <= self._last:
                return order_row(raw, self.zone)
            state = STATUSES[status.lower()] if status else "placed"
            money = self._currencies.get(currency) if currency else None
            if currency and money is None:
                money = self._currencies[currency] = _currency(currency)
            amount = str(parse_amount(total))
        except (BadValue, KeyError):
            return order_row(raw, self.zone)
        return OrderRow(
            raw.line,
            external_id,
            customer_id or None,
            address,
            f"id:{customer_id}" if customer_id else f"email:{address}",
            moment[0],
            moment[1],
            state,
            money,
            amount,
        )


def order_row(raw: RawRow, zone: tzinfo, fmt: Format | None = None) -> OrderRow | list[RowError]:
    cells = _cells(raw)
    platform = fmt is not None and not fmt.is_ours
    if platform:
        cells = platform_cells(cells)
    line = raw.line
    errors: list[RowError] = []
    external_id = cells.get("external_id", "")
    if not external_id:
        errors.append(RowError(line, "external_id", _("is empty")))
    elif len(external_id) > 100:
        errors.append(RowError(line, "external_id", _("is longer than 100 characters")))
    customer_id = cells.get("customer_external_id", "") or None
    if customer_id and len(customer_id) > 100:
        errors.append(RowError(line, "customer_external_id", _("is longer than 100 characters")))
    email = _optional(line, "customer_email", cells.get("customer_email", ""), parse_email, errors)
    name = cells.get("customer_name", "")[:200] or None
    if (
        not customer_id
        and not email
        and not name
        and "customer_email" not in {e.column for e in errors}
    ):
        errors.append(
            RowError(line, "customer_external_id", _("needs a customer_external_id or an email"))
        )
    placed_at = _optional(
        line,
        "placed_at",
        cells.get("placed_at", ""),
        lambda v: parse_datetime(v, zone),
        errors,
        required=True,
    )
    problem = order_date_check(placed_at, zone) if placed_at is not None else None
    if problem:
        errors.append(RowError(line, "placed_at", problem))
    status = _order_status(line, cells, fmt, errors)
    currency = _optional(line, "currency", cells.get("currency", ""), _currency, errors)
    if platform:
        money = _optional(line, "total", cells.get("total", ""), parse_money, errors, required=True)
        total = money[0] if money else None
        currency = currency or (money[1] if money else None)
        refunded = _optional(line, "refunded", cells.get("refunded", ""), parse_money, errors)
        if total is not None and refunded and status == "placed":
            total = max(total - refunded[0], Decimal("0.00"))
    else:
        total = _optional(
            line, "total", cells.get("total", ""), parse_amount, errors, required=True
        )
    profile = _profile(line, cells, errors)
    marketing = _optional(
        line, "accepts_marketing", cells.get("accepts_marketing", ""), parse_yes_no, errors
    )
    if errors or placed_at is None or total is None:
        return errors
    return order_values(
        line,
        external_id,
        customer_id,
        email,
        placed_at,
        status,
        currency,
        total,
        name,
        profile,
        marketing,
    )


def _order_status(
    line: int, cells: dict[str, str], fmt: Format | None, errors: list[RowError]
) -> str:
    text = cells.get("status", "")
    if fmt is None or fmt.is_ours or fmt.status is None:
        return _optional(line, "status", text, _status, errors) or "placed"
    status = (
        fmt.status(text, cells.get("cancelled_at", ""))
        if text or cells.get("cancelled_at")
        else "placed"
    )
    if status is None:
        errors.append(
            RowError(
                line,
                "status",
                _("%(value)s is not a status of a %(platform)s export (%(known)s)")
                % {"value": repr(text), "platform": fmt.label, "known": fmt.statuses_known},
            )
        )
        return "placed"
    return status


def _profile(line: int, cells: dict[str, str], errors: list[RowError]) -> tuple[str, ...] | None:
    """The billing name and address of an order row, as a new customer would hold them."""
    if not any(cells.get(name) for name in PROFILE):
        return None
    values = []
    for name in PROFILE:
        value = cells.get(name, "")
        limit = CUSTOMER_TEXT.get(name)
        if limit and len(value) > limit:
            errors.append(
                RowError(line, name, _("is longer than %(limit)s characters") % {"limit": limit})
            )
        if name == "country" and value:
            value = _optional(line, name, value, _country, errors) or ""
        values.append(value)
    return tuple(values)


def _optional(
    line: int,
    column: str,
    value: str,
    parse: Callable[[str], T],
    errors: list[RowError],
    required: bool = False,
) -> T | None:
    if not value:
        if required:
            errors.append(RowError(line, column, _("is empty")))
        return None
    try:
        return parse(value)
    except BadValue as exc:
        errors.append(RowError(line, column, exc.reason))
        return None


def _country(value: str) -> str:
    if not _COUNTRY.match(value):
        raise BadValue(
            _("%(value)s is not a two-letter country code (RO, MD, …)") % {"value": repr(value)}
        )
    return value.upper()


def _currency(value: str) -> str:
    if value.lower() == "lei":  # what Romanian shops write for RON
        return "RON"
    if not _CURRENCY.match(value):
        raise BadValue(
            _("%(value)s is not a three-letter currency code (RON, EUR, …)")
            % {"value": repr(value)}
        )
    return value.upper()


def _language(value: str) -> str:
    try:
        return LANGUAGES[value.lower()]
    except KeyError:
        raise BadValue(
            _("%(value)s is not a language we write in (ro or en)") % {"value": repr(value)}
        ) from None


def _status(value: str) -> str:
    try:
        return STATUSES[value.lower()]
    except KeyError:
        raise BadValue(
            _("%(value)s is not a status (placed, cancelled or refunded)") % {"value": repr(value)}
        ) from None
