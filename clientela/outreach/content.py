"""A message's content as blocks, and its rendering to a text part and an HTML fragment.

A brochure is a list of blocks, each a small dict with a `type`:

- ``heading``: text
- ``text``: text (paragraphs separated by a blank line)
- ``product``: name, description, price, currency, image (a `ContentImage` token), url
- ``promotion``: name, description, discount, starts_on, ends_on (ISO dates, optional)
- ``button``: label, url

Every text field may use the variables of `clientela.outreach.rendering` (``{{ customer.
first_name }}``, ``{{ shop.name }}``...); each is rendered in the sandbox as plain text and
then escaped for the HTML part, so a customer's name can never inject markup.

`render_content` is the one entry point the sending code uses:

    render_content(subject=..., blocks=..., body_text=..., body_html=..., context=...,
                   language="ro") -> RenderedContent(subject, text, html_fragment)

`html_fragment` is the inner part of an HTML mail: tables and inline CSS, 600 px wide at most,
no <html>/<body>, no styles in <head> (clients drop them). The outer layout (logo, colours,
the shop's address and the unsubscribe footer) wraps it; until that layout exists the
fragment is sent as the HTML part as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import formats, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientela.outreach.rendering import TemplateInvalid, render_message, render_part

BLOCK_TYPES = ("heading", "text", "product", "promotion", "button")
# The fields of each type, with their longest accepted value.
BLOCK_FIELDS: dict[str, dict[str, int]] = {
    "heading": {"text": 200},
    "text": {"text": 5000},
    "product": {
        "name": 200,
        "description": 2000,
        "price": 20,
        "currency": 3,
        "image": 48,
        "url": 500,
    },
    "promotion": {
        "name": 200,
        "description": 2000,
        "discount": 100,
        "starts_on": 10,
        "ends_on": 10,
    },
    "button": {"label": 80, "url": 500},
}
# The field a block cannot do without.
REQUIRED = {
    "heading": "text",
    "text": "text",
    "product": "name",
    "promotion": "name",
    "button": "label",
}
MAX_BLOCKS = 40
# The variables a writer inserts from the list next to a field: (variable, what it is).
VARIABLES = (
    ("customer.first_name", gettext_lazy("First name")),
    ("customer.last_name", gettext_lazy("Last name")),
    ("customer.display_name", gettext_lazy("Full name")),
    ("shop.name", gettext_lazy("Shop name")),
    ("campaign.title", gettext_lazy("Campaign title")),
    ("unsubscribe_url", gettext_lazy("Unsubscribe link")),
)
_URL = re.compile(r"^https?://[^\s<>\"']+$")
_IMAGE_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,40}\.(png|jpg|gif)$")


@dataclass(frozen=True)
class RenderedContent:
    subject: str
    text: str
    html_fragment: str


class BlockInvalid(ValueError):
    """A block refused: `index` is its position (0-based), `field` the field at fault."""

    def __init__(self, index: int, field: str, message: str) -> None:
        super().__init__(message)
        self.index = index
        self.field = field
        self.message = message


def block_clean(raw: dict[str, Any], index: int = 0) -> dict[str, str]:
    """One block with only its type's fields, stripped and within limits; BlockInvalid else."""
    kind = str(raw.get("type", ""))
    if kind not in BLOCK_FIELDS:
        raise BlockInvalid(index, "type", _("Unknown kind of block."))
    block = {"type": kind}
    for field, limit in BLOCK_FIELDS[kind].items():
        value = str(raw.get(field, "") or "").strip()
        if len(value) > limit:
            raise BlockInvalid(index, field, _("At most %(n)d characters.") % {"n": limit})
        block[field] = value
    if not block[REQUIRED[kind]]:
        raise BlockInvalid(index, REQUIRED[kind], _("This field is required."))
    if block.get("url") and not _URL.match(block["url"]):
        raise BlockInvalid(index, "url", _("Enter an address that starts with https://."))
    if kind == "button" and not block["url"]:
        raise BlockInvalid(index, "url", _("A button needs an address."))
    if block.get("image") and not _IMAGE_TOKEN.match(block["image"]):
        raise BlockInvalid(index, "image", _("Unknown image."))
    if block.get("price"):
        try:
            block["price"] = str(
                Decimal(block["price"].replace(",", ".")).quantize(Decimal("0.01"))
            )
        except InvalidOperation:
            raise BlockInvalid(index, "price", _("Enter a price such as 49.90.")) from None
    if kind == "promotion":
        for field in ("starts_on", "ends_on"):
            if block[field]:
                try:
                    date.fromisoformat(block[field])
                except ValueError:
                    raise BlockInvalid(index, field, _("Enter a date.")) from None
        if block["starts_on"] and block["ends_on"] and block["starts_on"] > block["ends_on"]:
            raise BlockInvalid(index, "ends_on", _("A promotion must end on or after its start."))
    return block


def blocks_clean(raw: list[Any]) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        raise BlockInvalid(0, "type", _("Blocks must be a list."))
    if len(raw) > MAX_BLOCKS:
        raise BlockInvalid(MAX_BLOCKS, "type", _("At most %(n)d blocks.") % {"n": MAX_BLOCKS})
    return [block_clean(b if isinstance(b, dict) else {}, i) for i, b in enumerate(raw)]


def image_url(token: str) -> str:
    """The image's stable address on the shop's own site (see `ContentImage`)."""
    return f"{settings.SITE_URL}/i/{token}"


def _price(block: dict[str, str]) -> str:
    if not block.get("price"):
        return ""
    number = formats.number_format(
        Decimal(block["price"]), decimal_pos=2, use_l10n=True, force_grouping=True
    )
    currency = block.get("currency", "")
    return f"{number}\N{NO-BREAK SPACE}{currency}" if currency else number


def _dates(block: dict[str, str]) -> str:
    start, end = block.get("starts_on", ""), block.get("ends_on", "")

    def day(value: str) -> str:
        return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")

    if start and end:
        return _("%(start)s to %(end)s") % {"start": day(start), "end": day(end)}
    if end:
        return _("until %(end)s") % {"end": day(end)}
    if start:
        return _("from %(start)s") % {"start": day(start)}
    return ""


def _filled(blocks: list[dict[str, str]], context: dict[str, Any]) -> list[dict[str, str]]:
    """Each block with its variables rendered (plain text); TemplateInvalid names the block."""
    out = []
    for index, block in enumerate(blocks):
        filled = {"type": block["type"]}
        for field, value in block.items():
            if field == "type":
                continue
            name = _("block %(n)d") % {"n": index + 1}
            filled[field] = render_part(name, value, context, html=False) if value else ""
        out.append(filled)
    return out


def blocks_text(blocks: list[dict[str, str]]) -> str:
    """The plain-text part of rendered blocks."""
    parts: list[str] = []
    for b in blocks:
        kind = b["type"]
        if kind == "heading":
            parts.append(f"{b['text']}\n{'=' * min(len(b['text']), 60)}")
        elif kind == "text":
            parts.append(b["text"])
        elif kind == "product":
            line = " — ".join(x for x in (b["name"], _price(b)) if x)
            parts.append("\n".join(x for x in (line, b["description"], b["url"]) if x))
        elif kind == "promotion":
            line = ": ".join(x for x in (b["name"], b["discount"]) if x)
            parts.append("\n".join(x for x in (line, _dates(b), b["description"]) if x))
        elif kind == "button":
            parts.append(f"{b['label']}: {b['url']}")
    return "\n\n".join(parts).strip() + "\n"


_CELL = "padding:8px 20px;font-family:Arial,Helvetica,sans-serif;color:#1f2933;"


def _paragraphs(text: str) -> str:
    return "".join(
        f'<p style="margin:0 0 12px;font-size:16px;line-height:1.5">'
        f"{escape(p).replace(chr(10), '<br>')}</p>"
        for p in re.split(r"\n\s*\n", text)
        if p.strip()
    )


def _row(inner: str) -> str:
    return f'<tr><td style="{_CELL}">{inner}</td></tr>'


def blocks_html(blocks: list[dict[str, str]]) -> str:
    """The inner HTML fragment of rendered blocks: one 600 px table, a row per block."""
    rows = []
    for b in blocks:
        kind = b["type"]
        if kind == "heading":
            style = "margin:8px 0;font-size:22px;line-height:1.3"
            rows.append(_row(f'<h2 style="{style}">{escape(b["text"])}</h2>'))
        elif kind == "text":
            rows.append(_row(_paragraphs(b["text"])))
        elif kind == "product":
            image = ""
            if b["image"]:
                image = (
                    f'<img src="{escape(image_url(b["image"]))}" alt="{escape(b["name"])}" '
                    'width="560" style="display:block;width:100%;max-width:560px;height:auto;'
                    'border:0;margin:0 0 8px">'
                )
            name = f'<strong style="font-size:18px">{escape(b["name"])}</strong>'
            if b["url"]:
                name = f'<a href="{escape(b["url"])}" style="color:#1f2933">{name}</a>'
            price = (
                f'<p style="margin:4px 0;font-size:18px;font-weight:bold">{escape(_price(b))}</p>'
                if b["price"]
                else ""
            )
            rows.append(_row(image + name + price + _paragraphs(b["description"])))
        elif kind == "promotion":
            big = "margin:4px 0;font-size:20px;font-weight:bold"
            discount = f'<p style="{big}">{escape(b["discount"])}</p>' if b["discount"] else ""
            dates = _dates(b)
            when = f'<p style="margin:4px 0;font-size:14px">{escape(dates)}</p>' if dates else ""
            rows.append(
                f'<tr><td style="{_CELL}"><table role="presentation" width="100%" '
                'cellpadding="0" cellspacing="0" style="border:2px dashed #9aa5b1">'
                f'<tr><td style="padding:12px 16px">'
                f'<strong style="font-size:18px">{escape(b["name"])}</strong>'
                f"{discount}{when}{_paragraphs(b['description'])}</td></tr></table></td></tr>"
            )
        elif kind == "button":
            rows.append(
                _row(
                    f'<a href="{escape(b["url"])}" style="display:inline-block;padding:12px 24px;'
                    "background:#1f2933;color:#ffffff;text-decoration:none;border-radius:4px;"
                    f'font-weight:bold">{escape(b["label"])}</a>'
                )
            )
    return (
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        'style="max-width:600px;margin:0 auto;border-collapse:collapse">'
        + "".join(rows)
        + "</table>"
    )


def text_html(text: str) -> str:
    """A hand-written plain text as the same kind of fragment (paragraphs in the table)."""
    return blocks_html([{"type": "text", "text": text}])


def render_content(
    *,
    subject: str,
    blocks: list[dict[str, str]],
    body_text: str = "",
    body_html: str = "",
    context: dict[str, Any],
    language: str,
) -> RenderedContent:
    """A message's subject, text part and HTML fragment for one context, in `language`
    (dates and prices in its forms). A hand-written `body_text`/`body_html` wins over the
    blocks for its part; with neither, both parts come from the blocks. Raises
    TemplateInvalid (naming the part or block) when something does not render."""
    # Errors speak the writer's language; dates, prices and words in the message the reader's.
    rendered = render_message(
        subject=subject, body_text=body_text or " ", body_html=body_html, context=context
    )
    filled = _filled(blocks, context)
    if not filled and not body_text.strip():
        raise TemplateInvalid("body_text", _("Add a block or write the plain text."))
    with translation.override(language):
        text = rendered.body_text if body_text.strip() else blocks_text(filled)
        if body_html.strip():
            html = rendered.body_html
        elif filled:
            html = blocks_html(filled)
        else:
            html = text_html(text)
    return RenderedContent(subject=rendered.subject, text=text, html_fragment=html)
