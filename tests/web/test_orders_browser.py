"""A real browser on a phone-sized screen: a shop owner records a sale by hand.

Two products, one picked from the shop's products and one typed, for a customer who is new;
then the order page and the customer's timeline. The line editor is plain form posts, so
the test also holds the page to the phone's width (nothing wider than 390 px).
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from clientela.commerce.models import Order
from clientela.commerce.services import product_create
from clientela.customers.models import Customer
from clientela.outreach.models import AutomationRecipient
from tests.conftest import log_in

PHONE = {"width": 390, "height": 844}


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("CLIENTELA_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_shop_owner_records_a_sale_for_a_new_customer_on_a_phone(cast, live_server, browser_page):
    page = browser_page
    page.set_viewport_size(PHONE)
    honey = product_create(
        workspace=cast.shop, actor=cast.owner, name="Miere de salcâm", price=Decimal("32.50")
    )
    product_create(workspace=cast.shop, actor=cast.owner, name="Ceai verde", price=Decimal("15"))
    log_in(page, live_server, cast.owner)

    page.goto(f"{live_server.url}/w/alice/orders/")
    page.get_by_role("link", name="New order").click()
    page.get_by_label("Customer's e-mail").fill("maria@example.com")
    page.get_by_label("First name").fill("Maria")
    page.get_by_label("Last name").fill("Ionescu")
    page.locator("#id_lines-0-item").fill(f"Miere de salcâm (#{honey.pk})")
    page.locator("#id_lines-0-quantity").fill("2")
    page.get_by_role("button", name="Add a line").click()
    expect(page.locator("li.order-line")).to_have_count(2)
    expect(page.locator("#id_lines-0-item")).to_have_value(f"Miere de salcâm (#{honey.pk})")
    expect(page.get_by_label("Customer's e-mail")).to_have_value("maria@example.com")
    page.locator("#id_lines-1-item").fill("Borcan cadou")
    page.locator("#id_lines-1-unit_price").fill("7.50")
    _fits(page)
    _shot(page, "order-new-390.png")
    page.get_by_role("button", name="Record the order").click()

    order = Order.objects.for_workspace(cast.shop).get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order #{order.pk}")
    expect(page.locator("#order-total")).to_have_text("72.50 RON")
    expect(page.locator("table.order-lines-table tbody tr")).to_have_count(2)
    expect(page.locator("#order-status")).to_have_text("Placed")
    _fits(page)
    _shot(page, "order-page-390.png")

    page.get_by_role("button", name="Cancel the order").click()
    expect(page.locator("#order-status")).to_have_text("Cancelled")
    expect(page.locator('[data-kind="order.cancelled"]')).to_have_count(1)

    page.get_by_role("link", name="Maria Ionescu").click()
    maria = Customer.objects.for_workspace(cast.shop).get(email="maria@example.com")
    assert page.url == f"{live_server.url}/w/alice/customers/{maria.pk}/"
    kinds = page.locator("#timeline .kind").evaluate_all("els => els.map(e => e.dataset.kind)")
    # The thank-you route decided when the order was placed, on the order and on her timeline:
    # an e-mail, as she gave no postal address (or the holdout's row, if the stable 10 % draw
    # on this order's id held it out; the route it would have taken is kept either way).
    decision = AutomationRecipient.objects.for_workspace(cast.shop).get(key=f"thank_you:{order.pk}")
    assert (decision.customer_id, decision.route, decision.reason) == (
        maria.pk,
        "email",
        "no_address",
    )
    thanked = "thank_you.held_out" if decision.group == "holdout" else "thank_you.email_no_address"
    assert kinds == ["order.cancelled", thanked, "order.created", "customer.created"]
    _fits(page)
    _shot(page, "customer-timeline-390.png")
