"""The HTML mails, rendered in chromium as a mail reader would at 600 px and on a phone
(375 px), match the stored screenshots within a tolerance and never scroll sideways; and the
look-of-the-mail page passes axe-core, EN and RO, at 390 and 1,366 px, with its live preview.

Set CLIENTELA_UPDATE_SCREENSHOTS=1 to (re)write the references after a deliberate change of
the layout, and look at them before committing.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from clientela.mail.branding import branding_set
from clientela.mail.layout import mail_layout
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).parent / "screenshots"
OUT = Path(__file__).parents[1] / "artifacts" / "mail"  # what this run saw (not committed)
AXE = os.environ.get("CLIENTELA_AXE_JS", "")
# A pixel counts as different when a channel moves by more than this (anti-aliasing, font
# hinting); the image may differ in at most this share of its pixels.
CHANNEL_TOLERANCE = 24
PIXEL_SHARE = 0.005

CAMPAIGN = (
    "<h1>Reduceri de iarnă</h1>"
    "<p>Dragă Ana, până duminică toate paltoanele au <strong>30% reducere</strong>.</p>"
    "<ul><li>Paltoane de lână</li><li>Fulare și mănuși</li></ul>"
    '<p><a href="https://alice.example/iarna">Vezi oferta</a></p>'
)
THANK_YOU = (
    "Dragă Ana,\n\nVă mulțumim pentru cumpărătura de săptămâna trecută și pentru că ați ales "
    "Alice's Shop. Sperăm că vă bucurați de ea.\n\nDacă aveți o întrebare, scrieți-ne la "
    "https://alice.example/contact.\n\nCu drag,\nEchipa Alice's Shop"
)


def logo() -> bytes:
    image = Image.new("RGBA", (480, 120), (255, 255, 255, 0))
    image.paste((255, 255, 255, 255), (0, 0, 120, 120))
    image.paste((240, 190, 60, 255), (150, 40, 480, 80))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def compare(name: str, shot: bytes) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.png").write_bytes(shot)
    reference = SHOTS / f"{name}.png"
    if os.environ.get("CLIENTELA_UPDATE_SCREENSHOTS") == "1":
        SHOTS.mkdir(exist_ok=True)
        reference.write_bytes(shot)
    expected = Image.open(reference).convert("RGB")
    actual = Image.open(io.BytesIO(shot)).convert("RGB")
    assert actual.size == expected.size, (name, actual.size, expected.size)
    difference = ImageChops.difference(actual, expected).convert("L")
    moved = sum(difference.point(lambda v: 255 if v > CHANNEL_TOLERANCE else 0).histogram()[255:])
    share = moved / (actual.width * actual.height)
    assert share <= PIXEL_SHARE, f"{name}: {share:.2%} of the pixels differ (see {OUT})"


@pytest.mark.parametrize("width", [600, 375])
@pytest.mark.parametrize("kind", ["campaign", "thank_you"])
def test_the_mail_renders_like_the_stored_screenshot(cast, live_server, browser_page, settings,
                                                     kind, width):  # fmt: skip
    settings.SITE_URL = live_server.url  # the logo is fetched from the shop's own address
    cast.shop.name = "Alice's Shop"
    branding_set(workspace=cast.shop, actor=cast.owner, brand_color="#7a1f3d",
                 link_color="#1a5fb4", postal_address="Str. Lungă 3\n500001 Brașov",
                 logo=logo())  # fmt: skip
    html = mail_layout(
        cast.shop,
        fragment_html=CAMPAIGN if kind == "campaign" else "",
        text=THANK_YOU,
        language="ro",
        unsubscribe_url="https://alice.example/u/token/",
    )
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    page.set_content(html, wait_until="load")
    assert page.evaluate("document.images[0].complete && document.images[0].naturalWidth") == 480
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    compare(f"{kind}-{width}", page.screenshot(full_page=True))


@pytest.mark.parametrize("language", ["en", "ro"])
@pytest.mark.parametrize("width", [390, 1366])
def test_the_look_page_is_accessible_and_previews_live(cast, live_server, browser_page,
                                                       language, width):  # fmt: skip
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, cast.owner)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    response = page.goto(f"{live_server.url}/w/alice/outreach/delivery/look/")
    assert response is not None and response.status == 200
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # The preview follows a colour typed in the form, without a reload and without saving.
    assert "background-color:#ffe066" not in page.locator("iframe.brand-preview").get_attribute(
        "srcdoc"
    )
    page.locator("#id_brand_color").fill("#ffe066")
    page.locator("#id_brand_color").dispatch_event("change")
    page.wait_for_function(
        "() => document.querySelector('iframe.brand-preview')"
        ".srcdoc.includes('background-color:#ffe066')"
    )
    page.locator("#id_postal_address").fill("Piața Sfatului 1")
    page.wait_for_function(
        "() => document.querySelector('iframe.brand-preview').srcdoc.includes('Piața Sfatului 1')"
    )
    page.frame_locator("iframe.brand-preview").get_by_text("Piața Sfatului 1").wait_for()
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"look-page-{language}-{width}.png"), full_page=True)
    preview = page.locator("iframe.brand-preview")
    preview.scroll_into_view_if_needed()
    preview.screenshot(path=str(OUT / f"look-preview-{language}-{width}.png"))

    if not AXE or not Path(AXE).is_file():
        pytest.skip("CLIENTELA_AXE_JS does not name axe-core's axe.min.js")
    page.evaluate(Path(AXE).read_text())
    violations = page.evaluate(
        "async () => (await axe.run({runOnly: ['wcag2a', 'wcag2aa']}))"
        ".violations.map(v => v.id + ' ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    assert violations == []
