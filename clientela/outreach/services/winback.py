"""Win-back: one message per lapse to customers the retention engine sees slipping away.

Selected: a `CustomerScore` with p_alive below the threshold or overdue_ratio above the
factor; allowed by `mail.contact_allowed` for win-back (a standing e-mail consent for
marketing or win-back: win-back mail is marketing, so silence is not consent and a customer
who never agreed gets nothing; an address not on the suppression list); no win-back decision
within the cool-down; and no win-back decision since their last order (one message per
lapse: the key is "win_back:<customer>:<last order date>").
A queued win-back whose customer has bought since it was queued is cancelled: they came back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Subquery

from clientela.accounts.models import Workspace
from clientela.commerce.models import Order, OrderStatus
from clientela.customers.models import Customer
from clientela.mail.contact import ContactPurpose, contactable
from clientela.mail.models import Outbox, OutboxKind, OutboxStatus
from clientela.mail.services import outbox_enqueue
from clientela.mail.verp import unsubscribe_url
from clientela.outreach.models import Automation, AutomationRecipient, Group
from clientela.outreach.selectors import slipping_customer_ids
from clientela.outreach.services.automations import automations_get
from clientela.outreach.services.drafts import outbox_draft
from clientela.outreach.services.templates import message_context, template_for, template_render
from clientela.outreach.stats.holdout import in_holdout

# Stands for the unsubscribe link until the row has the id its token signs. A private-use
# character, never typed by anyone, and unlike NUL storable in PostgreSQL text.
_MARK = "\ue000unsubscribe\ue000"


@dataclass(frozen=True)
class WinbackResult:
    queued: int
    held_out: int
    cancelled: int


def winback_candidates(workspace: Workspace, now: datetime) -> list[Customer]:
    conf = automations_get(workspace).own
    slipping = slipping_customer_ids(
        workspace,
        p_alive_below=conf.win_back_p_alive,
        overdue_above=conf.win_back_overdue_factor,
    )
    decisions = AutomationRecipient.objects.for_workspace(workspace).filter(
        automation=Automation.WIN_BACK, customer=OuterRef("pk")
    )
    last_order = (
        Order.objects.filter(customer=OuterRef("pk"), status=OrderStatus.PLACED)
        .values("customer")
        .annotate(last=Max("placed_at"))
        .values("last")
    )
    last_decision = decisions.values("customer").annotate(last=Max("decided_at")).values("last")
    recent = decisions.filter(decided_at__gte=now - timedelta(days=conf.win_back_cooldown_days))
    slipping_customers = Customer.objects.for_workspace(workspace).filter(pk__in=slipping)
    customers = (
        contactable(slipping_customers, ContactPurpose.WIN_BACK)
        .exclude(pk__in=recent.values("customer"))
        .annotate(last_order=Subquery(last_order), last_decision=Subquery(last_decision))
        .filter(last_order__isnull=False)
        .order_by("pk")
    )
    # One per lapse: nothing decided since their last order.
    return [c for c in customers if c.last_decision is None or c.last_decision < c.last_order]


@transaction.atomic
def _decide(workspace: Workspace, customer: Customer, percent: int) -> str:
    # `last_order` is an annotation of the win-back queryset, unknown to the model's type.
    key = f"win_back:{customer.pk}:{customer.last_order.date().isoformat()}"  # type: ignore[attr-defined]
    if in_holdout(f"win_back:{workspace.pk}", key, percent):
        AutomationRecipient.objects.create(
            workspace=workspace,
            automation=Automation.WIN_BACK,
            customer=customer,
            key=key,
            group=Group.HOLDOUT,
        )
        return "holdout"
    template = template_for(workspace, "win_back", customer.language)
    context = message_context(workspace=workspace, customer=customer, unsubscribe_url=_MARK)
    draft = outbox_draft(
        customer=customer,
        address=customer.email,
        kind=OutboxKind.MARKETING,
        source_type="win_back",
        source_id=customer.pk,
        dedup_key=key,
        message=template_render(template, context),
        language=customer.language,
    )
    row = outbox_enqueue(workspace=workspace, draft=draft)
    if row is None:  # another sweep decided the same lapse first
        raise IntegrityError(key)
    url = unsubscribe_url(row.pk)
    row.body_text = row.body_text.replace(_MARK, url)
    row.body_html = row.body_html.replace(_MARK, url)
    row.save(update_fields=["body_text", "body_html"])
    AutomationRecipient.objects.create(
        workspace=workspace,
        automation=Automation.WIN_BACK,
        customer=customer,
        key=key,
        group=Group.SENT,
        outbox_id=row.pk,
    )
    return "queued"


def winback_cancel_returned(workspace: Workspace) -> int:
    """Cancel queued win-backs of customers who bought after the row was queued."""
    bought = Order.objects.filter(
        customer=OuterRef("customer"),
        status=OrderStatus.PLACED,
        placed_at__gt=OuterRef("created_at"),
    )
    rows = (
        Outbox.objects.for_workspace(workspace)
        .filter(source_type="win_back", status=OutboxStatus.QUEUED)
        .filter(Exists(bought))
    )
    return Outbox.objects.filter(
        pk__in=list(rows.values_list("pk", flat=True)), status=OutboxStatus.QUEUED
    ).update(status=OutboxStatus.CANCELLED)


def winback_sweep(*, workspace: Workspace, now: datetime) -> WinbackResult:
    cancelled = winback_cancel_returned(workspace)
    conf = automations_get(workspace).own
    if not conf.win_back_enabled:
        return WinbackResult(0, 0, cancelled)
    counts = {"queued": 0, "holdout": 0}
    for customer in winback_candidates(workspace, now):
        try:
            counts[_decide(workspace, customer, conf.win_back_holdout_percent)] += 1
        except IntegrityError:  # another sweep decided the same lapse first
            continue
    return WinbackResult(counts["queued"], counts["holdout"], cancelled)
