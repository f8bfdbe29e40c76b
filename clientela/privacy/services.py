"""A customer's rights: erasure on request and after the retention period, and its settings.

Erasure keeps the customer's row, nameless, with their orders: the accounts and the
statistics still count every sale, but nothing left names or reaches the person. Their
addresses survive only as keyed digests (`mail.SuppressedDigest`), so that an address
brought back by an import or a form is never written to again. Every write below is on
rows of the customer's own workspace.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.accounts.scoping import settings_for
from clientela.commerce.models import Order
from clientela.customers.models import Consent, Customer, CustomerEmail
from clientela.mail.digest import address_digest
from clientela.mail.models import Outbox, OutboxStatus, SuppressedAddress, SuppressedDigest
from clientela.outreach.models import (
    CampaignRecipient,
    HandwrittenLetter,
    LetterStatus,
    Subscription,
)
from clientela.privacy.desk import desk_erase
from clientela.privacy.models import RETENTION_DAYS_MAX, RETENTION_DAYS_MIN, PrivacySettings
from clientela.privacy.policy import CUSTOMER_ERASE, PRIVACY_SETTINGS_UPDATE
from clientela.timeline.models import Event
from clientela.timeline.services import event_record

# The personal fields of a customer, and what erasure leaves in each.
ERASED_VALUES = {
    "external_id": None,
    "first_name": "",
    "last_name": "",
    "email": "",
    "phone": "",
    "address_line": "",
    "city": "",
    "postal_code": "",
    "notes": "",
}
# Timeline kinds whose old and new values hold no personal data (ids, totals, statuses).
KEPT_EVENT_PREFIXES = ("order.",)


class PrivacyError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _addresses(customer: Customer) -> set[str]:
    rows = CustomerEmail.objects.for_workspace(customer.workspace).filter(customer=customer)
    found = set(rows.values_list("address", flat=True))
    if customer.email:
        found.add(customer.email)
    return found


@transaction.atomic
def customer_erase(*, customer: Customer, actor: User | None, actor_label: str = "") -> int:
    """Erase the customer's personal data; return how many of their orders are kept.

    Claimed by a conditional UPDATE, so that a click and the sweep at once erase once: the
    second is refused as already erased.
    """
    workspace = customer.workspace
    permit(actor=actor, workspace=workspace, rule=CUSTOMER_ERASE)
    now = timezone.now()
    claimed = (
        Customer.objects.for_workspace(workspace)
        .filter(pk=customer.pk, erased_at__isnull=True)
        .update(erased_at=now)
    )
    if not claimed:
        raise PrivacyError("customer", _("This customer's data were already erased."))
    addresses = _addresses(customer)
    _suppress_as_digests(workspace, addresses)
    _mail_anonymise(workspace, customer, addresses)
    _outreach_anonymise(workspace, customer)
    desk_erase(workspace, customer, addresses)
    Consent.objects.for_workspace(workspace).filter(customer=customer).delete()
    CustomerEmail.objects.for_workspace(workspace).filter(customer=customer).delete()
    customer.tags.clear()
    for field, value in ERASED_VALUES.items():
        setattr(customer, field, value)
    customer.erased_at = now
    customer.updated_at = now
    customer.save(update_fields=[*ERASED_VALUES, "updated_at"])
    _timeline_anonymise(workspace, customer, addresses)
    orders = Order.objects.for_workspace(workspace).filter(customer=customer).count()
    event_record(
        workspace=workspace,
        actor=actor,
        actor_label=actor_label,
        kind="customer.erased",
        subject_type="customer",
        subject_id=customer.pk,
        customer=customer,
        new={"orders_kept": orders, "addresses_suppressed": len(addresses)},
    )
    return orders


def _suppress_as_digests(workspace: Workspace, addresses: set[str]) -> None:
    # The plain entries go: the digest stops every purpose they stopped, and more.
    SuppressedAddress.objects.for_workspace(workspace).filter(address__in=addresses).delete()
    SuppressedDigest.objects.bulk_create(
        [SuppressedDigest(workspace=workspace, digest=address_digest(a)) for a in addresses],
        ignore_conflicts=True,
    )


def _mail_anonymise(workspace: Workspace, customer: Customer, addresses: set[str]) -> None:
    """Queued mail is cancelled; every message keeps its status and dates for the
    statistics, without its recipient or its text."""
    rows = Outbox.objects.for_workspace(workspace).filter(
        Q(customer=customer) | Q(to_address__in=addresses)
    )
    rows.filter(status=OutboxStatus.QUEUED).update(status=OutboxStatus.CANCELLED)
    rows.update(to_address="", to_name="", subject="", body_text="", body_html="", headers={})


def _outreach_anonymise(workspace: Workspace, customer: Customer) -> None:
    Subscription.objects.for_workspace(workspace).filter(customer=customer).delete()
    letters = HandwrittenLetter.objects.for_workspace(workspace).filter(customer=customer)
    letters.filter(status=LetterStatus.TO_WRITE).delete()
    letters.update(draft_text="")
    # Unique per campaign, so each recipient row gets a placeholder of its own.
    for row in CampaignRecipient.objects.filter(
        campaign__workspace=workspace, customer=customer
    ).only("pk"):
        CampaignRecipient.objects.filter(pk=row.pk).update(address=f"erased-{row.pk}")


def _timeline_anonymise(workspace: Workspace, customer: Customer, addresses: set[str]) -> None:
    # Rows about an address rather than a customer (a suppression, a bounce) name it in
    # their summary, without a customer link.
    if addresses:
        Event.objects.for_workspace(workspace).filter(summary__in=addresses).update(summary="")
    rows = Event.objects.for_workspace(workspace).filter(customer=customer)
    kept = Q()
    for prefix in KEPT_EVENT_PREFIXES:
        kept |= Q(kind__startswith=prefix)
    rows.exclude(kept).update(summary="", old=None, new=None)
    rows.filter(kept).update(summary="")


@transaction.atomic
def privacy_settings_update(
    *, workspace: Workspace, actor: User | None, retention_days: int | None
) -> PrivacySettings:
    permit(actor=actor, workspace=workspace, rule=PRIVACY_SETTINGS_UPDATE)
    if retention_days is not None and not (
        RETENTION_DAYS_MIN <= retention_days <= RETENTION_DAYS_MAX
    ):
        raise PrivacyError(
            "retention_days",
            _("The retention period must be between %(min)s and %(max)s days.")
            % {"min": RETENTION_DAYS_MIN, "max": RETENTION_DAYS_MAX},
        )
    row = settings_for(PrivacySettings, workspace)
    old = row.retention_days
    if row.pk is not None and old == retention_days:
        return row
    row.retention_days = retention_days
    row.updated_at = timezone.now()
    row.save()
    event_record(
        workspace=workspace,
        actor=actor,
        kind="privacy.settings_changed",
        subject=row,
        old={"retention_days": old},
        new={"retention_days": retention_days},
    )
    return row


def silent_customers(*, workspace: Workspace, days: int) -> list[int]:
    """Ids of the customers not yet erased with no order, no consent given and no record
    of theirs created in the last `days` days."""
    cutoff = timezone.now() - timedelta(days=days)
    recent_orders = Order.objects.filter(
        workspace_id=OuterRef("workspace_id"), customer_id=OuterRef("pk"), placed_at__gte=cutoff
    )
    recent_consents = Consent.objects.filter(
        workspace_id=OuterRef("workspace_id"), customer_id=OuterRef("pk"), granted_at__gte=cutoff
    )
    return list(
        Customer.objects.for_workspace(workspace)
        .filter(erased_at__isnull=True, created_at__lt=cutoff)
        .exclude(Exists(recent_orders))
        .exclude(Exists(recent_consents))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def retention_sweep(*, workspace: Workspace, days: int) -> int:
    """Erase the workspace's silent customers, one transaction each; return how many."""
    erased = 0
    for pk in silent_customers(workspace=workspace, days=days):
        customer = Customer.objects.for_workspace(workspace).filter(pk=pk).first()
        if customer is None:
            continue
        try:
            customer_erase(customer=customer, actor=None, actor_label="system")
        except PrivacyError:  # another sweep or a person erased them meanwhile
            continue
        erased += 1
    return erased


def retention_sweep_all() -> int:
    total = 0
    for row in PrivacySettings.objects.filter(retention_days__isnull=False).select_related(
        "workspace"
    ):
        assert row.retention_days is not None
        total += retention_sweep(workspace=row.workspace, days=row.retention_days)
    return total
