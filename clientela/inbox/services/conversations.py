"""Our side of a conversation: replies through the outbox, notes, assignment, statuses."""

from __future__ import annotations

import re
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.accounts.models import Membership, User
from clientela.accounts.policy import permit
from clientela.customers.models import Customer
from clientela.inbox.models import (
    Conversation,
    ConversationStatus,
    Direction,
    InboxSettings,
    Message,
)
from clientela.inbox.policy import (
    CONVERSATION_ASSIGN,
    CONVERSATION_LINK,
    CONVERSATION_NOTE,
    CONVERSATION_REPLY,
    CONVERSATION_STATUS,
)
from clientela.inbox.services.errors import InboxError
from clientela.inbox.signals import client_answered, subject_closed, waiting_for_client
from clientela.mail import contact_allowed
from clientela.mail.contact import ContactPurpose
from clientela.mail.models import OutboxKind
from clientela.mail.services import OutboxDraft, outbox_enqueue
from clientela.mail.tasks import outbox_wake
from clientela.timeline.services import event_record

BODY_LIMIT = 50_000
_RE = re.compile(r"^\s*re\s*:", re.IGNORECASE)
REFERENCES_KEPT = 10  # RFC 5322 3.6.4 lets a long References be trimmed; keep the newest


def reply_subject(subject: str) -> str:
    """ "Re: " once, before the original subject (never "Re: Re: ...")."""
    if _RE.match(subject):
        return subject
    return f"Re: {subject}" if subject else "Re:"


def _body(body: str) -> str:
    body = body.strip()
    if not body:
        raise InboxError(_("Write something first."), "body")
    if len(body) > BODY_LIMIT:
        raise InboxError(_("The text is too long."), "body")
    return body


@transaction.atomic
def conversation_reply(
    *, conversation: Conversation, actor: User | None, body: str, language: str = "ro"
) -> Message:
    """Send `body` to the customer through the outbox, threaded under their last message."""
    permit(actor=actor, workspace=conversation.workspace, rule=CONVERSATION_REPLY)
    body = _body(body)
    address = conversation.reply_to
    if not address:
        raise InboxError(_("This conversation has no address to answer to."))
    customer = conversation.customer
    if customer is not None:
        verdict = contact_allowed(customer, ContactPurpose.REPLY, address=address)
        if not verdict.allowed and verdict.reason is not None:
            raise InboxError(verdict.reason.label)
    ids: list[str] = list(
        conversation.messages.exclude(message_id=None)
        .exclude(direction=Direction.NOTE)
        .order_by("created_at", "pk")
        .values_list("message_id", flat=True)  # type: ignore[arg-type]
    )
    headers: dict[str, str] = {}
    if ids:
        headers["In-Reply-To"] = ids[-1]
        headers["References"] = " ".join(ids[-REFERENCES_KEPT:])
    support = InboxSettings.objects.for_workspace(conversation.workspace).first()
    if support is not None and support.support_address:
        headers["Reply-To"] = support.support_address  # their answer comes back to the inbox
    subject = reply_subject(conversation.subject)
    row = outbox_enqueue(
        workspace=conversation.workspace,
        draft=OutboxDraft(
            to_address=address,
            to_name=customer.display_name if customer else "",
            subject=subject,
            body_text=body,
            kind=OutboxKind.TRANSACTIONAL,
            source_type="inbox.conversation",
            source_id=conversation.pk,
            dedup_key=f"inbox-reply:{secrets.token_urlsafe(12)}",
            customer=customer,
            language=language if language in ("ro", "en") else "ro",
            headers=headers,
        ),
    )
    assert row is not None  # the dedup key is fresh
    now = timezone.now()
    message = Message.objects.create(
        workspace=conversation.workspace,
        conversation=conversation,
        direction=Direction.OUTBOUND,
        channel=conversation.channel,
        message_id=row.message_id,
        references=headers.get("References", ""),
        from_address=row.to_address,
        subject=subject,
        body=body,
        author=actor,
        outbox_id=row.pk,
        size=len(body.encode()),
        created_at=now,
    )
    conversation.last_message_at = now
    conversation.save(update_fields=["last_message_at"])
    _record(conversation, actor, "conversation.replied", new={"message": message.pk})
    client_answered.send(
        sender=Conversation,
        workspace_id=conversation.workspace_id,
        subject="conversation",
        subject_id=conversation.pk,
        at=now,
        actor_id=actor.pk if actor else None,
    )
    outbox_wake()
    return message


@transaction.atomic
def conversation_note(*, conversation: Conversation, actor: User | None, body: str) -> Message:
    """An internal note: seen by the team only, never sent, stops no clock."""
    permit(actor=actor, workspace=conversation.workspace, rule=CONVERSATION_NOTE)
    message = Message.objects.create(
        workspace=conversation.workspace,
        conversation=conversation,
        direction=Direction.NOTE,
        channel=conversation.channel,
        body=_body(body),
        author=actor,
    )
    _record(conversation, actor, "conversation.noted", new={"message": message.pk})
    return message


@transaction.atomic
def conversation_assign(
    *, conversation: Conversation, actor: User | None, assignee: User | None
) -> Conversation:
    permit(actor=actor, workspace=conversation.workspace, rule=CONVERSATION_ASSIGN)
    if (
        assignee is not None
        and not Membership.objects.filter(workspace=conversation.workspace, user=assignee).exists()
    ):
        raise InboxError(_("Only a member of the team can be assigned."), "assignee")
    old = conversation.assignee_id
    if old == (assignee.pk if assignee else None):
        return conversation
    conversation.assignee = assignee
    conversation.save(update_fields=["assignee"])
    _record(
        conversation,
        actor,
        "conversation.assigned",
        old={"assignee": old},
        new={"assignee": assignee.pk if assignee else None},
    )
    return conversation


@transaction.atomic
def conversation_status_set(
    *, conversation: Conversation, actor: User | None, status: ConversationStatus | str
) -> Conversation:
    """Open, waiting for the customer (the clock pauses) or closed (the clock stops)."""
    permit(actor=actor, workspace=conversation.workspace, rule=CONVERSATION_STATUS)
    try:
        status = ConversationStatus(status)
    except ValueError as error:
        raise InboxError(_("Unknown status."), "status") from error
    old = conversation.status
    if old == status:
        return conversation
    conversation.status = status
    conversation.save(update_fields=["status"])
    _record(conversation, actor, "conversation.status", old={"status": old}, new={"status": status})
    signal = {
        ConversationStatus.WAITING: waiting_for_client,
        ConversationStatus.CLOSED: subject_closed,
    }
    if status in signal:
        signal[status].send(
            sender=Conversation,
            workspace_id=conversation.workspace_id,
            subject="conversation",
            subject_id=conversation.pk,
            at=timezone.now(),
        )
    return conversation


@transaction.atomic
def conversation_link(
    *, conversation: Conversation, actor: User | None, customer: Customer
) -> Conversation:
    """Link the conversation to a customer chosen by hand (a sender we did not recognise)."""
    permit(actor=actor, workspace=conversation.workspace, rule=CONVERSATION_LINK)
    if customer.workspace_id != conversation.workspace_id:
        raise InboxError(_("No such customer."), "customer")
    old = conversation.customer_id
    if old == customer.pk:
        return conversation
    conversation.customer = customer
    conversation.save(update_fields=["customer"])
    _record(
        conversation,
        actor,
        "conversation.linked",
        old={"customer": old},
        new={"customer": customer.pk},
    )
    return conversation


@transaction.atomic
def conversation_unlink(*, conversation: Conversation, actor: User | None) -> Conversation:
    """Undo a wrong link: the conversation belongs to no customer again. The row lands on
    the timeline of the customer it leaves, where the link was seen."""
    permit(actor=actor, workspace=conversation.workspace, rule=CONVERSATION_LINK)
    old = conversation.customer_id
    if old is None:
        return conversation
    # Recorded while the conversation still names the customer it leaves.
    _record(
        conversation, actor, "conversation.unlinked", old={"customer": old}, new={"customer": None}
    )
    conversation.customer = None
    conversation.save(update_fields=["customer"])
    return conversation


def _record(
    conversation: Conversation,
    actor: User | None,
    kind: str,
    *,
    old: dict[str, object] | None = None,
    new: dict[str, object] | None = None,
) -> None:
    event_record(
        workspace=conversation.workspace,
        actor=actor,
        kind=kind,
        subject=conversation,
        customer_id=conversation.customer_id,
        summary=conversation.subject[:200],
        old=old,
        new=new,
    )
