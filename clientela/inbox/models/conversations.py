"""Conversations with customers, their messages and attachments, and where mail comes from.

A conversation is one thread: the customer's messages, our replies and our internal notes.
Messages are threaded by their Message-ID (unique within the workspace), so a message read
twice (an IMAP restart, a retried SMTP delivery) is stored once.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.accounts.scoping import WorkspaceScoped, WorkspaceSettings


def _contact_token() -> str:
    return secrets.token_urlsafe(18)


class InboxSettings(WorkspaceSettings):
    """The workspace's support address (mail to it lands in the inbox) and its contact form."""

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    support_address = models.CharField(_("support address"), max_length=254, blank=True)
    contact_form_enabled = models.BooleanField(_("contact form on"), default=False)
    # The public contact form's address is /contact/<token>/: unguessable, replaceable.
    contact_token = models.CharField(max_length=40, unique=True, default=_contact_token)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["support_address"],
                condition=~models.Q(support_address=""),
                name="inbox_support_address_unique",
            )
        ]


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    IMAP = "imap", _("Mailbox (IMAP)")
    FORM = "form", _("Contact form")
    API = "api", _("API")


class ConversationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting for the customer")
    CLOSED = "closed", _("Closed")


class Conversation(WorkspaceScoped):
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=998, blank=True)
    subject_key = models.CharField(max_length=200, blank=True)  # parsing.subject_key
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(
        max_length=10, choices=ConversationStatus.choices, default=ConversationStatus.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where our replies go: the address of the customer's latest message.
    reply_to = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "status", "-last_message_at"]),
            models.Index(fields=["workspace", "customer", "subject_key"]),
        ]

    def __str__(self) -> str:
        return self.subject or f"#{self.pk}"


class Direction(models.TextChoices):
    INBOUND = "in", _("From the customer")
    OUTBOUND = "out", _("Our reply")
    NOTE = "note", _("Internal note")


class Message(WorkspaceScoped):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(max_length=4, choices=Direction.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # "<...>"; null for a note. Ours are the outbox row's, chosen once (stable over retries).
    message_id = models.CharField(max_length=250, null=True, blank=True)
    references = models.TextField(blank=True)  # the thread's ids, space-separated
    from_address = models.CharField(max_length=254, blank=True)
    from_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=998, blank=True)
    body = models.TextField(blank=True)  # what the sender wrote now
    quoted = models.TextField(blank=True)  # the quoted history: shown folded
    signature = models.TextField(blank=True)  # shown folded
    html = models.TextField(blank=True)  # sanitised with nh3; "" for plain-text mail
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outbox_id = models.BigIntegerField(null=True, blank=True)  # our reply's outbox row
    remote_ip = models.GenericIPAddressField(null=True, blank=True)  # the contact form's sender
    size = models.IntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)  # the message's Date header
    created_at = models.DateTimeField(default=timezone.now)  # received or written

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "message_id"], name="inbox_message_id_unique"
            )
        ]
        indexes = [
            models.Index(fields=["conversation", "created_at"]),
            models.Index(fields=["workspace", "channel", "remote_ip", "created_at"]),
        ]


class Attachment(WorkspaceScoped):
    """A file that came with a message: kept as bytes, only ever served as a download."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    data = models.BinaryField(editable=False)
    dropped = models.BooleanField(default=False)  # over the size limit: named, not kept


class ImapMailbox(WorkspaceScoped):
    """An existing mailbox the inbox reads. The password is stored in this table in the clear
    (IMAP LOGIN needs it): protect the database and its backups as you protect the mailbox.
    `uidvalidity` and `last_uid` say how far it was read, so a restart misses nothing and
    reads nothing twice (RFC 3501 section 2.3.1.1)."""

    host = models.CharField(max_length=253)
    port = models.PositiveIntegerField(default=993)
    use_ssl = models.BooleanField(default=True)
    username = models.CharField(max_length=254)
    password = models.CharField(max_length=500)
    folder = models.CharField(max_length=200, default="INBOX")
    enabled = models.BooleanField(default=True)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.username}@{self.host}"
