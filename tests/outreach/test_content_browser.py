"""A real browser (Debian's chromium): a campaign written in two languages reaches each
customer in theirs (the mail sink on loopback); the thank-you letter edited and previewed on
the Automations page is exactly what an order gets a week later. Screenshots of the editor
and the letter's page at 390 and 1,366 px, EN and RO, go to tests/artifacts/."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from clientela.commerce.services import order_create
from clientela.customers.models import Tag
from clientela.mail.models import Outbox
from clientela.mail.send import outbox_send_batch
from clientela.mail.smtp import Relay
from clientela.mail.verp import unsubscribe_url
from clientela.outreach.models import Campaign
from tests.conftest import log_in

ARTIFACTS = Path(__file__).parents[1] / "artifacts"


def _send_due() -> int:
    relay = Relay.from_settings()
    try:
        return outbox_send_batch(relay=relay, worker_id="test", limit=50).sent
    finally:
        relay.close()


def _add_text_block(page: Page, text: str) -> None:
    page.locator("details.add-block summary", has_text=re.compile(r"^\s*Text\s*$")).click()
    page.locator("#id_new-text-text").fill(text)
    page.get_by_role("button", name="Add Text").click()


def _shoot(page: Page, live_server: Any, path: str, name: str) -> None:
    """Screenshots at both widths in both languages, each checked for horizontal scroll."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for language in ("en", "ro"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}{path}")
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{path} is {wide} px wide at {width} px ({language})"
            page.screenshot(path=str(ARTIFACTS / f"{name}-{language}-{width}.png"), full_page=True)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_campaign_in_two_languages_reaches_each_customer_in_theirs(  # type: ignore[no-untyped-def]
    cast, build, live_server, browser_page, sink
) -> None:
    page = browser_page
    ana = build.customer(cast.shop, "ana@example.ro", first="Ana", language="ro")
    john = build.customer(cast.shop, "john@example.com", first="John", language="en")
    tag = Tag.objects.create(workspace=cast.shop, name="vip")
    ana.tags.add(tag)
    john.tags.add(tag)
    log_in(page, live_server, cast.manager)

    page.goto(f"{live_server.url}/w/alice/outreach/campaigns/new/")
    page.get_by_label("Title").fill("Primăvara")
    page.get_by_label("Main language").select_option("ro")
    page.get_by_label("Holdout (%)").fill("0")
    page.get_by_label("vip").check()
    page.get_by_role("button", name="Save").click()
    # Next: what it says in Romanian.
    page.get_by_label("Subject").fill("Primăvara, {{ customer.first_name }}")
    page.get_by_role("button", name="Start this version").click()
    # The variable comes from the list, not from memory.
    page.locator("details.add-block summary", has_text=re.compile(r"^\s*Text\s*$")).click()
    page.locator("#id_new-text-text").fill("Dragă ")
    page.locator("#id_new-text-text").press("End")
    page.get_by_role("button", name="First name").click()
    expect(page.locator("#id_new-text-text")).to_have_value("Dragă {{ customer.first_name }}")
    page.locator("#id_new-text-text").press("End")
    page.locator("#id_new-text-text").type(", avem ceai nou.")
    page.get_by_role("button", name="Add Text").click()
    expect(page.locator("#content-preview pre")).to_contain_text("Dragă Ana, avem ceai nou.")

    page.get_by_role("link", name=re.compile("^English")).click()
    page.get_by_label("Subject").fill("Spring, {{ customer.first_name }}")
    page.get_by_role("button", name="Start this version").click()
    _add_text_block(page, "Dear {{ customer.first_name }}, we have new tea.")
    expect(page.locator("#content-preview pre")).to_contain_text("Dear John, we have new tea.")
    campaign = Campaign.objects.get()
    _shoot(page, live_server, f"/w/alice/outreach/campaigns/{campaign.pk}/content/ro/", "editor")

    page.goto(f"{live_server.url}/w/alice/outreach/campaigns/{campaign.pk}/")
    page.get_by_role("button", name="Send now…").click()
    # Nothing leaves before the number is confirmed.
    expect(page.get_by_role("heading", level=1)).to_have_text("Send to 2 customers?")
    assert Campaign.objects.get().status == "draft"
    page.get_by_role("button", name="Yes, send to 2 customers").click()
    expect(page.locator('#campaign-progress [data-count="queued"]')).to_have_text("2")
    assert _send_due() == 2

    got = {m.recipients[0]: m.message for m in sink.received}
    assert got["ana@example.ro"]["Subject"] == "Primăvara, Ana"
    assert got["john@example.com"]["Subject"] == "Spring, John"
    ro_text = got["ana@example.ro"].get_body(("plain",)).get_content()
    en_text = got["john@example.com"].get_body(("plain",)).get_content()
    assert ro_text.startswith("Dragă Ana, avem ceai nou.") and "we have" not in ro_text
    assert en_text.startswith("Dear John, we have new tea.") and "Dragă" not in en_text
    en_html = got["john@example.com"].get_body(("html",)).get_content()
    assert "Dear John, we have new tea." in en_html


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_edited_thank_you_is_previewed_and_sent_a_week_later(  # type: ignore[no-untyped-def]
    cast, build, live_server, browser_page, sink
) -> None:
    page = browser_page
    ana = build.customer(cast.shop, "ana@example.ro", first="Ana", language="ro")
    earlier = order_create(
        workspace=cast.shop,
        actor=cast.owner,
        customer=ana,
        placed_at=timezone.now() - timedelta(days=20),
        total=Decimal("80.00"),
    )
    log_in(page, live_server, cast.manager)

    page.get_by_role("link", name="Outreach").first.click()
    page.locator("details.automation-texts summary").first.click()
    expect(page.locator("details.automation-texts").first).to_contain_text(
        "Vă mulțumim pentru cumpărătura de săptămâna trecută"
    )
    page.get_by_role("link", name="Edit and preview").first.click()
    page.get_by_label("Subject").fill("Mulțumim din inimă, {{ customer.first_name }}")
    page.get_by_label("Text").fill(
        "Dragă {{ customer.first_name }},\n\nComanda {{ order.external_id }} ne-a bucurat."
    )
    page.get_by_role("button", name="Save").click()
    # The preview is for a real recent order of a customer with a first name.
    expect(page.locator("article.preview pre")).to_have_text(
        f"Dragă Ana,\n\nComanda #{earlier.pk} ne-a bucurat."
    )
    _shoot(page, live_server, "/w/alice/outreach/automations/thank_you/ro/", "thank-you")

    placed = order_create(
        workspace=cast.shop,
        actor=cast.owner,
        customer=ana,
        placed_at=timezone.now(),
        total=Decimal("120.00"),
    )
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert _send_due() == 1

    [mail] = [m.message for m in sink.received]
    assert mail["Subject"] == "Mulțumim din inimă, Ana"
    # The edited text, exactly, then the layout's footer after the "-- " separator (RFC 3676):
    # the shop, and the opt-out the thank-you letter carries, in the letter's language.
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    message, footer = text.split("\n-- \n")
    assert message == f"Dragă Ana,\n\nComanda #{placed.pk} ne-a bucurat.\n"
    row = Outbox.objects.get(source_type="thank_you")
    assert footer == f"Alice's Shop\nDezabonare: {unsubscribe_url(row.pk)}\n"
