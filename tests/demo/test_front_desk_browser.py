"""The demo's front desk in a real browser, on a phone: an agent takes the broken-vase message
from the inbox to a complaint, through the recovery playbook to a resolved case with a
thank-you and a gift certificate, which the customer then redeems once on the shop's page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from clientela.care.models import Case, CaseStatus
from clientela.demo.loader import demo_shop_load
from clientela.rewards.models import (
    Compensation,
    CompensationStatus,
    GiftCertificate,
    Redemption,
)
from tests.conftest import log_in

PHONE = {"width": 390, "height": 844}


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _send(page: Page, step: str) -> None:
    form = page.locator(f"#step-{step} form").first
    form.get_by_role("button", name="Send").click()
    expect(page.locator(f"#step-{step}")).to_have_class("done")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_agent_turns_the_broken_vase_message_into_a_recovered_client(
    cast: Any, settings: Any, tmp_path: Any, live_server: Any, browser_page: Page
) -> None:
    settings.DATA_DIR = tmp_path
    demo_shop_load(
        workspace=cast.shop, actor=None, today=timezone.localdate(), seed=3, customers=400
    )
    page = browser_page
    page.set_viewport_size(PHONE)
    log_in(page, live_server, cast.teammate)

    # The inbox: the message is there, and a complaint opens from it, filled from the message.
    page.goto(f"{live_server.url}/w/alice/inbox/")
    page.get_by_role("link", name="Vaza a sosit spartă").first.click()
    _fits(page)
    page.get_by_role("link", name="Open a complaint").click()
    expect(page.get_by_label("About")).to_have_value("Vaza a sosit spartă")
    page.get_by_label("Category").select_option("delivery")
    page.get_by_role("button", name="Open the complaint").click()
    expect(page.get_by_role("heading", name="Vaza a sosit spartă")).to_be_visible()
    case = Case.objects.get(workspace=cast.shop, subject="Vaza a sosit spartă")
    assert case.conversation is not None and case.customer is not None
    _fits(page)

    # The playbook, then a gift certificate for the trouble, within the client's budget.
    for step in ("compassion", "apology", "want_to_help", "solution"):
        _send(page, step)
    page.locator("#compensation summary").click()
    page.locator("#compensation select[name=item]").select_option(label="Certificat cadou")
    page.get_by_label("Cost or amount").fill("25")
    page.locator("#compensation").get_by_role("button", name="Propose").click()
    code_box = page.locator("#certificate-code")
    expect(code_box).to_have_text(re.compile(r"^[A-Z0-9-]{23}$"))
    code = code_box.inner_text()
    _fits(page)
    given = Compensation.objects.get(workspace=cast.shop, case=case)
    assert given.status == CompensationStatus.GIVEN and str(given.cost) == "25.00"

    page.goto(f"{live_server.url}/w/alice/care/{case.pk}/")
    _send(page, "thank_you")
    _send(page, "positive_end")
    page.get_by_role("button", name="Close as resolved").click()
    expect(page.locator("#case-status")).to_have_text("Resolved")
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert case.steps.get(key="thank_you").done_at is not None

    # The customer spends the certificate once; the second try is refused, nothing goes below 0.
    page.goto(f"{live_server.url}/g/alice/")
    _fits(page)
    for _ in range(2):
        page.get_by_label("Certificate code").fill(code)
        page.get_by_label("Amount to take off (staff)").fill("25")
        page.get_by_role("button", name="Check or redeem").click()
    expect(page.get_by_role("alert")).to_contain_text("used up")
    certificate = GiftCertificate.objects.get(compensation=given)
    assert certificate.balance == 0
    assert Redemption.objects.filter(certificate=certificate).count() == 1
