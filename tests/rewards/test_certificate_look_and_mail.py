"""The certificate in the shop's look (logo, colours, postal address from the mail branding),
and its e-mail: the customer receives the code, the database keeps only its masked form."""

from __future__ import annotations

import io
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from clientela.mail.branding import branding_set
from clientela.mail.models import Outbox, OutboxStatus
from clientela.mail.send import outbox_send_batch
from clientela.mail.smtp import Relay
from clientela.rewards.codes import code_mask
from clientela.rewards.services.certificates import certificate_pdf, certificate_send
from tests.mail.sink import Sink

pytestmark = pytest.mark.django_db


def _logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 40), (122, 31, 61)).save(out, format="PNG")
    return out.getvalue()


def _look(cast: Any, logo: bytes | None) -> None:
    branding_set(
        workspace=cast.shop,
        actor=cast.owner,
        brand_color="#7a1f3d",
        link_color="#1a5fb4",
        postal_address="Strada Ștefan cel Mare 3\nIași 700000",
        logo=logo,
    )


@pytest.mark.parametrize("language", ["ro", "en"])
def test_the_pdf_has_the_logo_the_address_and_the_code(cast, given, language):
    _look(cast, _logo())
    given.certificate.language = language
    reader = PdfReader(io.BytesIO(certificate_pdf(certificate=given.certificate, code=given.code)))
    page = reader.pages[0]
    text = page.extract_text()
    assert given.code in text
    assert "Strada Ștefan cel Mare 3" in text and "Iași 700000" in text
    assert ("Certificat cadou" if language == "ro" else "Gift certificate") in text
    assert len(page.images) == 1
    assert page.images[0].image.size == (120, 40)


def test_without_a_logo_the_pdf_names_the_shop(cast, given):
    _look(cast, None)
    page = PdfReader(
        io.BytesIO(certificate_pdf(certificate=given.certificate, code=given.code))
    ).pages[0]
    assert "ALICE'S SHOP" in page.extract_text() and "Iași" in page.extract_text()
    assert len(page.images) == 0


@pytest.fixture
def sink(settings: Any) -> Iterator[Sink]:
    with Sink() as running:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", running.port
        settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER = False, ""
        settings.DEFAULT_FROM_EMAIL = "shop@alice.example"
        settings.CLIENTELA_BOUNCE_DOMAIN = "bounces.alice.example"
        settings.SITE_URL = "https://alice.example"
        yield running


def _send_all() -> None:
    relay = Relay.from_settings()
    try:
        outbox_send_batch(relay=relay, worker_id="test", limit=10)
    finally:
        relay.close()


def _text(message: EmailMessage) -> str:
    return "\n".join(
        part.get_content() for part in message.walk() if part.get_content_maintype() == "text"
    )


def _stored_anywhere(code: str) -> list[str]:
    """Every row of every table whose values contain `code` (the test database is small)."""
    found = []
    for model in apps.get_models():
        for values in model._default_manager.values():
            if code in repr(values):
                found.append(f"{model._meta.label}:{values.get('id')}")
    return found


def test_the_customer_gets_the_code_and_the_database_keeps_it_masked(cast, given, sink):
    row = certificate_send(certificate=given.certificate, actor=cast.teammate, code=given.code)
    assert row is not None and given.code in row.body_text  # until it has gone
    # A first attempt meets a temporary refusal: the retry must still carry the code.
    sink.handler.replies["ana@example.com"] = "451 4.3.0 Try again later"
    _send_all()
    row.refresh_from_db()
    assert row.status == OutboxStatus.QUEUED and given.code in row.body_text
    del sink.handler.replies["ana@example.com"]
    Outbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())

    _send_all()

    assert len(sink.received) == 1
    assert given.code in _text(sink.received[0].message)
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    masked = code_mask(given.code)
    assert masked == f"XXXXX-…-{given.code[-4:]}"
    assert masked in row.body_text and masked in row.body_html
    assert _stored_anywhere(given.code) == []
    assert _stored_anywhere(given.code.replace("-", "")) == []


def test_other_mail_is_left_as_it_was(cast, given, sink):
    from clientela.mail.services import OutboxDraft, outbox_enqueue

    # A code-like text in a message that is not the certificate's own stays untouched.
    text = f"Your order note: {given.code}"
    outbox_enqueue(
        workspace=cast.shop,
        draft=OutboxDraft(
            to_address="bob@example.com",
            subject="Note",
            body_text=text,
            kind="transactional",
            source_type="order_note",
            source_id=given.certificate.pk,
            dedup_key="note:1",
        ),
    )
    _send_all()
    assert Outbox.objects.get(dedup_key="note:1").body_text == text
