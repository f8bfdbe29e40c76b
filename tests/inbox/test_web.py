"""The inbox pages: the list, a conversation, its forms, attachments, settings, the contact form."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from clientela.inbox.models import Conversation, InboxSettings, Message
from clientela.inbox.services.receive import message_receive
from clientela.inbox.services.setup import FORM_PER_IP_PER_HOUR, inbox_settings_update
from clientela.mail.models import Outbox
from clientela.timeline.models import Event
from clientela.web.inbox.forms import ContactForm
from tests.inbox.mails import GMAIL_RO, OUTLOOK_WITH_ATTACHMENT
from tests.web.conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(cast) -> Conversation:
    message = message_receive(workspace=cast.shop, raw=GMAIL_RO, channel="email")
    assert message is not None
    return message.conversation


def test_the_list_shows_open_conversations_with_a_pinned_query_count(
    cast, client_for, conversation, django_assert_max_num_queries
):
    client = client_for(cast.viewer)
    with django_assert_max_num_queries(8):
        page = client.get("/w/alice/inbox/")
    assert page.status_code == 200
    assert "Întrebare despre comanda 12" in page.content.decode()
    Conversation.objects.update(status="closed")
    assert "Întrebare despre comanda 12" not in client.get("/w/alice/inbox/").content.decode()
    assert "Întrebare" in client.get("/w/alice/inbox/?status=all").content.decode()


def test_the_conversation_page_folds_signatures_and_shows_sanitised_html(
    cast, client_for, conversation
):
    html = client_for(cast.teammate).get(f"/w/alice/inbox/{conversation.pk}/").content.decode()
    assert "<summary>Signature</summary>" in html
    assert "alert(1)" not in html and "tracker.example" not in html
    # The reply box starts in the customer's language (Romanian here), with a greeting.
    assert 'value="ro" selected' in html
    assert "Ana," in html


def test_a_reply_from_the_page_is_queued_and_a_note_is_not(cast, client_for, conversation):
    client = client_for(cast.teammate)
    url = f"/w/alice/inbox/{conversation.pk}/answer/"
    assert (
        post(
            client, url, {"body": "Ajunge mâine.", "language": "ro", "action": "reply"}
        ).status_code
        == 302
    )
    assert (
        post(client, url, {"body": "Sun curierul.", "language": "ro", "action": "note"}).status_code
        == 302
    )
    assert Outbox.objects.count() == 1
    assert list(conversation.messages.order_by("pk").values_list("direction", flat=True)) == [
        "in",
        "out",
        "note",
    ]
    viewer = client_for(cast.viewer)
    assert post(viewer, url, {"body": "x", "language": "ro"}).status_code == 403
    assert Outbox.objects.count() == 1


def test_status_and_assignment_from_the_page(cast, client_for, conversation):
    from clientela.accounts.models import Membership

    client = client_for(cast.teammate)
    url = f"/w/alice/inbox/{conversation.pk}/update/"
    post(client, url, {"status": "waiting"})
    manager = Membership.objects.get(workspace=cast.shop, user=cast.manager)
    post(client, url, {"assignee": str(manager.pk)})
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assignee) == ("waiting", cast.manager)
    foreign = Membership.objects.get(workspace=cast.other_shop, user=cast.outsider)
    assert post(client, url, {"assignee": str(foreign.pk)}).status_code == 404


def test_another_shops_conversation_and_attachment_are_not_found(cast, client_for):
    theirs = message_receive(
        workspace=cast.other_shop, raw=OUTLOOK_WITH_ATTACHMENT, channel="email"
    )
    client = client_for(cast.owner)
    assert client.get(f"/w/alice/inbox/{theirs.conversation_id}/").status_code == 404
    assert client.get(f"/w/alice/inbox/files/{theirs.attachments.first().pk}/").status_code == 404
    before = Event.objects.count()
    assert (
        post(
            client, f"/w/alice/inbox/{theirs.conversation_id}/update/", {"status": "closed"}
        ).status_code
        == 404
    )
    assert Event.objects.count() == before


def test_attachments_are_always_downloads_never_rendered(cast, client_for):
    message = message_receive(workspace=cast.shop, raw=OUTLOOK_WITH_ATTACHMENT, channel="email")
    page = message.attachments.get(filename="page.html")
    response = client_for(cast.viewer).get(f"/w/alice/inbox/files/{page.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert (
        response["Content-Disposition"]
        == "attachment; filename=\"page.html\"; filename*=UTF-8''page.html"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response.content == b"<script>alert(document.cookie)</script>"


def test_settings_page_saves_the_support_address(cast, client_for):
    client = client_for(cast.manager)
    response = post(
        client,
        "/w/alice/inbox/settings/",
        {
            "form": "settings",
            "support_address": "Suport@Alice.example",
            "contact_form_enabled": "on",
        },
    )
    assert response.status_code == 302
    row = InboxSettings.objects.get(workspace=cast.shop)
    assert (row.support_address, row.contact_form_enabled) == ("suport@alice.example", True)
    post(
        client,
        "/w/alice/inbox/settings/",
        {
            "form": "imap",
            "host": "imap.alice.example",
            "port": "993",
            "use_ssl": "on",
            "username": "u",
            "password": "pw-secret",
            "folder": "INBOX",
        },
    )
    html = client.get("/w/alice/inbox/settings/").content.decode()
    assert "pw-secret" not in html and "imap.alice.example" in html
    assert "pw-secret" not in str(list(Event.objects.values_list("new", flat=True)))


# The public contact form ---------------------------------------------------------------


@pytest.fixture
def form_url(cast) -> str:
    row = inbox_settings_update(
        workspace=cast.shop,
        actor=None,
        support_address="suport@alice.example",
        contact_form_enabled=True,
    )
    return f"/contact/{row.contact_token}/"


def _fields(**extra: str) -> dict[str, str]:
    return {
        "name": "Ion Pop",
        "email": "ion@example.ro",
        "subject": "Colet",
        "body": "Unde este coletul?",
        "website": "",
        **extra,
    }


def _aged_stamp(monkeypatch) -> str:
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 60)
    stamp = ContactForm.stamp()
    monkeypatch.setattr(time, "time", real)
    return stamp


def test_a_person_writes_through_the_contact_form(cast, form_url, monkeypatch):
    client = Client(enforce_csrf_checks=True)
    assert client.get(form_url).status_code == 200
    response = post(
        client, form_url, _fields(shown=_aged_stamp(monkeypatch)), REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 200 and b"Message sent" in response.content
    message = Message.objects.get()
    assert (message.channel, message.remote_ip, message.body) == (
        "form",
        "198.51.100.7",
        "Unde este coletul?",
    )
    assert message.conversation.customer.email == "ion@example.ro"


@pytest.mark.parametrize("trap", ["honeypot", "too_fast", "forged", "stale"])
def test_bots_are_answered_as_people_and_nothing_is_stored(cast, form_url, monkeypatch, trap):
    stamp = _aged_stamp(monkeypatch)
    data = {
        "honeypot": _fields(shown=stamp, website="http://spam.example"),
        "too_fast": _fields(shown=ContactForm.stamp()),
        "forged": _fields(shown="contact:1abc:forged"),
        "stale": _fields(shown=stamp),
    }[trap]
    if trap == "stale":
        real = time.time
        monkeypatch.setattr(time, "time", lambda: real() + 2 * 86400)
    response = post(Client(enforce_csrf_checks=True), form_url, data)
    assert response.status_code == 200 and b"Message sent" in response.content
    assert Message.objects.count() == 0 and Conversation.objects.count() == 0


def test_the_form_limits_each_ip(cast, form_url, monkeypatch):
    client = Client(enforce_csrf_checks=True)
    stamp = _aged_stamp(monkeypatch)
    for n in range(FORM_PER_IP_PER_HOUR):
        post(client, form_url, _fields(shown=stamp, subject=f"S{n}"), REMOTE_ADDR="203.0.113.9")
    refused = post(
        client, form_url, _fields(shown=stamp, subject="one more"), REMOTE_ADDR="203.0.113.9"
    )
    assert b"Too many messages" in refused.content
    post(client, form_url, _fields(shown=stamp, subject="other ip"), REMOTE_ADDR="203.0.113.10")
    assert Message.objects.count() == FORM_PER_IP_PER_HOUR + 1


def test_a_closed_form_or_unknown_token_is_not_found(cast, form_url):
    InboxSettings.objects.update(contact_form_enabled=False)
    assert Client().get(form_url).status_code == 404
    assert Client().get("/contact/nope/").status_code == 404
