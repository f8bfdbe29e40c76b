"""The letters to write by hand, printed: the letters, envelopes and address labels (PDF).

The letter page follows DIN 5008 form B, the layout window envelopes are made for: the address
field 85 x 45 mm, 20 mm from the left edge and 45 mm from the top (its first 5 lines' room
holds the sender's line), fold marks at 105 and 210 mm and a punch mark at 148.5 mm. Folded
twice at the marks, an A4 letter fits a DL (110 x 220 mm) window envelope with the address in
the window. Envelopes: DL (ISO 269, 110 x 220 mm) and C5 (162 x 229 mm), the address in the
lower right half as the post asks; labels: an A4 sheet of 3 x 8 labels, 70 x 37 mm each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from clientela.accounts.models import Workspace
from clientela.customers.models import Customer
from clientela.mail.branding import branding_for
from clientela.mail.selectors import delivery_settings_for
from clientela.outreach.letter_text import letter_language
from clientela.outreach.models import HandwrittenLetter

LABELS_PER_PAGE = 24  # A4 sheet of 3 x 8 labels, 70 x 37 mm


class PrintForm(StrEnum):
    LETTERS = "letters"  # the letters, then sheets of labels (the whole batch)
    LABELS = "labels"
    DL = "dl"
    C5 = "c5"


@dataclass(frozen=True)
class Printed:
    letter: HandwrittenLetter
    language: str
    date: str  # the day it is printed, in the workspace's time zone and the letter's language
    address: list[str]


def address_lines(customer: Customer, home_country: str = "RO") -> list[str]:
    """The recipient block: name, street, postal code and city, the country when abroad."""
    town = " ".join(part for part in (customer.postal_code.strip(), customer.city.strip()) if part)
    lines = [customer.display_name, customer.address_line.strip(), town]
    if customer.country and customer.country != home_country:
        lines.append(customer.country)
    return [line for line in lines if line]


def label_pages(count: int) -> int:
    return math.ceil(count / LABELS_PER_PAGE)


def _printed(workspace: Workspace, letter: HandwrittenLetter, now: datetime) -> Printed:
    language = letter_language(letter.customer, workspace)
    today = now.astimezone(ZoneInfo(workspace.time_zone)).date()
    with translation.override(language):
        date = formats.date_format(today, "j F Y")  # a letter spells the month
    return Printed(letter, language, date, address_lines(letter.customer))


def letters_print(
    *,
    workspace: Workspace,
    letters: list[HandwrittenLetter],
    form: PrintForm = PrintForm.LETTERS,
    now: datetime | None = None,
) -> bytes:
    """The PDF of `form` for these letters (one page per letter or envelope, sheets of labels)."""
    from weasyprint import HTML  # imported late: loading Pango costs ~0.5 s

    now = now or timezone.now()
    printed = [_printed(workspace, letter, now) for letter in letters]
    labels = form in (PrintForm.LETTERS, PrintForm.LABELS)
    sheets = (
        [printed[i : i + LABELS_PER_PAGE] for i in range(0, len(printed), LABELS_PER_PAGE)]
        if labels
        else []
    )
    sender = delivery_settings_for(workspace).from_email
    # The postal address of the mail's look (Settings → Mail look): one source for both.
    postal = branding_for(workspace).postal_address.splitlines()
    html = render_to_string(
        "outreach/pdf/letters.html",
        {
            "workspace": workspace,
            "sender": sender,
            "postal": postal,
            "letters": printed if form == PrintForm.LETTERS else [],
            "envelopes": printed if form in (PrintForm.DL, PrintForm.C5) else [],
            "envelope": form.value,
            "sheets": sheets,
        },
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def letters_pdf(*, workspace: Workspace, letters: list[HandwrittenLetter]) -> bytes:
    """The whole batch: one page per letter, then sheets of address labels."""
    return letters_print(workspace=workspace, letters=letters)
