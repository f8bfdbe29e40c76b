"""A real browser: write a template, see a misspelt variable refused, preview it with htmx."""

from __future__ import annotations

import os

import pytest

from clientela.customers.services import customer_create
from clientela.outreach.models import MessageTemplate
from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_write_a_template_and_preview_it(cast, live_server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    from playwright.sync_api import expect, sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    customer_create(workspace=cast.shop, actor=None, email="ana@example.com", first_name="Ana")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{live_server.url}/login/")
            page.get_by_label("E-mail").fill(cast.manager.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.get_by_role("link", name="Outreach").first.click()
            page.get_by_role("link", name="Templates").click()
            page.get_by_role("link", name="New template").click()
            page.get_by_label("Name").fill("Mulțumire")
            page.get_by_label("Purpose").select_option("thank_you")
            page.get_by_label("Subject").fill("Mulțumim, {{ customer.first_name }}!")
            page.get_by_label("Plain text").fill("Dragă {{ customer.frist_name }},")
            page.get_by_role("button", name="Save").click()
            expect(page.locator(".error")).to_have_text(
                "Unknown variable “customer.frist_name” in body_text"
            )
            assert MessageTemplate.objects.count() == 0

            page.get_by_label("Plain text").fill("Dragă {{ customer.first_name }}, mulțumim.")
            page.get_by_role("button", name="Save").click()
            # The preview loads by htmx with the workspace's newest customer.
            expect(page.locator("#preview pre")).to_have_text("Dragă Ana, mulțumim.")
            expect(page.locator("#preview")).to_contain_text("Mulțumim, Ana!")
            assert MessageTemplate.objects.get().name == "Mulțumire"
        finally:
            browser.close()
