"""Messages in: parse, match the sender to a customer, thread, store, start the clock.

Every door (our SMTP service, IMAP polling, the contact form, the API) ends in
`message_receive`, so a message is threaded and timed the same way whichever way it came.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.accounts.models import Workspace
from clientela.customers.models import Customer
from clientela.customers.normalize import InvalidEmail, normalize_email
from clientela.customers.selectors import customer_by_email
from clientela.customers.services import customer_create
from clientela.inbox.models import (
    Attachment,
    Channel,
    Conversation,
    ConversationStatus,
    Direction,
    InboxSettings,
    Message,
)
from clientela.inbox.parsing import (
    MessageTooLarge,
    ParsedMessage,
    fold_quoted,
    parse_message,
    subject_key,
)
from clientela.inbox.services.errors import InboxError
from clientela.inbox.signals import client_wrote
from clientela.timeline.services import event_record, events_deferred

# The subject fallback joins a message to the same customer's conversation with the same
# subject only if that one saw a message this recently (an old "Order" thread stays closed).
SUBJECT_WINDOW = timedelta(days=14)
ID_DOMAIN = "inbox.clientela.invalid"


def workspace_for_support_address(address: str) -> Workspace | None:
    """The workspace whose support address this is (compared normalised), or None."""
    try:
        normalized = normalize_email(address)
    except InvalidEmail:
        return None
    row = (
        InboxSettings.objects.filter(support_address=normalized).select_related("workspace").first()
    )
    return row.workspace if row else None


def message_receive(
    *,
    workspace: Workspace,
    raw: bytes,
    channel: Channel | str,
    envelope_from: str | None = None,
    remote_ip: str | None = None,
) -> Message | None:
    """Store the customer's message in its conversation and return it; the stored one when
    its Message-ID was seen before; None for an auto-reply that answers nothing of ours.
    Raises InboxError for a message over the size limit or without a sender's address."""
    try:
        parsed = parse_message(raw)
    except MessageTooLarge as error:
        raise InboxError(_("The message is too large.")) from error
    try:
        with transaction.atomic(), events_deferred():
            return _store(workspace, parsed, envelope_from, Channel(channel), remote_ip)
    except IntegrityError:
        # The same message from two doors at once: the first one stored it.
        seen = _seen(workspace, parsed.message_id) if parsed.message_id else None
        if seen is None:
            raise
        return seen


def _seen(workspace: Workspace, message_id: str) -> Message | None:
    return Message.objects.for_workspace(workspace).filter(message_id=message_id).first()


def _known(workspace: Workspace, parsed: ParsedMessage) -> tuple[Message | None, Message | None]:
    """In one query: this message if it was stored before, and the newest stored message it
    answers (by In-Reply-To and References)."""
    answered = {*parsed.in_reply_to, *parsed.references}
    ids = answered | {parsed.message_id} if parsed.message_id else answered
    if not ids:
        return None, None
    rows = list(
        Message.objects.for_workspace(workspace)
        .filter(message_id__in=ids)
        .select_related("conversation")
        .order_by("-created_at")
    )
    seen = next((row for row in rows if row.message_id == parsed.message_id), None)
    return seen, next((row for row in rows if row.message_id in answered), None)


def _sender(parsed: ParsedMessage, envelope_from: str | None) -> str:
    for candidate in (parsed.from_address, envelope_from or ""):
        try:
            return normalize_email(candidate)
        except InvalidEmail:
            continue
    raise InboxError(_("The message has no sender's address."))


def _store(
    workspace: Workspace,
    parsed: ParsedMessage,
    envelope_from: str | None,
    channel: Channel,
    remote_ip: str | None,
) -> Message | None:
    now = timezone.now()
    seen, answered = _known(workspace, parsed)
    if seen is not None:
        return seen
    sender = _sender(parsed, envelope_from)
    customer, new_customer = _customer(workspace, sender, parsed.from_name, channel)
    if answered is not None:
        conversation: Conversation | None = answered.conversation
    else:  # a customer made just now has no conversation to fall back on
        conversation = None if new_customer else _thread(workspace, parsed, customer)
    if conversation is None and parsed.auto_submitted:
        return None  # an out-of-office to nothing of ours starts no conversation
    created = conversation is None
    if conversation is None:
        conversation = Conversation.objects.create(
            workspace=workspace,
            customer=customer,
            subject=parsed.subject,
            subject_key=subject_key(parsed.subject),
            channel=channel,
            reply_to=sender,
            created_at=now,
            last_message_at=now,
        )
    old_status = conversation.status
    folded = fold_quoted(parsed.text)
    message = Message.objects.create(
        workspace=workspace,
        conversation=conversation,
        direction=Direction.INBOUND,
        channel=channel,
        message_id=parsed.message_id or None,
        references=" ".join((*parsed.references, *parsed.in_reply_to))[:4000],
        from_address=sender,
        from_name=parsed.from_name,
        subject=parsed.subject,
        body=folded.body,
        quoted=folded.quoted,
        signature=folded.signature,
        html=parsed.html,
        remote_ip=remote_ip,
        size=parsed.size,
        sent_at=parsed.date,
        created_at=now,
    )
    Attachment.objects.bulk_create(
        Attachment(
            workspace=workspace,
            message=message,
            filename=part.filename,
            content_type=part.content_type,
            size=part.size,
            data=part.data,
            dropped=part.dropped,
        )
        for part in parsed.attachments
    )
    if not created:
        conversation.last_message_at = now
        conversation.reply_to = sender
        fields = ["last_message_at", "reply_to"]
        if not parsed.auto_submitted and conversation.status != ConversationStatus.OPEN:
            conversation.status = ConversationStatus.OPEN  # the customer wrote: our turn
            fields.append("status")
        conversation.save(update_fields=fields)
    event_record(
        workspace=workspace,
        kind="conversation.received",
        subject=conversation,
        customer=customer,
        actor_label=sender,
        summary=parsed.subject[:200],
        old={"status": old_status} if not created else None,
        new={"status": conversation.status, "channel": channel, "message": message.pk},
    )
    if not parsed.auto_submitted:
        client_wrote.send(
            sender=Conversation,
            workspace_id=workspace.pk,
            workspace=workspace,
            subject="conversation",
            subject_id=conversation.pk,
            customer_id=customer.pk,
            channel=str(channel),
            at=now,
            title=conversation.subject[:200],
            url=conversation_path(workspace, conversation),
        )
    return message


def conversation_path(workspace: Workspace, conversation: Conversation) -> str:
    """The conversation page's path (the inbox may not import web, so it is spelled here;
    tests/inbox hold it equal to the URLconf's)."""
    return f"/w/{workspace.slug}/inbox/{conversation.pk}/"


def _customer(
    workspace: Workspace, sender: str, name: str, channel: Channel
) -> tuple[Customer, bool]:
    """The sender's customer, and whether it was made now (an unknown sender becomes one)."""
    known = customer_by_email(workspace=workspace, address=sender)
    if known is not None:
        return known, False
    first, _space, last = name.strip().partition(" ")
    made = customer_create(
        workspace=workspace,
        actor=None,
        actor_label=f"inbox ({channel.value})",  # the source of a customer made from a message
        email=sender,
        first_name=first[:100],
        last_name=last[:100],
    )
    return made, True


def _thread(workspace: Workspace, parsed: ParsedMessage, customer: Customer) -> Conversation | None:
    """The conversation a message that answers nothing we know belongs to: the same
    customer's recent one with the same subject."""
    key = subject_key(parsed.subject)
    if not key:
        return None
    return (
        Conversation.objects.for_workspace(workspace)
        .filter(
            customer=customer,
            subject_key=key,
            last_message_at__gte=timezone.now() - SUBJECT_WINDOW,
        )
        .order_by("-last_message_at")
        .first()
    )


def message_build(*, sender: str, name: str, subject: str, body: str, to: str = "") -> bytes:
    """A plain-text RFC 5322 message for the doors that have no raw mail (the contact form,
    the API), with our own Message-ID, so every door takes the same road in."""
    message = EmailMessage()
    message["From"] = formataddr((name[:200], sender)) if name else sender
    if to:
        message["To"] = to
    message["Subject"] = subject[:998]
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = f"<{secrets.token_urlsafe(18)}@{ID_DOMAIN}>"
    message.set_content(body)
    return bytes(message)
