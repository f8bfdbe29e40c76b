"""A real browser sends a campaign: write it, see who it goes to, confirm the number, watch
the progress change without reloading, and find the messages in a real SMTP sink. Then the
campaign, confirmation and Automations pages at a phone's and a laptop's width, EN and RO,
without horizontal scroll (screenshots in CLIENTELA_SCREENSHOTS when it is set)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from clientela.customers.services import customer_tags_set
from clientela.mail.worker import WorkerOptions, worker_run
from clientela.outreach.models import Campaign
from tests.conftest import log_in

WIDTHS = (390, 1366)


def _shoot(page: Page, name: str) -> None:
    shots = os.environ.get("CLIENTELA_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/{name}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_create_confirm_and_watch_a_campaign_leave(
    cast, build, live_server, browser_page, sink
) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    people = [
        build.customer(cast.shop, "ana@example.ro", first="Ana"),
        build.customer(cast.shop, "ion@example.ro", first="Ion"),
        build.customer(cast.shop, "kate@example.com", first="Kate", language="en"),
    ]
    build.customer(cast.shop, "nu@example.ro", first="Nu", consent=False)
    for customer in [*people, build.customer(cast.shop, "nu2@example.ro", consent=False)]:
        customer_tags_set(customer=customer, names=["vip"], actor=None)
    log_in(page, live_server, cast.manager)
    page.goto(f"{live_server.url}/w/alice/outreach/campaigns/new/")
    page.get_by_label("Title").fill("Toamna")
    page.get_by_label("Kind").select_option("newsletter")
    page.locator("#id_language").select_option("ro")
    page.get_by_label("Holdout (%)").fill("0")
    page.get_by_label("vip").check()
    page.get_by_role("button", name="Save").click()
    # Next: what it says, in its main language (the Romanian version).
    page.get_by_label("Subject").fill("Reduceri pentru {{ customer.first_name }}")
    page.get_by_label("Plain text (optional)").fill(
        "Dragă {{ customer.first_name }},\n{{ unsubscribe_url }}"
    )
    page.get_by_role("button", name="Start this version").click()
    page.get_by_role("link", name="Back to the campaign").click()

    # Before anything leaves: who it goes to, per language and per reason left out.
    audience = page.locator("#campaign-audience")
    expect(audience).to_contain_text("3 customers get it, of 4 the audience reaches.")
    expect(audience.locator('tr[data-language="ro"]')).to_contain_text("2")
    expect(audience.locator('tr[data-language="en"]')).to_contain_text(
        "no version in their language"
    )
    expect(audience.locator('tr[data-reason="no_consent"]')).to_contain_text("1")

    page.get_by_role("button", name="Send now…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send to 3 customers?")
    assert Campaign.objects.get().status == "draft"  # the button only asked
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        _shoot(page, f"campaign-confirm-en-{width}")
    page.get_by_role("button", name="Yes, send to 3 customers").click()

    progress = page.locator("#campaign-progress")
    expect(progress.locator('[data-count="queued"]')).to_have_text("3")
    expect(progress.locator('[data-progress="running"]')).to_be_visible()
    assert sink.received == []
    url = page.url

    worker_run(WorkerOptions(drain=True))  # the sender, against the sink on loopback

    # The fragment polls itself: the figures change and the polling stops, with no reload.
    expect(progress.locator('[data-count="delivered"]')).to_have_text("3", timeout=10_000)
    expect(progress.locator('[data-count="queued"]')).to_have_text("0")
    expect(page.locator('[data-progress="still"]')).to_be_visible()
    assert page.url == url
    received = sorted(address for message in sink.received for address in message.recipients)
    assert received == ["ana@example.ro", "ion@example.ro", "kate@example.com"]
    subjects = sorted(message.message["Subject"] for message in sink.received)
    assert subjects == ["Reduceri pentru Ana", "Reduceri pentru Ion", "Reduceri pentru Kate"]


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_sending_pages_fit_a_phone_and_a_laptop_in_both_languages(
    cast, build, live_server, browser_page
) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    # Long addresses: the sample of recipients must still fit a phone.
    people = [
        build.customer(cast.shop, f"client.cu.adresa.lunga.{i}@magazin-exemplu.ro", first=f"C{i}")
        for i in range(3)
    ]
    for customer in people:
        customer_tags_set(customer=customer, names=["vip"], actor=None)
    campaign = Campaign.objects.create(
        workspace=cast.shop,
        title="Toamna",
        kind="newsletter",
        language="ro",
        subject="Reduceri",
        body_text="Dragă {{ customer.first_name }}",
    )
    campaign.audience_tags.set(people[0].tags.all())
    log_in(page, live_server, cast.owner)
    pages = {
        "campaign": f"/w/alice/outreach/campaigns/{campaign.pk}/",
        "confirm": f"/w/alice/outreach/campaigns/{campaign.pk}/confirm/?action=send",
        "automations": "/w/alice/outreach/",
        "delivery": "/w/alice/outreach/delivery/",
    }
    headings = {"en": "Send to 3 customers?", "ro": "Trimiți către 3 clienți?"}
    for language in ("en", "ro"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for name, path in pages.items():
                page.goto(f"{live_server.url}{path}")
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                wide = page.evaluate(
                    "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect()"
                    ".right > document.documentElement.clientWidth + 1).slice(0, 5)"
                    ".map(e => e.tagName + '.' + e.className)"
                )
                assert overflow <= 0, (name, language, width, overflow, wide)
                if name == "confirm":
                    expect(page.get_by_role("heading", level=1)).to_have_text(headings[language])
                _shoot(page, f"sending-{name}-{language}-{width}")
    assert Campaign.objects.get().status == "draft"  # looking sends nothing
