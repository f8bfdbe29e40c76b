"""The printed letters: a DIN 5008 letter for a DL window envelope, envelopes and labels."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from clientela.commerce.models import Order
from clientela.customers.models import Customer
from clientela.mail.branding import branding_set
from clientela.outreach.letter_text import letter_text
from clientela.outreach.models import HandwrittenLetter
from clientela.outreach.services.letter_print import PrintForm, letters_print

MM = 72 / 25.4  # PDF points per millimetre
PRINTED = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)  # 4 December in Bucharest


def _letter(cast: Any, build: Any, i: int, *, language: str = "ro", **fields: Any) -> Any:
    values = {
        "first": "Ștefăniță",
        "address_line": f"Str. Țesătorilor {i}",
        "city": "Brașov",
        "postal_code": "500123",
        **fields,
    }
    customer: Customer = build.customer(cast.shop, f"l{i}@example.com", language=language, **values)
    order = Order.objects.create(
        workspace=cast.shop,
        customer=customer,
        placed_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
        total=Decimal("40.00"),
    )
    text = letter_text(workspace=cast.shop, customer=customer, order=order)
    return HandwrittenLetter.objects.create(
        workspace=cast.shop, customer=customer, order=order, draft_text=text
    )


def _runs(page: Any) -> list[tuple[str, float, float]]:
    """(text, x mm from the left, y mm from the top) of each run of text on the page."""
    height = float(page.mediabox.height)
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            found.append((text.strip(), x / MM, (height - y) / MM))

    page.extract_text(visitor_text=visit)
    return found


def _at(runs: list[tuple[str, float, float]], needle: str) -> tuple[float, float]:
    for text, x, y in runs:
        if needle in text:
            return x, y
    raise AssertionError(f"{needle!r} not on the page: {[t for t, _, _ in runs]}")


def test_the_letter_has_letterhead_date_window_address_text_and_no_reply(cast, build, tmp_path):  # type: ignore[no-untyped-def]
    letters = [_letter(cast, build, 1), _letter(cast, build, 2, language="en", first="Mary")]

    pdf = letters_print(workspace=cast.shop, letters=letters, now=PRINTED)

    reader = PdfReader(io.BytesIO(pdf))
    (tmp_path / "letters.pdf").write_bytes(pdf)
    assert len(reader.pages) == 2 + 1  # two letters, one sheet of labels
    ro, en = reader.pages[0], reader.pages[1]
    assert (round(float(ro.mediabox.width) / MM), round(float(ro.mediabox.height) / MM)) == (
        210,
        297,
    )
    text = " ".join(ro.extract_text().split())  # lines joined: the text wraps
    for expected in (
        "Alice's Shop",  # the letterhead
        "4 decembrie 2026",  # printed on 4 December in the shop's time zone, in Romanian
        "Ștefăniță Test",
        "Str. Țesătorilor 1",
        "500123 Brașov",
        "Dragă Ștefăniță,",
        "pentru cumpărătura din 20 noiembrie 2026",
        "Cu stimă și recunoștință,",
    ):
        assert expected in text, expected
    assert "răspunde" not in text.lower() and "reply" not in text.lower()
    english = " ".join(en.extract_text().split())
    assert "4 December 2026" in english and "Dear Mary," in english
    assert "reply" not in english.lower()
    # The recipient's block sits in the DIN 5008 form B address field (20 mm from the left,
    # 45 to 90 mm from the top): the window of a DL envelope.
    runs = _runs(ro)
    for line in ("Ștefăniță Test", "Str. Țesătorilor 1", "500123 Brașov"):
        x, y = _at(runs, line)
        assert 19 <= x <= 30 and 55 <= y <= 90, (line, x, y)
    # The date below the window, the text below the date, the letterhead above the window.
    assert _at(runs, "4 decembrie 2026")[1] > 90
    assert _at(runs, "Dragă Ștefăniță,")[1] > _at(runs, "4 decembrie 2026")[1]
    assert _at(runs, "Alice's Shop")[1] < 45
    # Room to sign: at least 20 mm between the closing and the shop's name under it.
    closing = _at(runs, "Cu stimă și recunoștință,")[1]
    signed = [y for text, _x, y in runs if text == "Alice's Shop" and y > closing]
    assert signed and signed[0] - closing >= 20


def test_the_letterhead_and_the_return_line_carry_the_shops_postal_address(cast, build) -> None:  # type: ignore[no-untyped-def]
    branding_set(
        workspace=cast.shop,
        actor=cast.owner,
        brand_color="#1d4ed8",
        link_color="#1d4ed8",
        postal_address="Str. Lungă 12\n500030 Brașov",
    )

    pdf = letters_print(workspace=cast.shop, letters=[_letter(cast, build, 1)], now=PRINTED)

    runs = _runs(PdfReader(io.BytesIO(pdf)).pages[0])
    # In the letterhead, above the window, and in the window's return line above the recipient.
    head = [y for text, _x, y in runs if "Str. Lungă 12" in text and y < 45]
    assert head and any("500030 Brașov" in text for text, _x, y in runs if y < 45)
    back = [y for text, _x, y in runs if "Str. Lungă 12" in text and 45 <= y < 60]
    assert back and back[0] < _at(runs, "Ștefăniță Test")[1]


def test_a_letter_without_a_postal_address_prints_none(cast, build) -> None:  # type: ignore[no-untyped-def]
    pdf = letters_print(workspace=cast.shop, letters=[_letter(cast, build, 1)], now=PRINTED)

    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Alice's Shop" in text and " · ·" not in text and "None" not in text


def test_a_sheet_holds_3_by_8_labels_in_reading_order(cast, build) -> None:  # type: ignore[no-untyped-def]
    letters = [_letter(cast, build, i) for i in range(26)]

    pdf = letters_print(workspace=cast.shop, letters=letters, form=PrintForm.LABELS, now=PRINTED)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2  # 24 labels, then 2
    runs = _runs(reader.pages[0])
    for i in range(24):
        x, y = _at(runs, f"Str. Țesătorilor {i}")
        column, row = i % 3, i // 3
        assert column * 70 < x < column * 70 + 70, (i, x)
        assert row * 37 < y < row * 37 + 37, (i, y)
    assert "Str. Țesătorilor 25" in reader.pages[1].extract_text()
    assert "Dragă" not in reader.pages[0].extract_text()  # labels only


@pytest.mark.parametrize(
    ("form", "size", "window"),
    [(PrintForm.DL, (220, 110), (110, 55)), (PrintForm.C5, (229, 162), (118, 90))],
)
def test_envelopes_have_the_address_in_the_lower_right(cast, build, form, size, window) -> None:  # type: ignore[no-untyped-def]
    letters = [_letter(cast, build, 1), _letter(cast, build, 2)]

    pdf = letters_print(workspace=cast.shop, letters=letters, form=form, now=PRINTED)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    page = reader.pages[0]
    assert (round(float(page.mediabox.width) / MM), round(float(page.mediabox.height) / MM)) == size
    x, y = _at(_runs(page), "500123 Brașov")
    assert x >= window[0] - 1 and y >= window[1], (x, y)
    assert "Alice's Shop" in page.extract_text()  # the sender, top left
