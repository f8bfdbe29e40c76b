"""Thank-you letters: holdout, the handwritten route, and the printable batch.

The thank-you schedule (`thank_you.py`) queues one thank-you outbox row per order (source_type
"thank_you", source_id = order id, not_before = the day it is due). `letters_sweep` runs
before those rows fall due and decides about each once (recorded as an
`AutomationRecipient` with key "thank_you:<order>"):

1. a stable draw puts `thank_you_holdout_percent` of them in the holdout: the row is
   cancelled (conditional UPDATE queued -> cancelled) so the effect can be measured;
2. the rest go by hand when the letters due in the coming week are few (fewer than
   `handwritten_threshold`) or the customer is in the top CLV decile, unless
   `mail.contact_allowed` refuses them a thank-you by post: the row is cancelled the same
   way and a `HandwrittenLetter` (linked by `outbox_id`; that link is the cancellation's
   reason, "handwritten") is created in the same transaction;
3. otherwise the row stays queued and is e-mailed.

A row a worker already claimed fails the conditional UPDATE and is left alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.customers.models import ConsentChannel, Customer
from clientela.mail.contact import ContactPurpose, contactable
from clientela.mail.models import Outbox, OutboxStatus
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
from clientela.timeline.services import event_record

HORIZON = timedelta(days=7)
LABELS_PER_PAGE = 24  # A4 sheet of 3 x 8 labels, 70 x 33.8 mm


class LetterError(ValueError):
    pass


class LetterAlreadyDone(LetterError):
    pass


@dataclass(frozen=True)
class SweepResult:
    emailed: int
    letters: int
    held_out: int


def thank_you_rows_due(workspace: Workspace, now: datetime) -> QuerySet[Outbox]:
    return Outbox.objects.for_workspace(workspace).filter(
        source_type="thank_you", status=OutboxStatus.QUEUED, not_before__lt=now + HORIZON
    )


def letter_route(*, due_count: int, threshold: int, most_valuable: bool) -> str:
    """ "letter" when the week's letters are few or the customer is among the most valuable."""
    return "letter" if due_count < threshold or most_valuable else "email"


def _cancel(row: Outbox) -> bool:
    changed = Outbox.objects.filter(pk=row.pk, status=OutboxStatus.QUEUED).update(
        status=OutboxStatus.CANCELLED
    )
    return changed == 1


@transaction.atomic
def _decide(row: Outbox, *, route: str, holdout: bool) -> str:
    key = f"thank_you:{row.source_id}"
    workspace = row.workspace
    customer_id: int = row.customer_id or 0  # rows without a customer are not selected
    if AutomationRecipient.objects.for_workspace(workspace).filter(key=key).exists():
        return "known"
    if (holdout or route == "letter") and not _cancel(row):
        return "claimed"
    AutomationRecipient.objects.create(
        workspace=workspace,
        automation=Automation.THANK_YOU,
        customer_id=customer_id,
        key=key,
        group=Group.HOLDOUT if holdout else Group.SENT,
        outbox_id=None if holdout else row.pk,
    )
    if holdout:
        return "holdout"
    if route == "letter":
        letter = HandwrittenLetter.objects.create(
            workspace=workspace,
            customer_id=customer_id,
            order_id=row.source_id,
            outbox_id=row.pk,
            draft_text=row.body_text,
        )
        event_record(
            workspace=workspace,
            kind="letter.planned",
            subject=letter,
            customer_id=row.customer_id,
            new={"outbox": row.pk},
        )
        return "letter"
    return "email"


def letters_sweep(*, workspace: Workspace, now: datetime) -> SweepResult:
    """Decide about every thank-you row due within 7 days (see the module docstring)."""
    conf = automations_get(workspace).own
    rows = list(thank_you_rows_due(workspace, now).filter(customer__isnull=False).order_by("pk"))
    decided = set(
        AutomationRecipient.objects.for_workspace(workspace)
        .filter(key__in=[f"thank_you:{row.source_id}" for row in rows])
        .values_list("key", flat=True)
    )
    pending = [row for row in rows if f"thank_you:{row.source_id}" not in decided]
    top = top_decile_clv_ids(workspace)
    by_post = _by_post(workspace, thank_you_rows_due(workspace, now))
    counts = {"email": 0, "letter": 0, "holdout": 0}
    for row in pending:
        holdout = in_holdout(
            f"thank_you:{workspace.pk}", str(row.source_id), conf.thank_you_holdout_percent
        )
        route = letter_route(
            due_count=len(rows),
            threshold=conf.handwritten_threshold,
            most_valuable=row.customer_id in top,
        )
        if row.customer_id not in by_post:
            route = "email"
        outcome = _decide(row, route=route, holdout=holdout)
        if outcome in counts:
            counts[outcome] += 1
    return SweepResult(counts["email"], counts["letter"], counts["holdout"])


def _by_post(workspace: Workspace, rows: QuerySet[Outbox]) -> set[int]:
    """The customers of `rows` that `mail.contact_allowed` allows a thank-you by post."""
    customers = Customer.objects.for_workspace(workspace).filter(pk__in=rows.values("customer_id"))
    allowed = contactable(customers, ContactPurpose.THANK_YOU, ConsentChannel.POST)
    return set(allowed.values_list("pk", flat=True))


@transaction.atomic
def letter_done(*, letter: HandwrittenLetter, actor: User) -> HandwrittenLetter:
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
        summary="Handwritten thank-you letter",
        old={"status": LetterStatus.TO_WRITE.value},
        new={"status": LetterStatus.DONE.value},
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


def label_pages(count: int) -> int:
    return math.ceil(count / LABELS_PER_PAGE)


def letters_pdf(*, workspace: Workspace, letters: list[HandwrittenLetter]) -> bytes:
    """One page per letter (the draft to copy by hand), then sheets of address labels."""
    from weasyprint import HTML  # imported late: loading Pango costs ~0.5 s

    sheets = [letters[i : i + LABELS_PER_PAGE] for i in range(0, len(letters), LABELS_PER_PAGE)]
    html = render_to_string(
        "outreach/pdf/letters.html",
        {"workspace": workspace, "letters": letters, "sheets": sheets},
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
