"""The look of the mail: colours checked, logos re-encoded, the settings page and its preview,
and the logo served from the shop's own address."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from clientela.mail.branding import (
    BrandingError,
    branding_for,
    branding_set,
    color_clean,
    contrast,
    link_color_clean,
    logo_clean,
    text_on,
)
from clientela.mail.layout import logo_url, mail_layout
from clientela.mail.models import Branding
from clientela.timeline.models import Event

pytestmark = pytest.mark.django_db


def picture(fmt: str = "PNG", size: tuple[int, int] = (1200, 300), **save) -> bytes:
    out = io.BytesIO()
    mode = "RGB" if fmt == "JPEG" else "RGBA"
    Image.new(mode, size, (200, 30, 60)).save(out, format=fmt, **save)
    return out.getvalue()


def test_contrast_follows_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    # WCAG's own borderline examples: #767676 passes 4.5:1 on white, #777777 does not.
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert text_on("#ffe066") == "#1b1b1b" and text_on("#1f4e79") == "#ffffff"


def test_colours_are_six_digit_hex_and_links_readable_on_white():
    assert color_clean(" #1F4E79 ") == "#1f4e79"
    for bad in ["1f4e79", "#fff", "red", "#1f4e7g", "#1f4e79;x:y", "#1f4e79\nx"]:
        with pytest.raises(BrandingError):
            color_clean(bad)
    assert link_color_clean("#767676") == "#767676"
    with pytest.raises(BrandingError, match=r"4\.5:1"):
        link_color_clean("#777777")


def test_a_logo_is_re_encoded_as_png_within_the_box():
    png, width, height = logo_clean(picture("JPEG", (1600, 400), quality=90))
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size, width, height) == ("PNG", (600, 150), 600, 150)
    # What we store is our encoding: trailing bytes of the upload do not survive.
    png, *_ = logo_clean(picture() + b"<script>alert(1)</script>")
    assert b"<script>" not in png


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "PNG or"),
        (picture("GIF", (10, 10)), "PNG or"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "PNG or"),
        (b"x" * (1024 * 1024 + 1), "1 MB"),
        (picture("PNG", (5000, 4000)), "4000 x 4000"),
    ],
    ids=["svg", "gif", "broken-png", "too-many-bytes", "too-many-pixels"],
)
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused(data, message):
    with pytest.raises(BrandingError, match=message):
        logo_clean(data)


def test_saving_records_one_event_and_an_unchanged_save_none(cast):
    assert branding_for(cast.shop).pk is None  # defaults until saved
    saved = branding_set(workspace=cast.shop, actor=cast.manager, brand_color="#7A1F3D",
                         link_color="#1a5fb4", postal_address="  Str. Lungă 3 \n\n Brașov ",
                         logo=picture())  # fmt: skip
    again = branding_set(workspace=cast.shop, actor=cast.manager, brand_color="#7a1f3d",
                         link_color="#1a5fb4", postal_address="Str. Lungă 3\nBrașov")  # fmt: skip

    assert again.pk == saved.pk and saved.postal_address == "Str. Lungă 3\nBrașov"
    [event] = Event.objects.filter(kind="outreach.branding_changed")
    assert event.actor == cast.manager and event.new["brand_color"] == "#7a1f3d"
    assert len(saved.public_token) >= 32 and len(saved.logo_version) == 12
    assert branding_for(cast.other_shop).pk is None  # another workspace keeps its defaults


def test_the_logo_is_served_at_a_stable_public_address_and_appears_in_the_mail(cast, client):
    saved = branding_set(workspace=cast.shop, actor=cast.owner, brand_color="#7a1f3d",
                         link_color="#1a5fb4", postal_address="", logo=picture())  # fmt: skip
    url = logo_url(saved)
    assert url.startswith("http") and f"/brand/{saved.public_token}/logo.png?v=" in url

    response = client.get(reverse("web:brand_logo", kwargs={"token": saved.public_token}))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert bytes(response.content) == bytes(saved.logo)
    assert client.get(f"/brand/{saved.public_token[:-1]}x/logo.png").status_code == 404

    page = mail_layout(cast.shop, text="Salut", language="ro")
    assert f'src="{url}"' in page and 'width="300" height="75"' in page

    branding_set(workspace=cast.shop, actor=cast.owner, brand_color="#7a1f3d",
                 link_color="#1a5fb4", postal_address="", logo_remove=True)  # fmt: skip
    assert client.get(url.split("?")[0].split("example")[-1]).status_code == 404
    assert "<img" not in mail_layout(cast.shop, text="Salut", language="ro")


def page_url() -> str:
    return reverse("web:outreach_branding", kwargs={"ws": "alice"})


def test_the_settings_page_saves_a_logo_and_colours(cast, client_for):
    client = client_for(cast.manager)
    page = client.get(page_url())
    assert page.status_code == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)[1].decode()
    response = client.post(
        page_url(),
        {
            "csrfmiddlewaretoken": token,
            "brand_color": "#204a87",
            "link_color": "#204a87",
            "postal_address": "Str. Lungă 3\nBrașov",
            "logo": SimpleUploadedFile("logo.png", picture(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    saved = Branding.objects.get(workspace=cast.shop)
    assert (saved.brand_color, saved.logo_width) == ("#204a87", 600)
    again = client.get(page_url()).content.decode()
    assert f"/brand/{saved.public_token}/logo.png" in again and "Brașov" in again


def test_the_page_refuses_a_pale_link_colour_and_an_svg_with_the_reason(cast, client_for):
    client = client_for(cast.owner)
    client.get(page_url())
    token = client.cookies["csrftoken"].value

    def svg() -> SimpleUploadedFile:
        return SimpleUploadedFile("logo.svg", b"<svg><script>x()</script></svg>", "image/svg+xml")

    response = client.post(
        page_url(),
        {"brand_color": "#204a87", "link_color": "#aaaaaa", "logo": svg()},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "too light for text on white" in text
    assert not Branding.objects.exists()

    response = client.post(
        page_url(),
        {"brand_color": "#204a87", "link_color": "#204a87", "logo": svg()},
        HTTP_X_CSRFTOKEN=token,
    )
    assert "must be a PNG or JPEG" in response.content.decode()
    assert not Branding.objects.exists()


def test_the_live_preview_shows_the_typed_values_and_saves_nothing(cast, client_for):
    client = client_for(cast.manager)
    client.get(page_url())
    response = client.post(
        reverse("web:outreach_branding_preview", kwargs={"ws": "alice"}),
        {"brand_color": "#00ff00", "link_color": "#123456", "postal_address": "Piața Mare 1"},
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
        HTTP_HX_REQUEST="true",
    )
    fragment = response.content.decode()
    assert response.status_code == 200 and fragment.startswith("<iframe")
    # The whole document is escaped into the attribute: nothing of it leaks into the page.
    assert 'sandbox srcdoc="&lt;!DOCTYPE html&gt;' in fragment
    assert fragment.count("<") == 2 and fragment.rstrip().endswith("</iframe>")
    # The frame's document, escaped in the attribute: the colours and the address typed.
    assert "background-color:#00ff00" in fragment and "color:#1b1b1b" in fragment
    assert "Piața Mare 1" in fragment and "#123456" in fragment
    assert not Branding.objects.exists()


def test_the_page_and_preview_are_refused_below_manager(cast, client_for):
    client = client_for(cast.teammate)
    assert client.get(page_url()).status_code == 403
