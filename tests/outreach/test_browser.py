"""A real browser: write a template, see a misspelt variable refused, preview it with htmx."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from clientela.customers.services import customer_create
from clientela.outreach.models import MessageTemplate
from tests.conftest import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_write_a_template_and_preview_it(cast, live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    customer_create(workspace=cast.shop, actor=None, email="ana@example.com", first_name="Ana")
    log_in(page, live_server, cast.manager)
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
