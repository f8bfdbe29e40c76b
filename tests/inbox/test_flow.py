"""Inbound mail -> thread -> reply through the outbox -> the customer's answer threads back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientela.customers.models import Customer
from clientela.customers.services import customer_create
from clientela.inbox.models import Conversation, ConversationStatus, Direction, Message
from clientela.inbox.parsing import Folded, fold_quoted, parse_message
from clientela.inbox.services.conversations import (
    conversation_assign,
    conversation_note,
    conversation_reply,
    conversation_status_set,
)
from clientela.inbox.services.errors import InboxError
from clientela.inbox.services.receive import (
    conversation_path,
    message_receive,
    workspace_for_support_address,
)
from clientela.inbox.services.setup import inbox_settings_update
from clientela.inbox.signals import (
    client_answered,
    client_wrote,
    subject_closed,
    waiting_for_client,
)
from clientela.mail.models import SuppressionReason
from clientela.mail.services import suppression_add
from clientela.timeline.models import Event
from tests.inbox.mails import GMAIL_RO, reply_to
from tests.mail.test_send import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    calls: list[tuple[str, dict]] = []
    receivers = {}
    for name, signal in [
        ("wrote", client_wrote),
        ("answered", client_answered),
        ("waiting", waiting_for_client),
        ("closed", subject_closed),
    ]:

        def receiver(sender, _name=name, **kwargs):
            kwargs.pop("signal", None)
            calls.append((_name, kwargs))

        receivers[name] = receiver
        signal.connect(receiver, weak=False)
    yield calls
    for name, signal in [
        ("wrote", client_wrote),
        ("answered", client_answered),
        ("waiting", waiting_for_client),
        ("closed", subject_closed),
    ]:
        signal.disconnect(receivers[name])


def test_the_support_address_names_its_workspace(cast):
    inbox_settings_update(
        workspace=cast.shop,
        actor=cast.manager,
        support_address="Suport@Alice.Example",
        contact_form_enabled=False,
    )
    assert workspace_for_support_address("suport@alice.example") == cast.shop
    assert workspace_for_support_address("other@alice.example") is None
    with pytest.raises(InboxError):
        inbox_settings_update(
            workspace=cast.other_shop,
            actor=cast.outsider,
            support_address="suport@alice.example",
            contact_form_enabled=False,
        )


def test_an_unknown_sender_becomes_a_customer_and_the_clock_hears_of_it(cast, heard):
    message = message_receive(workspace=cast.shop, raw=GMAIL_RO, channel="email")
    conversation = message.conversation
    customer = Customer.objects.get(workspace=cast.shop)
    assert (customer.email, customer.first_name, customer.last_name) == (
        "ana.popa@gmail.com",
        "Ana",
        "Popă",
    )
    assert Event.objects.get(kind="customer.created").actor_label == "inbox (email)"
    assert (conversation.customer, conversation.subject, conversation.status) == (
        customer,
        "Întrebare despre comanda 12",
        "open",
    )
    assert (
        message.body == "Bună ziua, când ajunge coletul? Mulțumesc!"
        and message.signature == "--\nAna Popă"
    )
    [(name, kwargs)] = heard
    assert name == "wrote"
    assert kwargs == {
        "workspace_id": cast.shop.pk,
        "workspace": cast.shop,
        "subject": "conversation",
        "subject_id": conversation.pk,
        "customer_id": customer.pk,
        "channel": "email",
        "at": message.created_at,
        "title": "Întrebare despre comanda 12",
        "url": conversation_path(cast.shop, conversation),
    }
    assert kwargs["url"] == reverse(
        "web:conversation", kwargs={"ws": "alice", "pk": conversation.pk}
    )
    # The same message again (an IMAP re-read, an SMTP retry) is stored once.
    assert message_receive(workspace=cast.shop, raw=GMAIL_RO, channel="imap") == message
    assert Message.objects.count() == 1 and len(heard) == 1


def test_a_known_customer_is_matched_by_any_of_their_addresses(cast):
    from clientela.customers.services import customer_email_add

    ana = customer_create(workspace=cast.shop, actor=None, email="ana@shop.example")
    customer_email_add(customer=ana, address="Ana.Popa@gmail.com", actor=None)
    message = message_receive(workspace=cast.shop, raw=GMAIL_RO, channel="email")
    assert message.conversation.customer == ana
    assert Customer.objects.count() == 1
    # Another workspace with the same message keeps its own conversation and customer.
    other = message_receive(workspace=cast.other_shop, raw=GMAIL_RO, channel="email")
    assert other.conversation.workspace == cast.other_shop and other.conversation.customer != ana


def test_inbound_thread_reply_and_the_answer_threads_back(cast, sink, heard):
    inbox_settings_update(
        workspace=cast.shop,
        actor=None,
        support_address="suport@alice.example",
        contact_form_enabled=False,
    )
    first = message_receive(workspace=cast.shop, raw=GMAIL_RO, channel="email")
    conversation = first.conversation
    reply = conversation_reply(
        conversation=conversation, actor=cast.teammate, body="Ajunge mâine.", language="ro"
    )
    assert send().sent == 1
    [got] = sink.received
    mail = got.message
    assert got.recipients == ("ana.popa@gmail.com",)
    assert mail["Message-ID"] == reply.message_id
    assert mail["In-Reply-To"] == "<CAF=gmail-1@mail.gmail.com>"
    assert mail["References"] == "<CAF=gmail-1@mail.gmail.com>"
    assert mail["Reply-To"] == "suport@alice.example"
    assert mail["Subject"] == "Re: Întrebare despre comanda 12"
    # Every mail is multipart/alternative in the shop's look (o-brand): the text part is the
    # reply and the shop's footer after the signature line, the HTML part the same reply.
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert text.get_content().replace("\r\n", "\n") == "Ajunge mâine.\n\n-- \nAlice's Shop\n"
    assert ">Ajunge mâine.</p>" in html.get_content()
    # The inbox's own parser reads our reply back as what we wrote, the footer as signature.
    ours = parse_message(got.data)
    assert fold_quoted(ours.text) == Folded("Ajunge mâine.", "", "-- \nAlice's Shop")
    assert ">Ajunge mâine.</p>" in ours.html
    # The customer answers from their client: the answer joins the same conversation.
    conversation_status_set(conversation=conversation, actor=cast.teammate, status="waiting")
    answer = message_receive(
        workspace=cast.shop,
        raw=reply_to(
            reply.message_id,
            subject="Re: Întrebare despre comanda 12",
            body="Mulțumesc!",
            message_id="<tb-2@gmail.com>",
            sender="Ana.Popa@gmail.com",
        ),
        channel="email",
    )
    conversation.refresh_from_db()
    assert answer.conversation == conversation and answer.body == "Mulțumesc!"
    assert conversation.status == ConversationStatus.OPEN
    # Our second reply references the whole thread and answers the newest message.
    second = conversation_reply(conversation=conversation, actor=cast.teammate, body="Cu plăcere.")
    send()
    mail = sink.received[-1].message
    assert mail["In-Reply-To"] == "<tb-2@gmail.com>"
    assert mail["References"] == f"<CAF=gmail-1@mail.gmail.com> {reply.message_id} <tb-2@gmail.com>"
    assert mail["Subject"] == "Re: Întrebare despre comanda 12"
    assert [name for name, _kw in heard] == ["wrote", "answered", "waiting", "wrote", "answered"]
    assert heard[1][1]["actor_id"] == cast.teammate.pk
    assert list(conversation.messages.order_by("pk").values_list("direction", flat=True)) == [
        "in",
        "out",
        "in",
        "out",
    ]
    assert second.direction == Direction.OUTBOUND


def test_the_subject_fallback_threads_only_the_same_customer_recently(cast, time_machine):
    time_machine.move_to("2026-12-01 10:00Z")
    plain = b"From: ion@b.ro\r\nSubject: Factura\r\nMessage-ID: <p1@b.ro>\r\n\r\nSalut\r\n"
    first = message_receive(workspace=cast.shop, raw=plain, channel="email")
    again = b"From: ion@b.ro\r\nSubject: RE: Factura\r\nMessage-ID: <p2@b.ro>\r\n\r\nAlo\r\n"
    assert (
        message_receive(workspace=cast.shop, raw=again, channel="email").conversation
        == first.conversation
    )
    stranger = b"From: eva@b.ro\r\nSubject: Re: Factura\r\nMessage-ID: <p3@b.ro>\r\n\r\nEu\r\n"
    assert (
        message_receive(workspace=cast.shop, raw=stranger, channel="email").conversation
        != first.conversation
    )
    time_machine.move_to("2026-12-30 10:00Z")
    late = b"From: ion@b.ro\r\nSubject: Re: Factura\r\nMessage-ID: <p4@b.ro>\r\n\r\nTot eu\r\n"
    assert (
        message_receive(workspace=cast.shop, raw=late, channel="email").conversation
        != first.conversation
    )
    assert Conversation.objects.count() == 3


def test_an_auto_reply_to_nothing_starts_no_conversation(cast, heard):
    raw = b"From: a@b.ro\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nAway.\r\n"
    assert message_receive(workspace=cast.shop, raw=raw, channel="email") is None
    assert Conversation.objects.count() == 0 and heard == []


def test_notes_assignment_and_closing_are_recorded_and_a_note_sends_nothing(cast, sink, heard):
    conversation = message_receive(workspace=cast.shop, raw=GMAIL_RO, channel="email").conversation
    conversation_note(conversation=conversation, actor=cast.teammate, body="Sun curierul.")
    conversation_assign(conversation=conversation, actor=cast.teammate, assignee=cast.manager)
    with pytest.raises(InboxError):
        conversation_assign(conversation=conversation, actor=cast.teammate, assignee=cast.outsider)
    conversation_status_set(conversation=conversation, actor=cast.teammate, status="closed")
    assert send().claimed == 0 and sink.received == []
    kinds = list(
        Event.objects.filter(kind__startswith="conversation.")
        .order_by("pk")
        .values_list("kind", "old", "new")
    )
    assert [kind for kind, _o, _n in kinds] == [
        "conversation.received",
        "conversation.noted",
        "conversation.assigned",
        "conversation.status",
    ]
    assert kinds[2][1:] == ({"assignee": None}, {"assignee": cast.manager.pk})
    assert kinds[3][1:] == ({"status": "open"}, {"status": "closed"})
    assert [name for name, _kw in heard] == ["wrote", "closed"]


def test_a_reply_is_refused_to_a_bounced_address_but_not_to_an_unsubscribed_one(cast):
    conversation = message_receive(workspace=cast.shop, raw=GMAIL_RO, channel="email").conversation
    suppression_add(
        workspace=cast.shop, address="ana.popa@gmail.com", reason=SuppressionReason.UNSUBSCRIBE
    )
    conversation_reply(conversation=conversation, actor=cast.teammate, body="Da.")
    from clientela.mail.models import SuppressedAddress

    SuppressedAddress.objects.all().delete()
    suppression_add(
        workspace=cast.shop, address="ana.popa@gmail.com", reason=SuppressionReason.HARD_BOUNCE
    )
    with pytest.raises(InboxError) as refused:
        conversation_reply(conversation=conversation, actor=cast.teammate, body="Da.")
    assert refused.value.message == "The address bounced"
    assert conversation.messages.filter(direction="out").count() == 1


def test_receiving_an_ordinary_message_takes_a_fixed_number_of_queries(
    cast, django_assert_num_queries
):
    # Receiving is the hot path of the SMTP service and IMAP polling (bench/inbox.py): each
    # query more is a few per cent of its rate. A message from an unknown sender: look up
    # its ids and the sender, make the customer (savepoint, address check, two inserts), the
    # conversation and the message, then the clock (settings, its wait, the segment and the
    # targets, the wait), the three timeline rows in one insert, and the test's savepoint.
    with django_assert_num_queries(17):
        first = message_receive(workspace=cast.shop, raw=GMAIL_RO, channel="email")
    # Their answer in the thread: ids and sender, the message, the conversation, one timeline
    # row, and the clock, which already runs (settings and its wait).
    answer = reply_to(
        "<CAF=gmail-1@mail.gmail.com>",
        subject="Re: Întrebare despre comanda 12",
        body="Mulțumesc!",
        message_id="<tb-2@gmail.com>",
        sender="ana.popa@gmail.com",
    )
    with django_assert_num_queries(9):
        second = message_receive(workspace=cast.shop, raw=answer, channel="email")
    assert second.conversation == first.conversation
    assert Event.objects.filter(kind="conversation.received").count() == 2
    assert Event.objects.filter(kind__in=["customer.created", "wait.started"]).count() == 2
