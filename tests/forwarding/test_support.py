"""Mail to a workspace's support address, through the inbound SMTP service: a message in the
inbox with its clock running, answered from the inbox with the headers that thread it."""

from __future__ import annotations

from email import message_from_bytes
from typing import Any

import pytest

from clientela.inbox.models import Conversation, Message, Wait, WaitState
from clientela.inbox.services.conversations import conversation_reply
from clientela.inbox.services.setup import inbox_settings_update
from tests.forwarding.conftest import send_all

pytestmark = pytest.mark.django_db(transaction=True)

SUPPORT = "suport@alice.example"
QUESTION = (
    b"From: Maria Pop <maria@client.example>\r\n"
    b"To: suport@alice.example\r\n"
    b"Subject: =?utf-8?q?Comanda_nr=2E_12_nu_a_sosit?=\r\n"
    b"Message-ID: <q1@client.example>\r\n"
    b"Date: Mon, 07 Dec 2026 09:15:00 +0200\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"Bun\xc4\x83 ziua, comanda mea nu a sosit. C\xc3\xa2nd vine?\r\n"
)


def test_a_message_to_the_support_address_waits_in_the_inbox_and_its_answer_threads(
    cast: Any, service: Any, sink: Any
) -> None:
    inbox_settings_update(
        workspace=cast.shop, actor=cast.manager, support_address=SUPPORT, contact_form_enabled=False
    )
    with service.smtp() as smtp:
        assert smtp.sendmail("maria@client.example", [SUPPORT], QUESTION) == {}

    # 250 came after the message was stored, in its conversation, with the clock started.
    message = Message.objects.get()
    conversation = Conversation.objects.get()
    assert (conversation.workspace_id, conversation.subject) == (
        cast.shop.pk,
        "Comanda nr. 12 nu a sosit",
    )
    assert "comanda mea nu a sosit" in message.body
    wait = Wait.objects.get(subject="conversation", subject_id=conversation.pk)
    assert wait.state == WaitState.WAITING

    conversation_reply(
        conversation=conversation, actor=cast.teammate, body="Pleacă mâine dimineață."
    )
    assert send_all() == 1
    [got] = sink.handler.received
    reply = message_from_bytes(got.data)
    assert got.recipients == ("maria@client.example",)
    assert reply["In-Reply-To"] == "<q1@client.example>"
    assert "<q1@client.example>" in reply["References"]
    assert reply["Reply-To"] == SUPPORT
    assert wait.__class__.objects.get(pk=wait.pk).state == WaitState.ANSWERED


def test_other_addresses_of_the_domain_are_not_a_relay(cast: Any, service: Any) -> None:
    inbox_settings_update(
        workspace=cast.shop, actor=cast.manager, support_address=SUPPORT, contact_form_enabled=False
    )
    with service.smtp() as smtp:
        smtp.mail("maria@client.example")
        code, _ = smtp.rcpt("someone@elsewhere.example")
        assert code == 550
    assert not Message.objects.exists()
