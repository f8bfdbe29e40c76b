"""A complaint opened from an inbox message: the form filled from it, and the case's messages
sent in that conversation, threaded under what the client wrote."""

from __future__ import annotations

from typing import Any

import pytest

from clientela.care.models import Case
from clientela.care.services.messages import case_message_send
from clientela.inbox.services.receive import message_receive
from clientela.mail.models import Outbox
from tests.web.conftest import post

pytestmark = pytest.mark.django_db

COMPLAINT = (
    b"From: Ioana Popescu <ioana@example.com>\r\n"
    b"To: suport@alice.example\r\n"
    b"Subject: Vaza a venit sparta\r\n"
    b"Message-ID: <vaza-1@example.com>\r\n"
    b"Date: Mon, 07 Dec 2026 09:15:00 +0200\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"Vaza comandata a ajuns sparta in colet.\r\n"
)


def test_a_complaint_opened_from_a_message_answers_in_its_conversation(
    cast: Any, shop: Any, client_for: Any
) -> None:
    message = message_receive(workspace=cast.shop, raw=COMPLAINT, channel="email")
    assert message is not None and message.conversation.customer_id == shop.customer.pk
    client = client_for(cast.teammate)
    page = client.get(f"/w/alice/care/new/?conversation={message.conversation_id}")
    form = page.context["form"]
    assert (form.initial["customer_email"], form.initial["subject"]) == (
        "ioana@example.com",
        "Vaza a venit sparta",
    )
    assert "ajuns sparta" in form.initial["complaint"]

    response = post(
        client,
        "/w/alice/care/new/",
        {
            "conversation": message.conversation_id,
            "customer_email": "ioana@example.com",
            "subject": "Vaza a venit sparta",
            "complaint": "Vaza comandata a ajuns sparta in colet.",
            "channel": "email",
            "category": "delivery",
            "severity": "medium",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.conversation_id, case.customer_id) == (message.conversation_id, shop.customer.pk)

    case_message_send(case=case, actor=cast.teammate, key="compassion", text="Dragă Ioana, ...")
    row = Outbox.objects.get()
    assert (row.source_type, row.source_id) == ("inbox.conversation", message.conversation_id)
    assert row.headers["In-Reply-To"] == "<vaza-1@example.com>"
    assert row.subject == "Re: Vaza a venit sparta"


def test_another_workspaces_conversation_cannot_be_the_source(cast: Any, client_for: Any) -> None:
    message = message_receive(workspace=cast.other_shop, raw=COMPLAINT, channel="email")
    assert message is not None
    response = client_for(cast.teammate).get(
        f"/w/alice/care/new/?conversation={message.conversation_id}"
    )
    assert response.status_code == 404
