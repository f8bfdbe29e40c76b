"""The thank-you letter's text: visible per language on the Automations page, editable,
previewed for a real recent order, and exactly what an order gets when its week is up."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from clientela.accounts.policy import NotPermitted
from clientela.commerce.services import order_create
from clientela.customers.services import customer_create
from clientela.mail.models import Outbox
from clientela.mail.send import outbox_send_batch
from clientela.mail.smtp import Relay
from clientela.mail.verp import unsubscribe_url
from clientela.outreach.letter_text import letter_text
from clientela.outreach.models import MessageTemplate
from clientela.outreach.rendering import TemplateInvalid
from clientela.outreach.services.automation_texts import (
    automation_preview,
    automation_text_save,
    automation_texts,
)
from clientela.outreach.services.templates import template_for
from clientela.timeline.models import Event
from tests.web.conftest import post

SUBJECT = "Mulțumim din inimă, {{ customer.first_name }}"
BODY = "Dragă {{ customer.first_name }},\n\nComanda {{ order.external_id }} ne-a bucurat.\n"


def _buyer(cast: Any, email: str = "ana@example.ro", language: str = "ro", first: str = "Ana"):  # type: ignore[no-untyped-def]
    return customer_create(
        workspace=cast.shop,
        actor=cast.owner,
        email=email,
        first_name=first,
        last_name="Pop",
        language=language,
    )


def _order(cast: Any, buyer: Any, days_ago: float):  # type: ignore[no-untyped-def]
    return order_create(
        workspace=cast.shop,
        actor=cast.owner,
        customer=buyer,
        placed_at=timezone.now() - timedelta(days=days_ago),
        total=Decimal("120.00"),
    )


def test_the_built_in_texts_are_shown_for_each_language(cast: Any, client_for: Any) -> None:
    texts = automation_texts(cast.shop, "thank_you")

    assert [(t.language, t.edited) for t in texts] == [("ro", False), ("en", False)]
    page = client_for(cast.viewer).get("/w/alice/outreach/").content.decode()
    assert "Vă mulțumim pentru cumpărătura de săptămâna trecută" in page
    assert "Thank you for your purchase last week" in page
    assert "/w/alice/outreach/automations/thank_you/en/" in page


def test_an_edit_creates_the_shops_own_text_once_and_then_changes_it(cast: Any) -> None:
    automation_text_save(
        workspace=cast.shop,
        actor=cast.manager,
        purpose="thank_you",
        language="ro",
        subject=SUBJECT,
        body_text=BODY,
    )
    automation_text_save(
        workspace=cast.shop,
        actor=cast.manager,
        purpose="thank_you",
        language="ro",
        subject="Mulțumim",
        body_text=BODY,
    )

    [own] = MessageTemplate.objects.filter(purpose="thank_you")
    assert (own.language, own.subject, own.body_text) == ("ro", "Mulțumim", BODY)
    assert list(
        Event.objects.filter(kind__startswith="template.").values_list("kind", flat=True)
    ) == [
        "template.created",
        "template.changed",
    ]
    assert template_for(cast.shop, "thank_you", "en").pk is None  # English untouched


def test_a_text_that_does_not_render_or_a_low_role_is_refused(cast: Any) -> None:
    with pytest.raises(TemplateInvalid, match=r"customer\.prenume"):
        automation_text_save(
            workspace=cast.shop,
            actor=cast.owner,
            purpose="thank_you",
            language="ro",
            subject="S",
            body_text="Dragă {{ customer.prenume }}",
        )
    with pytest.raises(NotPermitted):
        automation_text_save(
            workspace=cast.shop,
            actor=cast.teammate,
            purpose="thank_you",
            language="ro",
            subject="S",
            body_text="B",
        )
    assert not MessageTemplate.objects.exists()


def test_the_preview_is_for_a_real_recent_order_with_a_first_name(
    cast: Any, client_for: Any
) -> None:
    ana = _buyer(cast)
    nameless = _buyer(cast, "x@example.ro", first="")
    placed = _order(cast, ana, 2)
    _order(cast, nameless, 1)  # newer, but "Dragă ," is no preview

    page = client_for(cast.viewer).get("/w/alice/outreach/automations/thank_you/ro/")
    html = page.content.decode()

    assert page.status_code == 200
    assert f'<option value="{placed.pk}" selected>' in html
    assert "Dragă Ana," in html and "Dragă ," not in html
    rendered, customer, _order_shown = automation_preview(
        template=template_for(cast.shop, "thank_you", "en"), order=None
    )
    assert (customer.first_name, rendered.subject) == ("Anna", "Thank you, Anna!")


def test_the_page_saves_for_a_manager_and_refuses_below(cast: Any, client_for: Any) -> None:
    url = "/w/alice/outreach/automations/thank_you/en/"
    data = {
        "subject": "Thanks, {{ customer.first_name }}",
        "body_text": "Hi {{ customer.first_name }}",
    }

    assert post(client_for(cast.teammate), url, data).status_code == 403
    assert post(client_for(cast.manager), url, data).status_code == 302
    assert template_for(cast.shop, "thank_you", "en").subject == data["subject"]
    assert (
        client_for(cast.viewer).get("/w/alice/outreach/automations/coupon/en/").status_code == 404
    )


@pytest.mark.django_db(transaction=True)
def test_an_order_a_week_old_gets_exactly_the_edited_text(cast: Any, sink: Any) -> None:
    automation_text_save(
        workspace=cast.shop,
        actor=cast.owner,
        purpose="thank_you",
        language="ro",
        subject=SUBJECT,
        body_text=BODY,
    )
    placed = _order(cast, _buyer(cast), 0)

    # The week passes; the sender's sweep sends what is due.
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        relay = Relay.from_settings()
        try:
            report = outbox_send_batch(relay=relay, worker_id="test", limit=10)
        finally:
            relay.close()

    assert (report.sent, len(sink.received)) == (1, 1)
    mail = sink.received[0].message
    assert mail["Subject"] == "Mulțumim din inimă, Ana"
    # The edited text, exactly, then the layout's footer after the "-- " separator (RFC 3676):
    # the shop, and the opt-out the thank-you letter carries, in the letter's language.
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    message, footer = text.split("\n-- \n")
    assert message == f"Dragă Ana,\n\nComanda #{placed.pk} ne-a bucurat.\n"
    row = Outbox.objects.get()
    assert footer == f"Alice's Shop\nDezabonare: {unsubscribe_url(row.pk)}\n"
    assert row.status == "sent"


def test_the_handwritten_letter_is_edited_per_language_with_a_preview(
    cast: Any, client_for: Any
) -> None:
    anna, ana = _buyer(cast, "anna@example.com", "en", "Anna"), _buyer(cast)
    anna_order, ana_order = _order(cast, anna, 2), _order(cast, ana, 2)
    home = client_for(cast.viewer).get("/w/alice/outreach/").content.decode()
    assert "Vă mulțumim că ați ales Alice" not in home  # the template, not a rendering
    assert "Vă mulțumim că ați ales {{ shop.name }}" in home
    assert "/w/alice/outreach/automations/letter/en/" in home
    url = "/w/alice/outreach/automations/letter/en/"
    text = "Dear {{ customer.first_name }},\n\nOrder {{ order.external_id }} made our week."

    assert post(client_for(cast.teammate), url, {"body_text": text}).status_code == 403
    assert post(client_for(cast.manager), url, {"body_text": text}).status_code == 302

    saved = template_for(cast.shop, "letter", "en")
    assert saved.pk is not None and saved.body_text == text
    assert saved.subject == "Thank-you letter"  # kept: a letter has no subject line
    assert letter_text(workspace=cast.shop, customer=anna, order=anna_order) == (
        f"Dear Anna,\n\nOrder #{anna_order.pk} made our week."
    )
    # The other language keeps the built-in text.
    assert letter_text(workspace=cast.shop, customer=ana, order=ana_order).startswith(
        "Dragă Ana,\n\nVă mulțumim că ați ales Alice's Shop și pentru cumpărătura din "
    )
    page = client_for(cast.viewer).get(f"{url}?order={anna_order.pk}").content.decode()
    assert f"Order #{anna_order.pk} made our week." in page
    assert 'name="subject"' not in page and "Subject:" not in page
