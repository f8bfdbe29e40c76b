"""The outreach pages in a real browser: each fits a phone (390 px) and a laptop (1,366 px)
in English and Romanian without a horizontal scroll, and the handwritten route runs from the
order to the printed letter to "written and posted".

Screenshots go to `$CLIENTELA_SCREENSHOTS` when it is set (to look at them), else nowhere.
With `$CLIENTELA_AXE_JS` naming axe-core's `axe.min.js`, every page is also checked by axe.
"""

from __future__ import annotations

import io
import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from clientela.commerce.services import order_create
from clientela.mail.models import Outbox, OutboxKind
from clientela.mail.services import outbox_enqueue
from clientela.outreach.models import Campaign, HandwrittenLetter, MailingList, MessageTemplate
from clientela.outreach.rendering import Rendered
from clientela.outreach.services.automations import automations_update
from clientela.outreach.services.drafts import outbox_draft
from clientela.timeline.models import Event
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1366)
LONG = "https://alice.example/promotii/" + "reducere-de-toamna-" * 12  # one unbreakable word
ADDRESS = {"address_line": "Str. Țesătorilor 3", "city": "Brașov", "postal_code": "500123"}


def _buy(cast: Any, customer: Any) -> Any:
    return order_create(
        workspace=cast.shop,
        actor=cast.owner,
        customer=customer,
        placed_at=timezone.now() - timedelta(days=1),
        total=Decimal("80.00"),
    )


def _outreach(cast: Any, build: Any) -> dict[str, str]:
    """One object of every outreach kind, with the long words that used to widen the pages."""
    automations_update(workspace=cast.shop, actor=cast.owner, thank_you_holdout_percent=0)
    long_mail = "ana.maria.popescu-ionescu.de-la-brasov@foarte-lung.example.ro"
    ana = build.customer(cast.shop, long_mail, first="Ștefăniță", **ADDRESS)
    _buy(cast, ana)  # a letter to write
    sent = Campaign.objects.create(
        workspace=cast.shop,
        title="Reduceri de toamnă la toate produsele din magazin",
        kind="brochure",
        language="ro",
        subject="Noutăți",
        body_text=f"Dragă {{{{ customer.first_name }}}},\n\n{LONG}\n",
        status="finished",
        started_at=timezone.now() - timedelta(days=2),
        finished_at=timezone.now() - timedelta(days=2),
    )
    draft = Campaign.objects.create(
        workspace=cast.shop,
        title="Iarna",
        kind="newsletter",
        language="ro",
        subject="S",
        body_text=LONG,
    )
    row = outbox_enqueue(
        workspace=cast.shop,
        draft=outbox_draft(
            customer=ana,
            address=ana.email,
            kind=OutboxKind.MARKETING,
            source_type="campaign",
            source_id=sent.pk,
            dedup_key=f"campaign:{sent.pk}:{ana.pk}",
            message=Rendered("Noutăți", f"Dragă Ștefăniță,\n\n{LONG}\n", ""),
            language="ro",
            not_before=timezone.now(),
        ),
    )
    assert row is not None
    Outbox.objects.filter(pk=row.pk).update(
        status="failed", last_smtp_reply="550 5.1.1 " + "mailbox-unavailable-" * 8
    )
    template = MessageTemplate.objects.create(
        workspace=cast.shop,
        name="Toamna",
        purpose="campaign",
        language="ro",
        subject="S",
        body_text=LONG,
    )
    mailing_list = MailingList.objects.create(
        workspace=cast.shop, name="Clienți fideli", public_token="tok"
    )
    return {
        "home": "/w/alice/outreach/",
        "settings": "/w/alice/outreach/settings/",
        "templates": "/w/alice/outreach/templates/",
        "template-new": "/w/alice/outreach/templates/new/",
        "template": f"/w/alice/outreach/templates/{template.pk}/",
        "campaigns": "/w/alice/outreach/campaigns/",
        "campaign-new": "/w/alice/outreach/campaigns/new/",
        "campaign": f"/w/alice/outreach/campaigns/{sent.pk}/",
        "campaign-draft": f"/w/alice/outreach/campaigns/{draft.pk}/",
        "campaign-edit": f"/w/alice/outreach/campaigns/{draft.pk}/edit/",
        "letters": "/w/alice/outreach/letters/",
        "lists": "/w/alice/outreach/lists/",
        "list-new": "/w/alice/outreach/lists/new/",
        "list": f"/w/alice/outreach/lists/{mailing_list.pk}/",
        "delivery": "/w/alice/outreach/delivery/",
        "sent-mail": "/w/alice/outreach/sent-mail/",
        "sent-message": f"/w/alice/outreach/sent-mail/{row.pk}/",
    }


@pytest.mark.slow  # 17 pages, two languages, two widths
def test_every_outreach_page_fits_a_phone_and_a_laptop(
    cast, build, live_server, browser_page
) -> None:  # type: ignore[no-untyped-def]
    pages = _outreach(cast, build)
    page = browser_page
    log_in(page, live_server, cast.owner)
    shots = os.environ.get("CLIENTELA_SCREENSHOTS")
    axe = os.environ.get("CLIENTELA_AXE_JS")
    wide: dict[tuple[str, str, int], int] = {}
    for language in ("en", "ro"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for name, path in pages.items():
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.status == 200, (name, response)
                assert page.locator("html").get_attribute("lang") == language
                scroll = page.evaluate("document.scrollingElement.scrollWidth")
                if scroll > width:
                    wide[(name, language, width)] = scroll
                if axe:
                    page.evaluate(Path(axe).read_text())
                    violations = page.evaluate(
                        "async () => (await axe.run({runOnly: ['wcag2a', 'wcag2aa']}))"
                        ".violations.map(v => v.id)"
                    )
                    assert violations == [], (name, language, width, violations)
                if shots:
                    Path(shots).mkdir(parents=True, exist_ok=True)
                    page.screenshot(
                        path=f"{shots}/outreach-{name}-{language}-{width}.png", full_page=True
                    )
    assert wide == {}
    # The sub-menu marks where one is, and is styled (pills), not a bulleted list.
    page.goto(f"{live_server.url}/w/alice/outreach/letters/")
    current = page.locator("nav.subnav a[aria-current=page]")
    expect(current).to_have_count(1)
    assert (
        page.locator("nav.subnav ul").evaluate("e => getComputedStyle(e).listStyleType") == "none"
    )


def test_handwritten_route_printable_pdf_and_written_and_posted(
    cast, build, live_server, browser_page
) -> None:  # type: ignore[no-untyped-def]
    automations_update(workspace=cast.shop, actor=cast.owner, thank_you_holdout_percent=0)
    ana = build.customer(cast.shop, "ana@example.com", first="Ștefăniță", **ADDRESS)
    ion = build.customer(cast.shop, "ion@example.com", first="Ion")  # no postal address
    order = _buy(cast, ana)
    _buy(cast, ion)
    page = browser_page
    log_in(page, live_server, cast.teammate)
    page.context.add_cookies([{"name": "django_language", "value": "ro", "url": live_server.url}])
    page.goto(f"{live_server.url}/w/alice/outreach/letters/")

    # The rule in one sentence, and the e-mailed order's reason.
    expect(page.locator("p.rule")).to_contain_text("mai puțin de 30 de scrisori")
    expect(page.locator("main")).to_contain_text(
        "1 dintre ele pentru că clientul nu are adresă poștală"
    )
    letter = page.locator("ol.letters > li")
    expect(letter).to_have_count(1)
    expect(letter).to_contain_text("500123 Brașov")

    with page.expect_download() as info:
        page.get_by_role("link", name="Scrisori pentru plic DL cu fereastră (PDF)").click()
    download = info.value
    assert download.suggested_filename == "letters.pdf"
    pdf = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = " ".join(pdf.pages[0].extract_text().split())
    assert "Dragă Ștefăniță," in text and "Str. Țesătorilor 3" in text
    assert "răspunde" not in text
    with page.expect_download() as info:
        labels = "Etichete cu adrese, coală A4 de 3 \N{MULTIPLICATION SIGN} 8 (PDF)"
        page.get_by_role("link", name=labels).click()
    assert info.value.suggested_filename == "address-labels-a4-3x8.pdf"

    page.get_by_role("button", name="Scrisă și trimisă").click()

    expect(page.locator("ul.messages")).to_contain_text("Marcată ca scrisă și trimisă")
    expect(page.locator("ol.letters > li.empty")).to_have_count(1)
    assert HandwrittenLetter.objects.get(order=order).status == "done"
    assert Event.objects.get(kind="letter.written").actor == cast.teammate
    # The order's route is on the customer's timeline, in words.
    page.goto(f"{live_server.url}/w/alice/customers/{ana.pk}/")
    expect(page.locator("main")).to_contain_text("Mulțumire prin scrisoare de mână")
