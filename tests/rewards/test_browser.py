"""A real browser: a manager gives a customer a gift certificate, opens its PDF, and it is
redeemed once on the shop's public page; the second full redemption is refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from clientela.customers.models import Customer
from clientela.rewards.models import CatalogueItem, CompensationKind, Redemption
from tests.conftest import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_issue_print_and_redeem_a_certificate_once(cast, live_server, browser_page, tmp_path: Path):
    customer = Customer.objects.create(
        workspace=cast.shop, first_name="Ioana", last_name="Mureșan", email="ioana@example.com"
    )
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 900})
    log_in(page, live_server, cast.manager)
    page.goto(f"{live_server.url}/w/alice/customers/{customer.pk}/")
    page.get_by_role("link", name="Offer a compensation").click()
    # The catalogue speaks the shop's language (Romanian here): chosen by its entry.
    gift = CatalogueItem.objects.get(workspace=cast.shop, kind=CompensationKind.GIFT_CERTIFICATE)
    page.get_by_label("Compensation").select_option(value=str(gift.pk))
    page.get_by_label("Cost or amount").fill("40")
    page.get_by_label("Case reference").fill("CASE-12")
    page.get_by_role("button", name="Propose").click()
    code = page.locator("#certificate-code").inner_text()
    assert len(code) == 23
    page.screenshot(path=str(tmp_path / "issued-390.png"), full_page=True)

    # The PDF opens in a new tab, so the code stays on this one.
    with page.context.expect_event(
        "response", lambda r: "/rewards/certificates/" in r.url
    ) as opened:
        page.get_by_role("button", name="Open the PDF").click()
    response = opened.value
    assert response.headers["content-type"] == "application/pdf"
    # The tab's PDF viewer keeps the bytes to itself: the same form posted again reads them.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    again = page.request.post(
        response.url, form={"csrfmiddlewaretoken": token, "code": code, "action": "pdf"}
    )
    text = PdfReader(io.BytesIO(again.body())).pages[0].extract_text()
    assert code in text and "40,00" in text and "Mureșan" in text

    page.goto(f"{live_server.url}/g/alice/")
    page.get_by_label("Certificate code").fill(code)
    page.get_by_label("Amount to take off (staff)").fill("40")
    page.get_by_role("button", name="Check or redeem").click()
    expect(page.locator("#redeemed")).to_be_visible()
    expect(page.locator("#balance")).to_contain_text("0.00")
    page.get_by_label("Certificate code").fill(code)
    page.get_by_label("Amount to take off (staff)").fill("40")
    page.get_by_role("button", name="Check or redeem").click()
    expect(page.get_by_role("alert")).to_contain_text("used up")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=str(tmp_path / "public-1366.png"), full_page=True)
    assert Redemption.objects.count() == 1
    print("screenshots:", tmp_path)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_edits_the_catalogue_on_a_phone_and_sees_a_receipt(
    cast, live_server, browser_page, settings, tmp_path: Path
):
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from clientela.rewards.services.catalogue import catalogue_seed
    from clientela.rewards.services.compensations import compensation_propose
    from tests.rewards.conftest import picture

    settings.MEDIA_ROOT = tmp_path
    customer = Customer.objects.create(workspace=cast.shop, first_name="Ioana", email="i@e.ro")
    catalogue_seed(workspace=cast.shop)
    compensation_propose(
        customer=customer,
        actor=cast.teammate,
        item=CatalogueItem.objects.get(workspace=cast.shop, kind=CompensationKind.REIMBURSEMENT),
        cost=Decimal("12"),
        receipt=SimpleUploadedFile("bon.png", picture(size=(60, 90)), content_type="image/png"),
    )
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 900})
    log_in(page, live_server, cast.manager)
    page.goto(f"{live_server.url}/w/alice/rewards/")
    thumb = page.locator("img.receipt-thumb")
    expect(thumb).to_be_visible()
    assert page.evaluate("document.querySelector('img.receipt-thumb').naturalWidth") == 60
    page.get_by_role("link", name="Edit the compensation catalogue").click()
    page.get_by_label("Name").fill("Cană")
    page.get_by_label("Kind").select_option(value="small_gift")
    page.get_by_label("Usual cost").fill("-3")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("A cost cannot be negative.")).to_be_visible()
    page.get_by_label("Usual cost").fill("15")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_role("button", name="Retire Cană").click()
    expect(page.get_by_role("button", name="Offer Cană again")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not CatalogueItem.objects.get(workspace=cast.shop, name="Cană").active
