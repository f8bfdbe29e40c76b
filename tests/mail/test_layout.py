"""Every message leaves with a text and an HTML part from the same content, in the shop's
layout, with the footer and headers its kind calls for, DKIM-signed when a key is set."""

from __future__ import annotations

import base64
import html
import re
import subprocess
from datetime import timedelta

import dkim
import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from clientela.customers.models import Consent, ConsentChannel, ConsentPurpose
from clientela.customers.services import customer_create
from clientela.mail.branding import branding_set
from clientela.mail.layout import mail_layout, text_to_html
from clientela.mail.models import OutboxKind, SuppressedAddress
from clientela.mail.send import outbox_send_batch
from clientela.mail.smtp import Relay
from clientela.mail.verp import unsubscribe_url
from tests.mail.helpers import queue

pytestmark = pytest.mark.django_db

TEXT = (
    "Dragă Ana,\n\nReducerile de iarnă încep mâine: vezi https://alice.example/oferte "
    "înainte să se termine.\nCu drag,\nEchipa"
)
ADDRESS = "Str. Lungă 3\n500001 Brașov"
HREF = re.compile(r'href="([^"]+)"')
TAG = re.compile(r"<[^>]+>")


def send_all(limit: int = 10):
    relay = Relay.from_settings()
    try:
        return outbox_send_batch(relay=relay, worker_id="test", limit=limit)
    finally:
        relay.close()


def brand(cast, **extra):
    values = {
        "brand_color": "#7a1f3d",
        "link_color": "#1a5fb4",
        "postal_address": ADDRESS,
        **extra,
    }
    return branding_set(workspace=cast.shop, actor=cast.owner, **values)


def words(markup: str) -> list[str]:
    return html.unescape(TAG.sub(" ", markup)).split()


def received(sink):
    [got] = sink.received
    return got.message


def test_a_text_only_marketing_row_leaves_as_text_and_html_from_the_same_content(cast, sink):
    brand(cast)
    row = queue(cast.shop, "ana@example.ro", kind=OutboxKind.MARKETING, body_text=TEXT)

    assert send_all().sent == 1
    mail = received(sink)
    assert mail.get_content_type() == "multipart/alternative"
    plain, rich = mail.get_payload()
    assert (plain.get_content_type(), rich.get_content_type()) == ("text/plain", "text/html")
    assert plain.get_content_charset() == rich.get_content_charset() == "utf-8"
    text, page = plain.get_content(), rich.get_content()

    # The same words, in the same order, in both parts: the letter, then the footer.
    link = unsubscribe_url(row.pk)
    # The footer in the row's language (Romanian).
    assert words(text) == [*TEXT.split(), "--", "Alice's", "Shop", *ADDRESS.split(),
                           "Dezabonare:", link]  # fmt: skip
    body = page.split("<body", 1)[1]
    # The shop's name in the band (no logo yet), the letter, the footer.
    shown = words(body.split(">", 1)[1])
    assert shown[:2] == ["Alice's", "Shop"]
    assert shown[2 : 2 + len(TEXT.split())] == TEXT.split()
    assert shown[2 + len(TEXT.split()) :] == [
        "Alice's", "Shop", *ADDRESS.split(), "Nu", "mai", "doriți", "e-mailuri", "de", "la",
        "noi?", "Dezabonare",
    ]  # fmt: skip
    # Every link of the text is a link in the HTML, and the footer links this row's page.
    assert HREF.findall(page) == ["https://alice.example/oferte", link]
    # Two paragraphs, the line breaks kept; the shop's colour in the band at the top.
    assert page.count("<p style=") == 2 + 3 and "<br>" in page
    assert "background-color:#7a1f3d" in page and 'width="600"' in page


def test_marketing_mail_carries_one_click_unsubscribe_headers_and_transactional_not(cast, sink):
    marketing = queue(cast.shop, "ana@example.ro", kind=OutboxKind.MARKETING, key="m")
    queue(cast.shop, "ion@example.ro", kind=OutboxKind.TRANSACTIONAL, key="t")

    assert send_all().sent == 2
    sent = {got.recipients[0]: got.message for got in sink.received}
    promo, receipt = sent["ana@example.ro"], sent["ion@example.ro"]
    link = unsubscribe_url(marketing.pk)
    assert promo["List-Unsubscribe"].strip().startswith(f"<{link}>, <mailto:unsubscribe+")
    assert promo["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f'href="{link}"' in promo.get_body(("html",)).get_content()
    # A receipt the customer cannot refuse: neither the headers nor a link in the footer.
    assert receipt["List-Unsubscribe"] is None and receipt["List-Unsubscribe-Post"] is None
    assert "/u/" not in receipt.get_body(("html",)).get_content()
    assert "/u/" not in receipt.get_body(("plain",)).get_content()
    assert receipt.get_content_type() == "multipart/alternative"


def test_the_thank_you_opt_out_link_withdraws_marketing_consent(cast, sink):
    ana = customer_create(
        workspace=cast.shop, actor=cast.owner, email="ana@example.ro", first_name="Ana"
    )
    Consent.objects.create(
        workspace=cast.shop,
        customer=ana,
        channel=ConsentChannel.EMAIL,
        purpose=ConsentPurpose.MARKETING,
        granted_at=timezone.now(),
        source="test",
    )
    row = queue(cast.shop, "ana@example.ro", customer=ana, source_type="thank_you", key="ty",
                language="en")  # fmt: skip

    assert send_all().sent == 1
    mail = received(sink)
    link = unsubscribe_url(row.pk)
    assert mail["List-Unsubscribe"] is None  # transactional: the link is in the footer only
    assert f'href="{link}"' in mail.get_body(("html",)).get_content()
    assert f"Unsubscribe: {link}" in mail.get_body(("plain",)).get_content()

    response = Client().post(
        link.removeprefix("https://alice.example"), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    consent = Consent.objects.get(customer=ana)
    assert consent.withdrawn_at is not None
    assert SuppressedAddress.objects.filter(address="ana@example.ro").exists()


def test_an_html_fragment_is_wrapped_as_it_is_and_the_text_part_stays_the_text(cast, sink):
    fragment = '<h2>Iarna</h2><p>Vezi <a href="https://alice.example/x">oferta</a>.</p>'
    queue(cast.shop, "ana@example.ro", body_text="Iarna\n\nVezi oferta: https://alice.example/x",
          body_html=fragment)  # fmt: skip

    send_all()
    mail = received(sink)
    page = mail.get_body(("html",)).get_content()
    # The fragment's tags get the shop's styles inline; nothing of it is lost or escaped.
    assert re.search(r'<h2 style="[^"]*color: #1a5fb4;[^"]*">Iarna</h2>', page)
    assert HREF.findall(page) == ["https://alice.example/x"]
    assert mail.get_body(("plain",)).get_content().startswith("Iarna\r\n\r\nVezi oferta:")


def test_text_and_the_shops_values_are_escaped_in_the_html(cast):
    cast.shop.name = 'Shop <script>alert(1)</script> & "Co"'
    brand(cast, postal_address="<img src=x onerror=alert(1)>")
    page = mail_layout(
        cast.shop,
        text="<b>bold</b>\r\nBcc: evil@example.com",
        language="en",
        unsubscribe_url="https://alice.example/u/x/",
    )
    assert "<script>" not in page and "<img src=x" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert text_to_html("a\n\nb <https://x.example/?a=1&b=2>") == (
        '<p>a</p>\n\n<p>b &lt;<a href="https://x.example/?a=1&amp;b=2">'
        "https://x.example/?a=1&amp;b=2</a>&gt;</p>"
    )


def test_a_hostile_body_cannot_add_a_header(cast, sink):
    queue(cast.shop, "ana@example.ro", subject="Hi\r\nBcc: evil@example.com",
          body_text="Hello\r\n\r\nBcc: evil@example.com\r\n.\r\nMAIL FROM:<x@y>")  # fmt: skip

    send_all()
    [got] = sink.received
    assert got.recipients == ("ana@example.ro",)
    assert got.message["Bcc"] is None
    assert "Bcc: evil@example.com" in got.message.get_body(("plain",)).get_content()


def test_romanian_text_is_utf8_quoted_printable_in_both_parts(cast, sink):
    queue(cast.shop, "ana@example.ro", body_text="Mulțumim, ți-am pregătit o surpriză.")
    send_all()
    [got] = sink.received
    raw = got.data.decode("ascii")  # 7-bit on the wire
    assert raw.count("Content-Transfer-Encoding: quoted-printable") == 2
    assert raw.count('charset="utf-8"') == 2
    for part in got.message.get_payload():
        assert "Mulțumim, ți-am pregătit o surpriză." in part.get_content()


@pytest.fixture
def dkim_key(tmp_path, settings):
    key_file = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-traditional", "-out", str(key_file), "2048"],
                   check=True, capture_output=True)  # fmt: skip
    public = subprocess.run(
        ["openssl", "rsa", "-in", str(key_file), "-pubout", "-outform", "DER"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    settings.CLIENTELA_DKIM_KEY_FILE = str(key_file)
    settings.CLIENTELA_DKIM_SELECTOR = "mail"
    settings.CLIENTELA_DKIM_DOMAIN = "alice.example"
    return b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def test_a_sent_message_carries_a_dkim_signature_that_verifies(cast, sink, dkim_key):
    brand(cast)
    queue(cast.shop, "ana@example.ro", kind=OutboxKind.MARKETING, body_text=TEXT)

    with time_machine.travel(timezone.now() + timedelta(seconds=1)):
        send_all()
    [got] = sink.received

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"mail._domainkey.alice.example."
        return dkim_key

    assert dkim.verify(got.data, dnsfunc=dns)
    signature = got.message["DKIM-Signature"]
    tags = dict(
        part.strip().split("=", 1) for part in "".join(signature.split()).split(";") if part
    )
    # Aligned: the signing domain is the From address's domain (DMARC alignment).
    assert tags["d"] == got.message["From"].addresses[0].domain == "alice.example"
    signed = tags["h"].lower().split(":")
    assert {"from", "subject", "list-unsubscribe", "list-unsubscribe-post"} <= set(signed)
    # Any change to the HTML part breaks the signature.
    assert not dkim.verify(got.data.replace(b"Bra=C8=99ov", b"Brasov"), dnsfunc=dns)


def test_without_a_key_nothing_is_signed(cast, sink):
    queue(cast.shop, "ana@example.ro")
    send_all()
    assert sink.received[0].message["DKIM-Signature"] is None


def test_alignment_of_the_sender_with_the_signing_domain(cast, dkim_key, settings, client_for):
    from clientela.mail.dkim import dkim_aligned
    from clientela.mail.services import delivery_sender_set

    assert dkim_aligned("shop@alice.example") is True
    assert dkim_aligned("news@mail.alice.example") is True  # relaxed: a subdomain aligns
    assert dkim_aligned("shop@alice.example.evil.test") is False
    assert dkim_aligned("shop@notalice.example") is False

    settings.DEFAULT_FROM_EMAIL = "shop@alice.example"  # the install's sender: aligned
    page = "/w/alice/outreach/delivery/look/"
    client = client_for(cast.owner)
    assert "signed (DKIM)" not in client.get(page).content.decode()
    delivery_sender_set(workspace=cast.shop, actor=cast.owner, from_name="Shop",
                        from_email="shop@gmail.com")  # fmt: skip
    warning = client.get(page).content.decode()
    assert "Mail leaves from shop@gmail.com but is signed (DKIM) for alice.example" in warning

    settings.CLIENTELA_DKIM_KEY_FILE = ""
    assert dkim_aligned("shop@gmail.com") is None
