"""Where mail comes from: the support address, the contact form, an IMAP mailbox."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.customers.normalize import InvalidEmail, normalize_email
from clientela.inbox.models import Channel, ImapMailbox, InboxSettings, Message
from clientela.inbox.policy import INBOX_SETTINGS_UPDATE
from clientela.inbox.services.errors import InboxError
from clientela.inbox.services.receive import message_build, message_receive
from clientela.timeline.services import event_record

# The contact form's limits: per sender's IP, and the time a person needs to fill it in.
FORM_PER_IP_PER_HOUR = 5
FORM_WINDOW = timedelta(hours=1)
FORM_BODY_LIMIT = 10_000


@transaction.atomic
def inbox_settings_update(
    *, workspace: Workspace, actor: User | None, support_address: str, contact_form_enabled: bool
) -> InboxSettings:
    permit(actor=actor, workspace=workspace, rule=INBOX_SETTINGS_UPDATE)
    address = ""
    if support_address.strip():
        try:
            address = normalize_email(support_address)
        except InvalidEmail as error:
            raise InboxError(_("Enter a valid e-mail address."), "support_address") from error
        taken = InboxSettings.objects.filter(support_address=address).exclude(workspace=workspace)
        if taken.exists():
            raise InboxError(_("Another shop uses this address."), "support_address")
    row, _created = InboxSettings.objects.select_for_update().get_or_create(workspace=workspace)
    old = {"support_address": row.support_address, "contact_form": row.contact_form_enabled}
    row.support_address, row.contact_form_enabled = address, contact_form_enabled
    row.updated_at = timezone.now()
    row.save(update_fields=["support_address", "contact_form_enabled", "updated_at"])
    event_record(
        workspace=workspace,
        actor=actor,
        kind="inbox.settings_changed",
        subject=row,
        old=old,
        new={"support_address": address, "contact_form": contact_form_enabled},
    )
    return row


@transaction.atomic
def imap_mailbox_save(
    *,
    workspace: Workspace,
    actor: User | None,
    host: str,
    port: int,
    use_ssl: bool,
    username: str,
    password: str,
    folder: str = "INBOX",
) -> ImapMailbox:
    """Add the mailbox, or change the one with this host and user (the password is stored in
    the database; it is never shown again nor written to the timeline)."""
    permit(actor=actor, workspace=workspace, rule=INBOX_SETTINGS_UPDATE)
    mailbox, created = ImapMailbox.objects.get_or_create(
        workspace=workspace,
        host=host[:253],
        username=username[:254],
        defaults={"port": port, "use_ssl": use_ssl, "password": password[:500], "folder": folder},
    )
    if not created:
        if mailbox.folder != folder:  # another folder: its UIDs are another sequence
            mailbox.uidvalidity, mailbox.last_uid = None, 0
        mailbox.port, mailbox.use_ssl, mailbox.folder = port, use_ssl, folder[:200]
        mailbox.password = password[:500] or mailbox.password
        mailbox.save()
    event_record(
        workspace=workspace,
        actor=actor,
        kind="inbox.settings_changed",
        subject=mailbox,
        new={"imap": f"{username}@{host}:{port}/{folder}"},
    )
    return mailbox


def contact_form_submit(
    *,
    settings: InboxSettings,
    name: str,
    email: str,
    subject: str,
    body: str,
    ip: str | None,
) -> Message | None:
    """A message from the public contact form (already past its honeypot and time check).
    Raises InboxError when this IP sent too many in the last hour."""
    workspace = settings.workspace
    if ip is not None:
        recent = Message.objects.for_workspace(workspace).filter(
            channel=Channel.FORM, remote_ip=ip, created_at__gte=timezone.now() - FORM_WINDOW
        )
        if recent.count() >= FORM_PER_IP_PER_HOUR:
            raise InboxError(_("Too many messages from your network; try again later."))
    try:
        sender = normalize_email(email)
    except InvalidEmail as error:
        raise InboxError(_("Enter a valid e-mail address."), "email") from error
    raw = message_build(
        sender=sender,
        name=name[:200],
        subject=subject[:200],
        body=body[:FORM_BODY_LIMIT],
        to=settings.support_address,
    )
    return message_receive(workspace=workspace, raw=raw, channel=Channel.FORM, remote_ip=ip)
