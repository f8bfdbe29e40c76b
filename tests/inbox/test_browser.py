"""A real browser: a message arrives, an agent opens it on a phone, folds the quote open,
replies in the customer's language and closes the conversation; no horizontal scroll."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from clientela.inbox.models import Conversation, Message
from clientela.inbox.services.receive import message_receive
from clientela.mail.models import Outbox
from tests.conftest import log_in
from tests.inbox.mails import reply_to

AXE = os.environ.get("CLIENTELA_AXE_JS", "")


def _no_horizontal_scroll(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1366])
def test_answer_a_customer_from_the_inbox(cast, live_server, browser_page, width) -> None:  # type: ignore[no-untyped-def]
    raw = reply_to(
        "<older@x.example>",
        subject="Întrebare despre colet cu un subiect foarte lung care nu încape pe un telefon",
        body="Bună ziua, când ajunge coletul meu? " * 8,
        message_id="<tb-1@example.ro>",
        sender="Ana Popă <ana@example.ro>",
    )
    message_receive(workspace=cast.shop, raw=raw, channel="email")
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, cast.teammate)
    page.goto(f"{live_server.url}/w/alice/inbox/")
    _no_horizontal_scroll(page)
    page.get_by_role("link", name="Întrebare despre colet").first.click()
    _no_horizontal_scroll(page)
    quoted = page.locator("details", has_text="Quoted text").first
    expect(quoted.locator(".quoted")).to_be_hidden()
    quoted.locator("summary").click()
    expect(quoted.locator(".quoted")).to_contain_text("Ajunge mâine.")
    expect(page.get_by_label("Language of the reply")).to_have_value("ro")
    page.get_by_label("Message").fill("Bună ziua, ajunge mâine.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("ul.messages")).to_contain_text("Reply queued for sending.")
    expect(page.locator("li.message-out")).to_contain_text("Bună ziua, ajunge mâine.")
    page.get_by_role("button", name="Closed").click()
    expect(page.locator("#conversation-status")).to_have_text("Closed")
    _no_horizontal_scroll(page)
    conversation = Conversation.objects.get()
    assert conversation.status == "closed"
    assert Outbox.objects.get().body_text == "Bună ziua, ajunge mâine."
    assert Message.objects.filter(direction="out").count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ro"])
@pytest.mark.parametrize("width", [390, 1366])
def test_the_inbox_pages_have_no_accessibility_violation(  # type: ignore[no-untyped-def]
    cast, live_server, browser_page, language, width
):
    if not AXE or not Path(AXE).is_file():
        pytest.skip("CLIENTELA_AXE_JS does not name axe-core's axe.min.js (scripts/test.sh does)")
    from tests.inbox.mails import OUTLOOK_WITH_ATTACHMENT

    conversation = message_receive(
        workspace=cast.shop, raw=OUTLOOK_WITH_ATTACHMENT, channel="email"
    ).conversation
    from clientela.inbox.services.setup import inbox_settings_update

    token = inbox_settings_update(
        workspace=cast.shop,
        actor=None,
        support_address="s@alice.example",
        contact_form_enabled=True,
    ).contact_token
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, cast.owner)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    source = Path(AXE).read_text()
    found = {}
    for path in [
        "/w/alice/inbox/",
        f"/w/alice/inbox/{conversation.pk}/",
        f"/w/alice/inbox/{conversation.pk}/customer/?q=i",
        "/w/alice/inbox/settings/",
        f"/contact/{token}/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        _no_horizontal_scroll(page)
        page.evaluate(source)
        violations = page.evaluate(
            "async () => (await axe.run({runOnly: ['wcag2a', 'wcag2aa']}))"
            ".violations.map(v => v.id + ' ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        if violations:
            found[path] = violations
    assert found == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_link_a_conversation_to_a_customer_on_a_phone(cast, live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    from clientela.customers.services import customer_create
    from clientela.timeline.models import Event

    raw = reply_to(
        "<older@x.example>",
        subject="Colet",
        body="Unde e?",
        message_id="<tl-1@x.ro>",
        sender="Ana Pop <ana@example.ro>",
    )
    conversation = message_receive(workspace=cast.shop, raw=raw, channel="email").conversation
    ioana = customer_create(
        workspace=cast.shop,
        actor=None,
        email="ioana.stan@example.ro",
        first_name="Ioana",
        last_name="Stănescu-Constantinescu",
    )
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 900})
    log_in(page, live_server, cast.teammate)
    page.goto(f"{live_server.url}/w/alice/inbox/{conversation.pk}/")
    page.get_by_label("Link to another customer").fill("ioana")  # htmx asks as one types
    link = page.get_by_role("button", name="Link to Ioana Stănescu-Constantinescu")
    expect(link).to_be_visible()
    _no_horizontal_scroll(page)
    link.click()
    expect(page.locator("ul.messages")).to_contain_text("Linked to Ioana Stănescu-Constantinescu.")
    expect(page.locator("dl.details")).to_contain_text("Ioana Stănescu-Constantinescu")
    _no_horizontal_scroll(page)
    page.get_by_role("button", name="Unlink from the customer").click()
    expect(page.locator("ul.messages")).to_contain_text("no longer linked")
    conversation.refresh_from_db()
    assert conversation.customer_id is None
    kinds = Event.objects.filter(customer=ioana, kind__startswith="conversation.").values_list(
        "kind", flat=True
    )
    assert sorted(kinds) == ["conversation.linked", "conversation.unlinked"]
