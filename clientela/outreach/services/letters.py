"""Thank-you letters: the route each order takes, decided when it is placed, and the letters
written by hand.

The rule, as the Letters page states it in one sentence: a new order is thanked by a letter
written by hand when the customer has a postal address and may be written to by post, and
either fewer than `handwritten_threshold` letters were planned in the 7 days before, or the
customer is among the most valuable tenth (by CLV); every other order is thanked by e-mail.

`thank_you_route` runs in the transaction that wrote the orders, right after
`thank_you.thank_you_schedule` queued their thank-you e-mails, and decides each new row once:

1. a stable draw puts `thank_you_holdout_percent` of them in the holdout: the row is cancelled
   so the effect can be measured (the route it would have taken is kept, so that the letters
   are compared with a holdout of orders that would have had a letter);
2. a row routed to a letter is cancelled and a `HandwrittenLetter` (linked by `outbox_id`)
   takes its place: the cancelled row keeps the customer's weekly dedup key, so a second order
   in the same week gets neither an e-mail nor a second letter;
3. otherwise the row stays queued and is e-mailed.

Every decision is an `AutomationRecipient` (key "thank_you:<order>", with the route and the
reason) and one timeline row on the order, whose kind names the route and the reason. The
decision never changes afterwards: nothing sweeps the rows again, so an order is never both
e-mailed and written by hand. Two imports running at the same moment may each see the other's
letters uncommitted and plan a few letters over the weekly threshold; never a double route.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.commerce.models import Order
from clientela.customers.models import ConsentChannel, Customer
from clientela.mail.contact import ContactPurpose, contactable
from clientela.mail.models import Outbox, OutboxStatus
from clientela.outreach.letter_text import letter_text
from clientela.outreach.models import (
    Automation,
    AutomationRecipient,
    Group,
    HandwrittenLetter,
    LetterStatus,
)
from clientela.outreach.policy import LETTER_DONE
from clientela.outreach.selectors import top_decile_clv_ids
from clientela.outreach.services.automations import automations_get
from clientela.outreach.stats.holdout import in_holdout
from clientela.timeline.services import event_build, event_record, events_record_many

WINDOW = timedelta(days=7)


class LetterError(ValueError):
    pass


class LetterAlreadyDone(LetterError):
    pass


class Route(StrEnum):
    LETTER = "letter"
    EMAIL = "email"


class RouteReason(StrEnum):
    FEW_LETTERS = "few_letters"  # letter: fewer than the threshold planned in 7 days
    MOST_VALUABLE = "most_valuable"  # letter: among the most valuable tenth
    NO_ADDRESS = "no_address"  # e-mail: no postal address
    NO_POST = "no_post"  # e-mail: may not be written to by post (objected)
    WEEK_FULL = "week_full"  # e-mail: the week's letters reached the threshold


# The timeline kind of each decision: the route and the reason, readable on the timeline.
ROUTE_KINDS: dict[tuple[str, str], str] = {
    (Route.LETTER, RouteReason.FEW_LETTERS): "thank_you.letter_few",
    (Route.LETTER, RouteReason.MOST_VALUABLE): "thank_you.letter_valuable",
    (Route.EMAIL, RouteReason.NO_ADDRESS): "thank_you.email_no_address",
    (Route.EMAIL, RouteReason.NO_POST): "thank_you.email_no_post",
    (Route.EMAIL, RouteReason.WEEK_FULL): "thank_you.email_week_full",
}
HOLDOUT_KIND = "thank_you.held_out"


def has_postal_address(customer: Customer) -> bool:
    """An address a letter can reach: a street line and a city or postal code."""
    return bool(customer.address_line.strip()) and bool(
        customer.city.strip() or customer.postal_code.strip()
    )


def route_decide(
    *,
    has_address: bool,
    post_allowed: bool,
    letters_planned: int,
    threshold: int,
    most_valuable: bool,
) -> tuple[Route, RouteReason]:
    """The route of one order and why (the rule of the module docstring)."""
    if not has_address:
        return Route.EMAIL, RouteReason.NO_ADDRESS
    if not post_allowed:
        return Route.EMAIL, RouteReason.NO_POST
    if letters_planned < threshold:
        return Route.LETTER, RouteReason.FEW_LETTERS
    if most_valuable:
        return Route.LETTER, RouteReason.MOST_VALUABLE
    return Route.EMAIL, RouteReason.WEEK_FULL


def letters_planned_since(workspace: Workspace, since: datetime) -> int:
    return HandwrittenLetter.objects.for_workspace(workspace).filter(created_at__gte=since).count()


def _by_post(workspace: Workspace, customer_ids: set[int]) -> set[int]:
    """The customers `mail.contact_allowed` allows a thank-you by post (one query)."""
    customers = Customer.objects.for_workspace(workspace).filter(pk__in=customer_ids)
    allowed = contactable(customers, ContactPurpose.THANK_YOU, ConsentChannel.POST)
    return set(allowed.values_list("pk", flat=True))


def _queued_rows(workspace: Workspace, order_ids: Sequence[int]) -> list[Outbox]:
    """The queued thank-you rows of these orders. An import's thousands of new orders are
    usually one run of consecutive ids, read as a range; otherwise in chunks that stay under
    SQLite's limit on parameters."""
    unique = sorted(set(order_ids))
    if not unique:
        return []
    queued = (
        Outbox.objects.for_workspace(workspace)
        .filter(source_type="thank_you", status=OutboxStatus.QUEUED, customer__isnull=False)
        .select_related("customer")
        .order_by("pk")
    )
    if unique[-1] - unique[0] + 1 == len(unique):
        return list(queued.filter(source_id__gte=unique[0], source_id__lte=unique[-1]))
    rows: list[Outbox] = []
    for start in range(0, len(unique), 5000):
        rows.extend(queued.filter(source_id__in=unique[start : start + 5000]))
    return sorted(rows, key=lambda row: row.pk)


def thank_you_route(
    *, workspace: Workspace, order_ids: Sequence[int], now: datetime | None = None
) -> dict[str, int]:
    """Decide the route of the queued thank-you rows of these orders (see the module
    docstring); returns how many went each way ("letter", "email", "holdout")."""
    now = now or timezone.now()
    counts = {"letter": 0, "email": 0, "holdout": 0}
    rows = _queued_rows(workspace, order_ids)
    keys = [f"thank_you:{row.source_id}" for row in rows]
    decided = AutomationRecipient.objects.for_workspace(workspace)
    known: set[str] = set()
    for start in range(0, len(keys), 5000):
        chunk = decided.filter(key__in=keys[start : start + 5000])
        known.update(chunk.values_list("key", flat=True))
    rows = [row for row in rows if f"thank_you:{row.source_id}" not in known]
    if not rows:
        return counts
    conf = automations_get(workspace).own
    top = top_decile_clv_ids(workspace)
    by_post = _by_post(workspace, {row.customer_id for row in rows if row.customer_id})
    orders = Order.objects.for_workspace(workspace).in_bulk([row.source_id for row in rows])
    planned = letters_planned_since(workspace, now - WINDOW)
    decisions: list[AutomationRecipient] = []
    letters: list[HandwrittenLetter] = []
    events = []
    cancel: list[int] = []
    for row in rows:
        customer = row.customer
        assert customer is not None  # selected with a customer
        route, reason = route_decide(
            has_address=has_postal_address(customer),
            post_allowed=customer.pk in by_post,
            letters_planned=planned,
            threshold=conf.handwritten_threshold,
            most_valuable=customer.pk in top,
        )
        held = in_holdout(
            f"thank_you:{workspace.pk}", str(row.source_id), conf.thank_you_holdout_percent
        )
        order = orders.get(row.source_id or 0)
        decisions.append(
            AutomationRecipient(
                workspace=workspace,
                automation=Automation.THANK_YOU,
                customer=customer,
                key=f"thank_you:{row.source_id}",
                group=Group.HOLDOUT if held else Group.SENT,
                outbox_id=None if held else row.pk,
                decided_at=now,
                route=route.value,
                reason=reason.value,
            )
        )
        events.append(
            event_build(
                workspace=workspace,
                kind=HOLDOUT_KIND if held else ROUTE_KINDS[(route, reason)],
                subject_type="order",
                subject_id=row.source_id,
                customer_id=customer.pk,
                new={"route": route.value, "reason": reason.value, "holdout": held},
            )
        )
        if held or route == Route.LETTER:
            cancel.append(row.pk)
        if held:
            counts["holdout"] += 1
            continue
        counts[route.value] += 1
        if route == Route.LETTER:
            planned += 1
            letters.append(
                HandwrittenLetter(
                    workspace=workspace,
                    customer=customer,
                    order=order,
                    outbox_id=row.pk,
                    draft_text=letter_text(workspace=workspace, customer=customer, order=order),
                    created_at=now,
                )
            )
    with transaction.atomic():
        # Rows this transaction just queued: no worker can have claimed them yet.
        Outbox.objects.filter(pk__in=cancel, status=OutboxStatus.QUEUED).update(
            status=OutboxStatus.CANCELLED
        )
        AutomationRecipient.objects.bulk_create(decisions)
        HandwrittenLetter.objects.bulk_create(letters)
        events_record_many(events)
    return counts


@transaction.atomic
def letter_done(*, letter: HandwrittenLetter, actor: User) -> HandwrittenLetter:
    """The letter was written and posted."""
    permit(actor=actor, workspace=letter.workspace, rule=LETTER_DONE)
    now = timezone.now()
    changed = HandwrittenLetter.objects.filter(pk=letter.pk, status=LetterStatus.TO_WRITE).update(
        status=LetterStatus.DONE, done_by=actor, done_at=now
    )
    if changed != 1:
        raise LetterAlreadyDone(letter.pk)
    letter.refresh_from_db()
    event_record(
        workspace=letter.workspace,
        actor=actor,
        kind="letter.written",
        subject=letter,
        customer_id=letter.customer_id,
        old={"status": LetterStatus.TO_WRITE.value},
        new={"status": LetterStatus.DONE.value, "order": letter.order_id},
    )
    return letter


def letters_to_write(workspace: Workspace) -> QuerySet[HandwrittenLetter]:
    """The letters still to write, oldest first: the order of the printed batch."""
    return (
        HandwrittenLetter.objects.for_workspace(workspace)
        .filter(status=LetterStatus.TO_WRITE)
        .select_related("customer", "order")
        .order_by("pk")
    )


def route_counts(workspace: Workspace, *, since: datetime) -> dict[str, int]:
    """Thank-you decisions since `since` by route and reason ("letter", "email", "holdout",
    and each reason's value), for the Letters page."""
    rows = (
        AutomationRecipient.objects.for_workspace(workspace)
        .filter(automation=Automation.THANK_YOU, decided_at__gte=since)
        .exclude(route="")
        .values("group", "route", "reason")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, int] = {"letter": 0, "email": 0, "holdout": 0}
    counts.update(dict.fromkeys(RouteReason, 0))
    for row in rows:
        if row["group"] == Group.HOLDOUT:
            counts["holdout"] += row["n"]
            continue
        counts[row["route"]] += row["n"]
        counts[row["reason"]] += row["n"]
    return counts
