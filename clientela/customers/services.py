"""Writes for customers: create, change, e-mail addresses, tags and consent."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
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
    Tag,
)
from clientela.customers.normalize import InvalidEmail, normalize_email
from clientela.customers.policy import (
    CONSENT_GRANT,
    CONSENT_WITHDRAW,
    CUSTOMER_CREATE,
    CUSTOMER_DELETE,
    CUSTOMER_EMAIL_CHANGE,
    CUSTOMER_TAGS_SET,
    CUSTOMER_UPDATE,
)
from clientela.timeline.services import changed_fields, event_record

# The source of a consent recorded by a member of the team, on the page or through the API.
CONSENT_SOURCE_MANUAL = "manual"
CONSENT_SOURCE_API = "api"

EDITABLE_FIELDS = (
    "external_id",
    "first_name",
    "last_name",
    "phone",
    "address_line",
    "city",
    "postal_code",
    "country",
    "language",
    "notes",
)


class CustomerError(ValueError):
    """A customer write refused for a reason the user can fix; `field` names the input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _check_email(workspace: Workspace, address: str, customer: Customer | None) -> str:
    try:
        email = normalize_email(address)
    except InvalidEmail as exc:
        raise CustomerError(
            "email", _("Not a valid e-mail address: “%(address)s”") % {"address": address}
        ) from exc
    taken = CustomerEmail.objects.for_workspace(workspace).filter(address=email)
    if customer is not None:
        taken = taken.exclude(customer=customer)
    if taken.exists():
        raise CustomerError(
            "email", _("Another customer already uses %(email)s") % {"email": email}
        )
    return email


def _check_external_id(
    workspace: Workspace, external_id: str | None, customer: Customer | None
) -> None:
    if not external_id:
        return
    taken = Customer.objects.for_workspace(workspace).filter(external_id=external_id)
    if customer is not None:
        taken = taken.exclude(pk=customer.pk)
    if taken.exists():
        raise CustomerError(
            "external_id",
            _("Another customer has the external id %(external_id)s")
            % {"external_id": external_id},
        )


@transaction.atomic
def customer_create(
    *,
    workspace: Workspace,
    actor: User | None,
    email: str = "",
    actor_label: str = "",
    **fields: Any,
) -> Customer:
    permit(actor=actor, workspace=workspace, rule=CUSTOMER_CREATE)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise CustomerError(sorted(unknown)[0], _("Unknown field"))
    fields["external_id"] = fields.get("external_id") or None
    _check_external_id(workspace, fields["external_id"], None)
    address = _check_email(workspace, email, None) if email else ""
    customer = Customer.objects.create(workspace=workspace, email=address, **fields)
    if address:
        CustomerEmail.objects.create(
            workspace=workspace, customer=customer, address=address, is_primary=True
        )
    event_record(
        workspace=workspace,
        actor=actor,
        actor_label=actor_label,
        kind="customer.created",
        subject=customer,
        customer=customer,
        summary=customer.display_name,
        new={"email": address, **fields},
    )
    return customer


@transaction.atomic
def customer_update(
    *, customer: Customer, actor: User | None, actor_label: str = "", **values: Any
) -> Customer:
    """Change the given fields (and the primary e-mail); record only what really changed."""
    permit(actor=actor, workspace=customer.workspace, rule=CUSTOMER_UPDATE)
    unknown = set(values) - set(EDITABLE_FIELDS) - {"email"}
    if unknown:
        raise CustomerError(sorted(unknown)[0], _("Unknown field"))
    workspace = customer.workspace
    if "external_id" in values:
        values["external_id"] = values["external_id"] or None
        _check_external_id(workspace, values["external_id"], customer)
    if "email" in values:
        values["email"] = (
            _check_email(workspace, values["email"], customer) if values["email"] else ""
        )
    old, new = changed_fields(customer, values)
    if not new:
        return customer
    for field, value in new.items():
        setattr(customer, field, value)
    customer.updated_at = timezone.now()
    customer.save(update_fields=[*new, "updated_at"])
    if "email" in new:
        _primary_email_set(customer, new["email"])
    event_record(
        workspace=workspace,
        actor=actor,
        actor_label=actor_label,
        kind="customer.changed",
        subject=customer,
        customer=customer,
        old=old,
        new=new,
    )
    return customer


def _primary_email_set(customer: Customer, address: str) -> None:
    emails = CustomerEmail.objects.for_workspace(customer.workspace).filter(customer=customer)
    emails.update(is_primary=False)
    if address:
        CustomerEmail.objects.update_or_create(
            workspace=customer.workspace,
            address=address,
            defaults={"customer": customer, "is_primary": True},
        )


def _emails_of(customer: Customer) -> QuerySet[CustomerEmail]:
    return CustomerEmail.objects.for_workspace(customer.workspace).filter(customer=customer)


def _locked(customer: Customer) -> Customer:
    # One writer at a time changes a customer's addresses, so that there is never a second
    # primary address nor a removal of the last one by two requests at once.
    return Customer.objects.select_for_update().get(pk=customer.pk)


def _primary_copy_set(customer: Customer, address: str) -> None:
    # `Customer.email` mirrors the primary address for the list pages and their search.
    customer.email = address
    customer.updated_at = timezone.now()
    customer.save(update_fields=["email", "updated_at"])


@transaction.atomic
def customer_email_add(*, customer: Customer, address: str, actor: User | None) -> CustomerEmail:
    """Add an address; it becomes the primary one when the customer has none."""
    permit(actor=actor, workspace=customer.workspace, rule=CUSTOMER_EMAIL_CHANGE)
    email = _check_email(customer.workspace, address, customer)
    _locked(customer)
    if _emails_of(customer).filter(address=email).exists():
        raise CustomerError(
            "email", _("This customer already has the address %(email)s") % {"email": email}
        )
    primary = not _emails_of(customer).filter(is_primary=True).exists()
    try:
        with transaction.atomic():
            row = CustomerEmail.objects.create(
                workspace=customer.workspace, customer=customer, address=email, is_primary=primary
            )
    except IntegrityError as exc:  # lost a race with another writer
        raise CustomerError(
            "email", _("Another customer already uses %(email)s") % {"email": email}
        ) from exc
    if primary:
        _primary_copy_set(customer, email)
    event_record(
        workspace=customer.workspace,
        actor=actor,
        kind="customer.email_added",
        subject=customer,
        customer=customer,
        new={"address": email, "is_primary": primary},
    )
    return row


@transaction.atomic
def customer_email_make_primary(*, email: CustomerEmail, actor: User | None) -> CustomerEmail:
    """Make `email` the customer's primary address; nothing happens if it already is."""
    permit(actor=actor, workspace=email.workspace, rule=CUSTOMER_EMAIL_CHANGE)
    customer = _locked(email.customer)
    email.refresh_from_db(fields=["is_primary"])
    if email.is_primary:
        return email
    old = customer.email
    _emails_of(customer).exclude(pk=email.pk).update(is_primary=False)
    email.is_primary = True
    email.save(update_fields=["is_primary"])
    _primary_copy_set(customer, email.address)
    event_record(
        workspace=customer.workspace,
        actor=actor,
        kind="customer.primary_email_changed",
        subject=customer,
        customer=customer,
        old={"email": old},
        new={"email": email.address},
    )
    return email


@transaction.atomic
def customer_email_remove(*, email: CustomerEmail, actor: User | None) -> None:
    """Remove an address the customer no longer uses; never the primary or the only one."""
    permit(actor=actor, workspace=email.workspace, rule=CUSTOMER_EMAIL_CHANGE)
    customer = _locked(email.customer)
    email.refresh_from_db(fields=["is_primary"])
    if email.is_primary:
        raise CustomerError(
            "email",
            _("%(email)s is the primary address; make another address primary first.")
            % {"email": email.address},
        )
    if not _emails_of(customer).exclude(pk=email.pk).exists():
        raise CustomerError(
            "email",
            _("%(email)s is the customer's only address and cannot be removed.")
            % {"email": email.address},
        )
    email.delete()
    event_record(
        workspace=customer.workspace,
        actor=actor,
        kind="customer.email_removed",
        subject=customer,
        customer=customer,
        old={"address": email.address},
    )


@transaction.atomic
def customer_delete(*, customer: Customer, actor: User | None) -> None:
    permit(actor=actor, workspace=customer.workspace, rule=CUSTOMER_DELETE)
    # The timeline rows of a customer go with it (personal data); the deletion itself is
    # recorded without a customer link so the audit trail keeps it.
    event_record(
        workspace=customer.workspace,
        actor=actor,
        kind="customer.deleted",
        subject_type="customer",
        subject_id=customer.pk,
        old={"name": customer.display_name},
    )
    customer.delete()


@transaction.atomic
def customer_tags_set(*, customer: Customer, names: list[str], actor: User | None) -> list[Tag]:
    permit(actor=actor, workspace=customer.workspace, rule=CUSTOMER_TAGS_SET)
    clean = sorted({name.strip() for name in names if name.strip()})
    old = sorted(customer.tags.values_list("name", flat=True))
    if clean == old:
        return list(customer.tags.all())
    tags = [Tag.objects.get_or_create(workspace=customer.workspace, name=name)[0] for name in clean]
    customer.tags.set(tags)
    event_record(
        workspace=customer.workspace,
        actor=actor,
        kind="customer.tags_changed",
        subject=customer,
        customer=customer,
        old={"tags": old},
        new={"tags": clean},
    )
    return tags


@transaction.atomic
def consent_grant(
    *,
    customer: Customer,
    purpose: ConsentPurpose,
    channel: ConsentChannel,
    source: str,
    ip: str | None,
    actor: User | None,
) -> Consent:
    permit(actor=actor, workspace=customer.workspace, rule=CONSENT_GRANT)
    consent = Consent.objects.create(
        workspace=customer.workspace,
        customer=customer,
        purpose=purpose,
        channel=channel,
        source=source,
        ip=ip,
    )
    event_record(
        workspace=customer.workspace,
        actor=actor,
        actor_label="" if actor else "customer",
        kind="consent.granted",
        subject=consent,
        customer=customer,
        new={
            "purpose": ConsentPurpose(purpose).value,
            "channel": ConsentChannel(channel).value,
            "source": source,
            "ip": ip,
        },
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *,
    customer: Customer,
    purpose: ConsentPurpose,
    channel: ConsentChannel,
    actor: User | None,
    source: str = "",
) -> int:
    permit(actor=actor, workspace=customer.workspace, rule=CONSENT_WITHDRAW)
    now = timezone.now()
    withdrawn = (
        Consent.objects.for_workspace(customer.workspace)
        .filter(customer=customer, purpose=purpose, channel=channel, withdrawn_at__isnull=True)
        .update(withdrawn_at=now)
    )
    if withdrawn:
        event_record(
            workspace=customer.workspace,
            actor=actor,
            actor_label="" if actor else "customer",
            kind="consent.withdrawn",
            subject=customer,
            customer=customer,
            old={
                "purpose": ConsentPurpose(purpose).value,
                "channel": ConsentChannel(channel).value,
            },
            new={"source": source},
        )
    return withdrawn


@transaction.atomic
def consent_record_withdraw(
    *, consent: Consent, actor: User | None, source: str, ip: str | None = None
) -> Consent:
    """Withdraw a consent record by hand (the customer asked in person, by phone, by letter).

    The customer withdraws a purpose on a channel, not one row: every other record still
    active for the same purpose and channel ends at the same time, or `consent_active` would
    stay true. Withdrawing an already withdrawn record is refused.
    """
    permit(actor=actor, workspace=consent.workspace, rule=CONSENT_WITHDRAW)
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_at is not None:
        raise CustomerError("consent", _("This consent was already withdrawn."))
    now = timezone.now()
    Consent.objects.for_workspace(locked.workspace).filter(
        customer_id=locked.customer_id,
        purpose=locked.purpose,
        channel=locked.channel,
        withdrawn_at__isnull=True,
    ).update(withdrawn_at=now)
    locked.withdrawn_at = now
    event_record(
        workspace=locked.workspace,
        actor=actor,
        kind="consent.withdrawn",
        subject=locked,
        customer_id=locked.customer_id,
        old={"purpose": locked.purpose, "channel": locked.channel, "withdrawn_at": None},
        new={"withdrawn_at": now.isoformat(), "source": source, "ip": ip},
    )
    return locked


def consent_active(*, customer: Customer, purpose: ConsentPurpose, channel: ConsentChannel) -> bool:
    return (
        Consent.objects.for_workspace(customer.workspace)
        .filter(customer=customer, purpose=purpose, channel=channel, withdrawn_at__isnull=True)
        .exists()
    )
