"""Mailing lists, double opt-in subscriptions, the preference centre and one-click unsubscribe.

Double opt-in: the public form creates (or finds) the customer and a pending subscription
with an unguessable token, and queues a transactional confirmation e-mail. Only opening the
link confirms, and only then is a marketing Consent recorded (IP, time, source).

Unsubscribing (one click from a message, or "unsubscribe from all" in the preference centre)
takes effect in one transaction before any further send: the address joins the suppression
list, e-mail consents for marketing and win-back are withdrawn, subscriptions end, and every
queued marketing row for that address becomes `suppressed`.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import cast

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.customers.models import (
    Consent,
    ConsentChannel,
    ConsentPurpose,
    Customer,
    CustomerEmail,
)
from clientela.customers.normalize import InvalidEmail, normalize_email
from clientela.customers.services import consent_grant, customer_create
from clientela.mail.contact import ContactPurpose, Lists, contact_allowed
from clientela.mail.models import Outbox, OutboxKind, OutboxStatus, SuppressionReason
from clientela.mail.selectors import CONFIRMATION_SOURCE
from clientela.mail.services import outbox_enqueue, suppression_add, suppression_lift
from clientela.mail.tasks import outbox_wake
from clientela.outreach.models import MailingList, Subscription, SubscriptionStatus
from clientela.outreach.policy import MAILING_LIST_CREATE
from clientela.outreach.services.drafts import outbox_draft
from clientela.outreach.services.templates import message_context, template_for, template_render
from clientela.timeline.services import event_record

RESEND_AFTER = timedelta(minutes=10)
_PREFERENCES = signing.Signer(sep=".", salt="clientela.outreach.preferences", algorithm="sha256")


class SubscriptionError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@transaction.atomic
def mailing_list_create(
    *, workspace: Workspace, actor: User | None, name: str, description: str = ""
) -> MailingList:
    permit(actor=actor, workspace=workspace, rule=MAILING_LIST_CREATE)
    name = name.strip()
    if not name:
        raise SubscriptionError("name", _("A list needs a name."))
    if MailingList.objects.for_workspace(workspace).filter(name=name).exists():
        raise SubscriptionError("name", _("There is already a list with this name."))
    mailing_list = MailingList.objects.create(
        workspace=workspace,
        name=name,
        description=description,
        public_token=secrets.token_urlsafe(16),
    )
    event_record(
        workspace=workspace, actor=actor, kind="list.created", subject=mailing_list, summary=name
    )
    return mailing_list


def list_subscriptions(
    mailing_list: MailingList, *, status: str | None = None
) -> QuerySet[Subscription]:
    """A list's subscriptions with their customers, newest first (the web page and the API)."""
    found = (
        Subscription.objects.for_workspace(mailing_list.workspace)
        .filter(mailing_list=mailing_list)
        .select_related("customer")
        .order_by("-pk")
    )
    return found.filter(status=status) if status else found


def list_standing(workspace: Workspace, list_ids: list[int]) -> Lists:
    """Who is confirmed on, and who unsubscribed from, one of these lists: what
    `mail.contact_allowed` needs to know of the lists a campaign goes to."""
    subscriptions = Subscription.objects.for_workspace(workspace).filter(
        mailing_list_id__in=list_ids
    )
    return Lists(
        subscribed=subscriptions.filter(status=SubscriptionStatus.CONFIRMED).values("customer_id"),
        unsubscribed=subscriptions.filter(status=SubscriptionStatus.UNSUBSCRIBED).values(
            "customer_id"
        ),
    )


def confirm_url(subscription: Subscription) -> str:
    return f"{settings.SITE_URL}/s/confirm/{subscription.confirm_token}/"


def _customer_for(workspace: Workspace, address: str, language: str) -> Customer:
    known = CustomerEmail.objects.for_workspace(workspace).filter(address=address).first()
    if known is not None:
        return known.customer
    return customer_create(
        workspace=workspace, actor=None, actor_label="customer", email=address, language=language
    )


@transaction.atomic
def subscription_request(
    *, mailing_list: MailingList, email: str, ip: str | None, source: str, language: str = "ro"
) -> Subscription:
    """The public form: a pending subscription and a confirmation e-mail (transactional)."""
    try:
        address = normalize_email(email)
    except InvalidEmail as exc:
        raise SubscriptionError("email", _("This is not a valid e-mail address.")) from exc
    workspace = mailing_list.workspace
    customer = _customer_for(workspace, address, language)
    subscription, created = Subscription.objects.get_or_create(
        workspace=workspace,
        mailing_list=mailing_list,
        customer=customer,
        defaults={"confirm_token": secrets.token_urlsafe(32), "ip": ip, "source": source},
    )
    if subscription.status == SubscriptionStatus.CONFIRMED:
        return subscription
    # A form posted again and again must not turn us into a mail cannon against someone.
    pending = not created and subscription.status == SubscriptionStatus.PENDING
    if pending and subscription.created_at > timezone.now() - RESEND_AFTER:
        return subscription
    subscription.status = SubscriptionStatus.PENDING
    subscription.confirm_token = secrets.token_urlsafe(32)
    subscription.ip, subscription.source, subscription.created_at = ip, source, timezone.now()
    subscription.save()
    language = language if language in ("ro", "en") else "ro"
    queued = _confirmation_queue(subscription, customer, address, language)
    event_record(
        workspace=workspace,
        actor_label="customer",
        kind="subscription.requested",
        subject=subscription,
        customer=customer,
        new={"list": mailing_list.name, "ip": ip, "source": source, "confirmation": queued},
    )
    return subscription


def _confirmation_queue(
    subscription: Subscription, customer: Customer, address: str, language: str
) -> bool:
    """Queue the confirmation e-mail unless `contact_allowed` refuses it (an address stopped
    by a bounce, a complaint or by hand: an unsubscribe does not stop mail the person asked
    for); True when it was queued."""
    workspace = subscription.workspace
    if not contact_allowed(customer, ContactPurpose.CONFIRMATION, address=address).allowed:
        return False
    mailing_list = subscription.mailing_list
    template = template_for(workspace, "confirmation", language)
    context = message_context(
        workspace=workspace,
        customer=customer,
        list={"name": mailing_list.name},
        confirm_url=confirm_url(subscription),
    )
    draft = outbox_draft(
        customer=customer,
        address=address,
        kind=OutboxKind.TRANSACTIONAL,
        source_type=CONFIRMATION_SOURCE,
        source_id=subscription.pk,
        dedup_key=f"subscription:{subscription.pk}:{subscription.confirm_token[:16]}",
        message=template_render(template, context),
        language=language,
    )
    outbox_enqueue(workspace=workspace, draft=draft)
    outbox_wake()
    return True


@transaction.atomic
def subscription_confirm(*, token: str, ip: str | None) -> Subscription | None:
    """Confirm by the e-mailed token; records a marketing consent. None for unknown tokens."""
    subscription = (
        Subscription.objects.select_related("customer", "mailing_list")
        .filter(confirm_token=token)
        .first()
    )
    if subscription is None:
        return None
    changed = Subscription.objects.filter(
        pk=subscription.pk, status=SubscriptionStatus.PENDING
    ).update(status=SubscriptionStatus.CONFIRMED, confirmed_at=timezone.now())
    if changed:
        subscription.refresh_from_db()
        consent_grant(
            customer=subscription.customer,
            purpose=ConsentPurpose.MARKETING,
            channel=ConsentChannel.EMAIL,
            source=f"list:{subscription.mailing_list_id}:{subscription.source}"[:100],
            ip=ip,
            actor=None,
        )
        # A new opt-in lifts an earlier unsubscribe, never a bounce or a complaint, and only
        # for the address the confirmation went to (the one the link proves).
        suppression_lift(
            workspace=subscription.workspace,
            address=_confirmed_address(subscription),
            reason=SuppressionReason.UNSUBSCRIBE,
            source=f"subscription:{subscription.pk}",
            customer=subscription.customer,
        )
        event_record(
            workspace=subscription.workspace,
            actor_label="customer",
            kind="subscription.confirmed",
            subject=subscription,
            customer=subscription.customer,
            old={"status": "pending"},
            new={"status": "confirmed", "ip": ip},
        )
    return cast("Subscription | None", subscription)


def _confirmed_address(subscription: Subscription) -> str:
    sent = (
        Outbox.objects.for_workspace(subscription.workspace)
        .filter(source_type=CONFIRMATION_SOURCE, source_id=subscription.pk)
        .order_by("-pk")
        .values_list("to_address", flat=True)
        .first()
    )
    return sent or subscription.customer.email


def preferences_token(customer: Customer) -> str:
    return _PREFERENCES.sign(f"{customer.workspace_id}-{customer.pk}")


def preferences_customer(token: str) -> Customer | None:
    try:
        workspace_id, customer_id = (int(p) for p in _PREFERENCES.unsign(token).split("-"))
    except (signing.BadSignature, ValueError):
        return None
    return Customer.objects.filter(workspace_id=workspace_id, pk=customer_id).first()


def preferences_url(customer: Customer) -> str:
    return f"{settings.SITE_URL}/p/{preferences_token(customer)}/"


@transaction.atomic
def preferences_set(*, customer: Customer, list_ids: set[int], ip: str | None) -> None:
    """Keep exactly the chosen public lists (confirmed at once: the link proves the address)."""
    workspace = customer.workspace
    for mailing_list in MailingList.objects.for_workspace(workspace):
        current = Subscription.objects.filter(mailing_list=mailing_list, customer=customer).first()
        wanted = mailing_list.pk in list_ids
        active = current is not None and current.status == SubscriptionStatus.CONFIRMED
        if wanted and not active:
            if customer.email:  # choosing a list again undoes an earlier "unsubscribe"
                suppression_lift(
                    workspace=workspace,
                    address=customer.email,
                    reason=SuppressionReason.UNSUBSCRIBE,
                    source="preferences",
                    customer=customer,
                )
            Subscription.objects.update_or_create(
                workspace=workspace,
                mailing_list=mailing_list,
                customer=customer,
                defaults={
                    "status": SubscriptionStatus.CONFIRMED,
                    "confirmed_at": timezone.now(),
                    "confirm_token": secrets.token_urlsafe(32),
                    "ip": ip,
                    "source": "preferences",
                    "unsubscribed_at": None,
                },
            )
        elif active and not wanted:
            # `current` is not None on this branch (`active` implies it); mypy cannot see that.
            Subscription.objects.filter(pk=current.pk).update(  # type: ignore[union-attr]
                status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=timezone.now()
            )
        else:
            continue
        event_record(
            workspace=workspace,
            actor_label="customer",
            kind="subscription.changed",
            customer=customer,
            subject_type="mailinglist",
            subject_id=mailing_list.pk,
            new={"subscribed": wanted, "ip": ip},
        )


@transaction.atomic
def unsubscribe_all(*, customer: Customer, address: str, source: str) -> int:
    """Suppress the address, withdraw e-mail marketing consents, end subscriptions, and
    suppress queued marketing rows to it. Returns how many queued rows were stopped."""
    workspace = customer.workspace
    now = timezone.now()
    suppression_add(
        workspace=workspace, address=address, reason=SuppressionReason.UNSUBSCRIBE, source=source
    )
    Consent.objects.for_workspace(workspace).filter(
        customer=customer,
        channel=ConsentChannel.EMAIL,
        withdrawn_at__isnull=True,
        purpose__in=[ConsentPurpose.MARKETING, ConsentPurpose.WIN_BACK],
    ).update(withdrawn_at=now)
    Subscription.objects.for_workspace(workspace).filter(customer=customer).exclude(
        status=SubscriptionStatus.UNSUBSCRIBED
    ).update(status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=now)
    stopped = (
        Outbox.objects.for_workspace(workspace)
        .filter(to_address=address, kind=OutboxKind.MARKETING, status=OutboxStatus.QUEUED)
        .update(status=OutboxStatus.SUPPRESSED)
    )
    event_record(
        workspace=workspace,
        actor_label="customer",
        kind="customer.unsubscribed",
        subject=customer,
        customer=customer,
        summary=source[:500],
        new={"address": address, "stopped": stopped},
    )
    return stopped


def unsubscribe_outbox(outbox_id: int) -> Outbox | None:
    return Outbox.objects.select_related("customer", "workspace").filter(pk=outbox_id).first()


@transaction.atomic
def unsubscribe_one_click(*, outbox: Outbox, via: str = "") -> int:
    """RFC 8058 one-click: everything `unsubscribe_all` does, for the row's address.
    `via` names another channel than the link (e.g. "mail" for the mailto: address)."""
    source = f"unsubscribe:{outbox.source_type}:{outbox.source_id}" + (f":{via}" if via else "")
    if outbox.customer is None:
        suppression_add(
            workspace=outbox.workspace,
            address=outbox.to_address,
            reason=SuppressionReason.UNSUBSCRIBE,
            source=source,
        )
        return (
            Outbox.objects.for_workspace(outbox.workspace)
            .filter(
                to_address=outbox.to_address, kind=OutboxKind.MARKETING, status=OutboxStatus.QUEUED
            )
            .update(status=OutboxStatus.SUPPRESSED)
        )
    return unsubscribe_all(customer=outbox.customer, address=outbox.to_address, source=source)


def unsubscribe_by_mail(*, outbox_id: int) -> bool:
    """A message to the row's List-Unsubscribe mailto: address (RFC 2369): the same as the
    one-click POST. False when the row no longer exists."""
    outbox = unsubscribe_outbox(outbox_id)
    if outbox is None:
        return False
    unsubscribe_one_click(outbox=outbox, via="mail")
    return True
