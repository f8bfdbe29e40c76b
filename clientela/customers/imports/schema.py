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
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import NamedTuple, TypeVar

from django.utils.translation import gettext as _

from clientela.customers.imports.reader import RawRow, RowError
from clientela.customers.imports.values import (
    BadValue,
    parse_amount,
    parse_datetime,
    parse_email,
    unquote_cell,
)

CUSTOMER_ALIASES = {
    **dict.fromkeys(
        ["external_id", "id", "cod_client", "id_client", "customer_id", "client_id"], "external_id"
    ),
    **dict.fromkeys(["first_name", "prenume", "firstname", "given_name"], "first_name"),
    **dict.fromkeys(["last_name", "nume", "lastname", "surname", "nume_de_familie"], "last_name"),
    **dict.fromkeys(
        [
            "email",
            "e_mail",
            "mail",
            "email_address",
            "adresa_de_email",
            "adresa_email",
            "adresa_de_e_mail",
            "adresa_e_mail",
        ],
        "email",
    ),
    **dict.fromkeys(["phone", "telefon", "tel", "mobil", "phone_number"], "phone"),
    **dict.fromkeys(["address", "adresa", "address_line", "strada"], "address"),
    **dict.fromkeys(["city", "oras", "localitate"], "city"),
    **dict.fromkeys(["postal_code", "cod_postal", "zip", "zip_code", "postcode"], "postal_code"),
    **dict.fromkeys(["country", "tara"], "country"),
    **dict.fromkeys(["language", "limba"], "language"),
    **dict.fromkeys(["tags", "etichete", "tag"], "tags"),
}
ORDER_ALIASES = {
    **dict.fromkeys(
        [
            "external_id",
            "order_id",
            "id_comanda",
            "nr_comanda",
            "numar_comanda",
            "comanda",
            "order_number",
            "id",
        ],
        "external_id",
    ),
    **dict.fromkeys(
        ["customer_external_id", "id_client", "cod_client", "client_id", "customer_id"],
        "customer_external_id",
    ),
    **dict.fromkeys(["customer_email", "email", "e_mail", "email_client"], "customer_email"),
    **dict.fromkeys(
        ["placed_at", "data", "date", "order_date", "data_comenzii", "created_at"], "placed_at"
    ),
    **dict.fromkeys(["status", "stare"], "status"),
    **dict.fromkeys(["currency", "moneda"], "currency"),
    **dict.fromkeys(["total", "suma", "valoare", "amount"], "total"),
}
# Text columns and their maximum lengths (those of the Customer model).
CUSTOMER_TEXT = {
    "external_id": 100,
    "first_name": 100,
    "last_name": 100,
    "phone": 40,
    "address": 200,
    "city": 100,
    "postal_code": 20,
}
LANGUAGES = {
    "ro": "ro",
    "romana": "ro",
    "română": "ro",
    "en": "en",
    "english": "en",
    "engleza": "en",
    "engleză": "en",
}
STATUSES = {
    "placed": "placed",
    "plasata": "placed",
    "plasată": "placed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "anulata": "cancelled",
    "anulată": "cancelled",
    "refunded": "refunded",
    "returnata": "refunded",
    "returnată": "refunded",
    "rambursata": "refunded",
    "rambursată": "refunded",
}
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


class OrderRow(NamedTuple):
    line: int
    external_id: str
    customer_external_id: str | None
    customer_email: str | None
    placed_at: datetime
    status: str
    currency: str | None
    total: Decimal

    @property
    def customer_key(self) -> str:
        """Orders name their customer by external id when given, else by e-mail."""
        if self.customer_external_id:
            return f"id:{self.customer_external_id}"
        return f"email:{self.customer_email}"


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
    if "customer_external_id" not in columns and "customer_email" not in columns:
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


def customer_row(raw: RawRow) -> CustomerRow | list[RowError]:
    cells = _cells(raw)
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
    external_id = values.pop("external_id", "") or None
    if not external_id and not email and not errors:
        errors.append(RowError(raw.line, "external_id", _("needs an external_id or an email")))
    if errors:
        return errors
    tags = None
    if "tags" in cells:
        tags = tuple(sorted({tag.strip()[:60] for tag in cells["tags"].split("|") if tag.strip()}))
    return CustomerRow(raw.line, external_id, email, values, tags)


def order_row(raw: RawRow, zone: tzinfo) -> OrderRow | list[RowError]:
    cells = _cells(raw)
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
    if not customer_id and not email and "customer_email" not in {e.column for e in errors}:
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
    status = _optional(line, "status", cells.get("status", ""), _status, errors) or "placed"
    currency = _optional(line, "currency", cells.get("currency", ""), _currency, errors)
    total = _optional(line, "total", cells.get("total", ""), parse_amount, errors, required=True)
    if errors or placed_at is None or total is None:
        return errors
    return OrderRow(line, external_id, customer_id, email, placed_at, status, currency, total)


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
