"""The layouts an import recognises by the header: our own columns, and the orders and
customers exports of Shopify, WooCommerce and PrestaShop, read as those shops write them
(no Django but translations).

A `Format` maps the header's names (as `reader.header_key` writes them) to our canonical
columns, says how the shop writes an order's status, and whether an order spans several
rows (Shopify's export repeats an order on each of its line items). `recognise` picks the
layout of a header: the first platform whose signature columns are all there, else ours.
The layouts themselves are in `platforms`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise

# Canonical columns beyond the ones of our own layout (schema.CUSTOMER_ALIASES and
# ORDER_ALIASES), read from the platforms' exports:
#   full_name          a whole name, split into first and last name when those are absent
#   address2           the address's second line, appended to `address`
#   address_phone      the address's phone, used when the customer has no phone of its own
#   accepts_marketing  yes/no: consent to promotions by e-mail, recorded with the file
#   refunded           the amount refunded of an order (a partial refund lowers its total)
#   cancelled_at       when the order was cancelled (Shopify): a cancelled order
#   customer_name      the customer as PrestaShop's order list shows it ("I. Popescu")


@dataclass(frozen=True)
class Column:
    """A column of a layout, for the import page and the template: its name as the shop
    writes it, what we do with it, and an example value."""

    name: str
    meaning: Promise | str
    example: str


@dataclass(frozen=True)
class Format:
    key: str  # "clientela", "shopify", "woocommerce", "prestashop"
    kind: str  # "customers" or "orders"
    label: str
    aliases: dict[str, str]  # header key -> canonical column
    # Each a set of header keys that, all present, identify the layout.
    signatures: tuple[frozenset[str], ...]
    columns: tuple[Column, ...]
    # The shop's status text (and `cancelled_at`) -> ours, None for a text it never writes.
    status: Callable[[str, str], str | None] | None = None
    statuses_known: str = ""  # the statuses it writes, for the error message
    grouped: bool = False  # consecutive rows of one order are its line items
    tag_separator: str = "|"
    delimiter: str = ","
    notes: Sequence[Promise | str] = field(default=())

    @property
    def is_ours(self) -> bool:
        return self.key == "clientela"

    @property
    def slug(self) -> str:
        return f"{self.key}-{self.kind}"


def recognise(kind: str, header_keys: list[str]) -> Format:
    """The layout of a header of `kind`: a platform's when its signature is present."""
    from clientela.imports.formats.platforms import FORMATS, OURS

    present = set(header_keys)
    for fmt in FORMATS:
        if fmt.kind == kind and any(signature <= present for signature in fmt.signatures):
            return fmt
    return OURS[kind]


def all_formats() -> list[Format]:
    """Ours first, then each platform's, customers before orders."""
    from clientela.imports.formats.platforms import FORMATS, OURS

    return [OURS["customers"], OURS["orders"], *FORMATS]


def format_by_slug(slug: str) -> Format | None:
    return next((fmt for fmt in all_formats() if fmt.slug == slug), None)


def template_csv(fmt: Format) -> str:
    """A file in the layout of `fmt` to fill in: its header and one example row, with a
    UTF-8 byte order mark (Excel then reads the diacritics). Ours is separated by
    semicolons, as Excel in Romania saves; a platform's as that platform exports."""
    import csv
    import io

    delimiter = ";" if fmt.is_ours else fmt.delimiter
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([column.name for column in fmt.columns])
    writer.writerow([column.example for column in fmt.columns])
    return "\ufeff" + out.getvalue()
