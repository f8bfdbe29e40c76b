"""Thank-you letters a week after a purchase, decided in the transaction that wrote the orders.

One letter per customer per ISO week of purchase (dedup key "thank_you:<customer>:<week>"):
several orders in a week get one thank-you, and re-importing the same orders, a restarted
import or a clock that was off writes nothing twice. The letter is due `delay` days after the
first order of that week seen; orders already older than the delay at import time (history
being loaded) get none, nor do cancelled orders and customers `mail.contact_allowed` refuses
a thank-you (no address, a suppressed address, the thank-you consent withdrawn).

Why a calendar week and not a rolling window of `delay` days after the previous letter: the
week is a function of the order alone, so the unique dedup key decides exactly, whatever order
orders arrive in, whether two imports run at once, and across a change of the delay. Under a
rolling window whether an order gets a letter depends on which of the customer's other orders
were seen first (orders on days 0, 5 and 10 get two letters if imported in that order, one if
day 5 comes first), and two concurrent imports would need a lock per customer to agree. The
price: a Sunday and a Monday purchase get two letters, a day apart.

The letter is the workspace's own thank-you template (the shipped default when the shop has
not edited one), rendered here, in the order's transaction. Rendering later (at send time)
would let an edit reach letters already queued, but the outbox row is the delivery's source
of truth: the handwritten route copies its text, the sent-mail page shows it, and a retry
after a crash must send the same bytes. So an edit applies to orders placed after it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from clientela.accounts.models import Workspace
from clientela.commerce.models import Order, OrderStatus
from clientela.customers.models import Customer
from clientela.customers.normalize import InvalidEmail, normalize_email
from clientela.mail.contact import ContactPurpose, contactable
from clientela.mail.models import OutboxKind
from clientela.mail.selectors import delivery_settings_for
from clientela.mail.services import OutboxDraft, outbox_enqueue_many
from clientela.outreach.models import MessageTemplate
from clientela.outreach.rendering import Rendered, TemplateInvalid
from clientela.outreach.services.templates import (
    message_context,
    template_default,
    template_for,
    template_render,
)

log = logging.getLogger(__name__)
LANGUAGES = ("ro", "en")


def _language(customer: Customer) -> str:
    return customer.language if customer.language in LANGUAGES else "ro"


def thank_you_letter(
    workspace: Workspace, order: Order, templates: dict[str, MessageTemplate]
) -> Rendered:
    """The letter for this order from `templates` (one per language), in the customer's."""
    language = _language(order.customer)
    context = message_context(workspace=workspace, customer=order.customer, order=order)
    try:
        return template_render(templates[language], context)
    except TemplateInvalid:
        # Saved templates are validated, but one saved before a rule was added must not roll
        # back the import that called us: that letter falls back to the shipped default.
        log.warning("thank-you template of workspace %s does not render", workspace.pk)
        return template_render(template_default(workspace, "thank_you", language), context)


def thank_you_schedule(workspace: Workspace, order_ids: Sequence[int]) -> int:
    """Write the thank-you letters these new orders call for; return how many were new."""
    settings = delivery_settings_for(workspace)
    if not settings.thank_you_enabled or not order_ids:
        return 0
    delay = timedelta(days=settings.thank_you_delay_days)
    recent = Order.objects.for_workspace(workspace).filter(
        _ids_in(order_ids), status=OrderStatus.PLACED, placed_at__gte=timezone.now() - delay
    )
    orders = list(recent.select_related("customer").order_by("placed_at", "id"))
    if not orders:  # an import of past orders: none is recent enough to thank
        return 0
    allowed = _thankable(workspace, recent)
    zone = ZoneInfo(workspace.time_zone)
    # One read per language, not per order: an import may bring thousands of orders.
    templates = {language: template_for(workspace, "thank_you", language) for language in LANGUAGES}
    drafts = [
        _draft(workspace, order, delay, zone, templates)
        for order in orders
        if order.customer_id in allowed and _valid(order.customer.email)
    ]
    return outbox_enqueue_many(workspace=workspace, drafts=drafts)


def _thankable(workspace: Workspace, orders: QuerySet[Order]) -> set[int]:
    """The buyers of `orders` that `mail.contact_allowed` allows a thank-you e-mail: one query,
    the orders as a subquery rather than a list of thousands of customer ids."""
    buyers = Customer.objects.for_workspace(workspace).filter(pk__in=orders.values("customer_id"))
    return set(contactable(buyers, ContactPurpose.THANK_YOU).values_list("pk", flat=True))


def _ids_in(order_ids: Sequence[int]) -> Q:
    """`pk__in=order_ids`, as a range when the ids are exactly one run of consecutive ids.

    An import's batch of thousands of new orders usually is such a run, and the range costs
    neither the ORM's preparation of thousands of parameters nor the database's IN list.
    """
    unique = set(order_ids)
    low, high = min(unique), max(unique)
    if high - low + 1 == len(unique):
        return Q(pk__gte=low, pk__lte=high)
    return Q(pk__in=unique)


def _valid(address: str) -> bool:
    # A bad address must not roll back the import that called us: that order gets no letter.
    try:
        return normalize_email(address) == address
    except InvalidEmail:
        return False


def _draft(
    workspace: Workspace,
    order: Order,
    delay: timedelta,
    zone: ZoneInfo,
    templates: dict[str, MessageTemplate],
) -> OutboxDraft:
    customer = order.customer
    year, week, _ = order.placed_at.astimezone(zone).isocalendar()
    letter = thank_you_letter(workspace, order, templates)
    return OutboxDraft(
        to_address=customer.email,
        to_name=customer.display_name,
        subject=letter.subject,
        body_text=letter.body_text,
        body_html=letter.body_html,
        kind=OutboxKind.TRANSACTIONAL,
        source_type="thank_you",
        source_id=order.pk,
        dedup_key=f"thank_you:{customer.pk}:{year}-W{week:02d}",
        customer=customer,
        language=_language(customer),
        not_before=order.placed_at + delay,
    )
