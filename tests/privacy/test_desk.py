"""A customer's messages, complaints and forwarding address in the export, and gone after
an erasure (their dates and outcomes kept for the shop's records)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from clientela.care.models import Case, CaseStep
from clientela.customers.services import customer_create
from clientela.forwarding.models import Alias
from clientela.inbox.models import Attachment, Conversation, Message
from clientela.inbox.services.receive import message_receive
from clientela.privacy.export import customer_data
from clientela.privacy.services import customer_erase
from tests.care.objects import care_case
from tests.forwarding.objects import alias_for, forwarding_domain
from tests.inbox.mails import OUTLOOK_WITH_ATTACHMENT

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_of_the_desk(cast: Any) -> Any:
    message = message_receive(workspace=cast.shop, raw=OUTLOOK_WITH_ATTACHMENT, channel="email")
    assert message is not None and message.conversation.customer is not None
    customer = message.conversation.customer
    forwarding_domain(cast.shop)
    alias_for(customer, local_part="client")
    care_case(cast, customer, subject="Factura greșită", complaint="Factura are alt nume.")
    return customer


def test_the_export_lists_the_messages_complaints_and_alias_without_the_staff_score(
    cast: Any, client_of_the_desk: Any
) -> None:
    data = customer_data(client_of_the_desk)
    assert len(data["messages"]) == 1 and data["messages"][0]["direction"] == "in"
    assert [c["subject"] for c in data["complaints"]] == ["Factura greșită"]
    assert "complainer" not in json.dumps(data, default=str)
    assert [a["local_part"] for a in data["aliases"]] == ["client"]
    assert data["compensations"] == [] and data["gift_certificates"] == []


def test_an_erasure_removes_their_words_files_and_alias(cast: Any, client_of_the_desk: Any) -> None:
    other = customer_create(workspace=cast.shop, actor=None, email="alt@example.com")
    kept_case = care_case(cast, other, subject="Alt client", complaint="Rămâne.")
    customer_erase(customer=client_of_the_desk, actor=cast.manager)

    message = Message.objects.get()
    assert (message.body, message.from_address, message.subject, message.html) == ("", "", "", "")
    assert not Attachment.objects.exists()
    assert Conversation.objects.get().reply_to == ""
    case = Case.objects.get(customer=client_of_the_desk)
    assert (case.subject, case.complaint, case.status) == ("", "", "open")
    assert set(CaseStep.objects.filter(case=case).values_list("draft", flat=True)) == {""}
    assert not Alias.objects.filter(customer=client_of_the_desk).exists()
    kept_case.refresh_from_db()
    assert kept_case.complaint == "Rămâne."
