"""A real browser on a phone: an agent takes a complaint through the recovery playbook to a
resolved case with a thank-you, the client rates it; a chronic complainer's case shows the
fact log and the fact-based steps, and no apology in any draft."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from clientela.care.models import Case, CaseRating, CaseStatus
from clientela.customers.models import Customer
from clientela.customers.services import customer_create
from clientela.mail.models import Outbox
from tests.care.objects import care_case
from tests.conftest import log_in

PHONE = {"width": 390, "height": 844}


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("CLIENTELA_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def _send(page: Page, step: str, text: str | None = None) -> None:
    form = page.locator(f"#step-{step} form").first
    if text is not None:
        form.locator("textarea").fill(text)
    form.get_by_role("button", name="Send").click()
    expect(page.locator(f"#step-{step}")).to_have_class("done")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_agent_recovers_a_frustrated_client_who_then_rates_the_case(
    cast, live_server, browser_page
):  # type: ignore[no-untyped-def]
    page = browser_page
    page.set_viewport_size(PHONE)
    customer_create(
        workspace=cast.shop,
        actor=None,
        first_name="Ioana",
        email="ioana@example.com",
        language="en",
    )
    log_in(page, live_server, cast.teammate)
    page.goto(f"{live_server.url}/w/alice/care/")
    page.get_by_role("link", name="New complaint").click()
    page.get_by_label("Client's e-mail").fill("ioana@example.com")
    page.get_by_label("About").fill("the broken vase")
    page.get_by_label("The client's words").fill("The vase arrived broken in the box.")
    page.get_by_label("Category").select_option("delivery")
    page.get_by_role("button", name="Open the complaint").click()
    expect(page.get_by_role("heading", name="the broken vase")).to_be_visible()
    expect(page.get_by_role("heading", name="Win the client back")).to_be_visible()
    _fits(page)
    _shot(page, "care-case-recovery-390.png")

    for step in ("compassion", "apology", "want_to_help"):
        _send(page, step)
    _send(page, "solution", "Here is what I propose: a new vase tomorrow, delivered free.")
    expect(page.locator("#case-status")).to_have_text("Solution proposed")
    page.get_by_role("button", name="Close as resolved").click()
    expect(page.get_by_role("alert").or_(page.locator(".messages"))).to_contain_text(
        "Thank the client first"
    )
    _send(page, "thank_you")
    _send(page, "positive_end")
    page.get_by_role("button", name="Close as resolved").click()
    expect(page.locator("#case-status")).to_have_text("Resolved")
    _fits(page)

    case = Case.objects.get()
    assert case.status == CaseStatus.RESOLVED
    closing = Outbox.objects.filter(source_id=case.pk).order_by("pk").last()
    assert closing is not None and "How did we handle this?" in closing.body_text
    link = next(
        line.split(" ", 1)[1] for line in closing.body_text.splitlines() if line.startswith("5: ")
    )
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    _fits(page)
    page.get_by_role("button", name="Send my rating").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert CaseRating.objects.get(case=case).score == 5


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_chronic_complainers_case_shows_facts_and_no_apology(cast, live_server, browser_page):  # type: ignore[no-untyped-def]
    page = browser_page
    page.set_viewport_size(PHONE)
    dan = Customer.objects.create(
        workspace=cast.shop, first_name="Dan", email="dan@example.com", language="ro"
    )
    harsh = "Voi stricați mereu tot. Nu e vina mea. VREAU BANII ÎNAPOI imediat!!! " * 8
    for _ in range(2):
        old = care_case(cast, dan, complaint=harsh)
        Case.objects.filter(pk=old.pk).update(
            status=CaseStatus.NOT_RESOLVED, opened_at=timezone.now() - timedelta(days=90)
        )
    case = care_case(cast, dan, complaint=harsh, subject="Livrarea întârziată")
    log_in(page, live_server, cast.teammate)
    page.goto(f"{live_server.url}/w/alice/care/{case.pk}/")
    expect(page.get_by_role("heading", name="Handle with facts")).to_be_visible()
    expect(page.locator("#step-fact_log table")).to_contain_text("Complaint opened")
    for key in ("restate", "concrete_offer", "ask_proposal"):
        expect(page.locator(f"#step-{key}")).to_be_visible()
    drafts = page.locator("textarea").all_inner_texts()
    assert drafts and not any("scuze" in d.lower() or "pare rău" in d.lower() for d in drafts)
    _fits(page)
    _shot(page, "care-case-facts-390.png")
    page.set_viewport_size({"width": 1366, "height": 900})
    _shot(page, "care-case-facts-1366.png")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_agent_offers_a_gift_certificate_from_the_case_page_on_a_phone(
    cast, live_server, browser_page
):  # type: ignore[no-untyped-def]
    from clientela.rewards.models import Compensation
    from clientela.rewards.services.catalogue import catalogue_seed

    page = browser_page
    page.set_viewport_size(PHONE)
    case = care_case(cast)
    catalogue_seed(workspace=cast.shop)
    log_in(page, live_server, cast.teammate)
    page.goto(f"{live_server.url}/w/alice/care/{case.pk}/")
    expect(page.locator("#compensation")).to_contain_text("Budget")
    _fits(page)
    page.locator("#compensation summary").click()
    page.locator("#compensation select[name=item]").select_option(label="Certificat cadou")
    page.get_by_label("Cost or amount").fill("20")
    page.locator("#compensation").get_by_role("button", name="Propose").click()
    expect(page.locator("#certificate-code")).to_have_text(re.compile(r"^[A-Z0-9-]{23}$"))
    _fits(page)
    compensation = Compensation.objects.get()
    assert (compensation.case_id, str(compensation.cost)) == (case.pk, "20.00")
    page.goto(f"{live_server.url}/w/alice/care/{case.pk}/")
    expect(page.locator("#case-given-cost")).to_contain_text("20")
