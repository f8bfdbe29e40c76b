"""The complainer profile of a client, from their cases, orders and words."""

from __future__ import annotations

from datetime import timedelta

from clientela.accounts.models import Workspace
from clientela.care.models import Case, CaseStatus
from clientela.care.stats.complainer import (
    REPEAT_WINDOW_DAYS,
    ComplainerFacts,
    ComplainerScore,
    complainer_score,
)
from clientela.commerce.models import Order, OrderStatus
from clientela.customers.models import Customer
from clientela.textcheck import check

# Findings in a client's words that are signs of a chronic complainer (apologies and
# options are ours to use, not theirs).
HARSH = frozenset({"blame", "absolute", "no_fault", "demand", "anger"})
CLOSED_BADLY = (CaseStatus.NOT_RESOLVED, CaseStatus.REVIEWED)


def complainer_facts(
    *, workspace: Workspace, customer: Customer, new_complaint: str | None = None
) -> ComplainerFacts:
    """What the score reads: the client's cases (and one about to open), orders and words."""
    cases = list(
        Case.objects.for_workspace(workspace)
        .filter(customer=customer)
        .order_by("opened_at")
        .values("status", "opened_at", "resolved_at", "complaint", "language", "review__id")
    )
    texts = [(c["complaint"], c["language"]) for c in cases]
    if new_complaint is not None:
        texts.append((new_complaint, customer.language))
    resolved_ats = [c["resolved_at"] for c in cases if c["resolved_at"] is not None]
    window = timedelta(days=REPEAT_WINDOW_DAYS)
    repeated = sum(1 for c in cases if any(r < c["opened_at"] <= r + window for r in resolved_ats))
    if new_complaint is not None and resolved_ats:
        from django.utils import timezone

        now = timezone.now()
        repeated += any(r < now <= r + window for r in resolved_ats)
    # A case not resolved stays a rejected solution after its review.
    not_resolved = sum(
        1
        for c in cases
        if c["status"] == CaseStatus.NOT_RESOLVED
        or (c["status"] == CaseStatus.REVIEWED and c["resolved_at"] is None)
    )
    orders = (
        Order.objects.for_workspace(workspace)
        .filter(customer=customer)
        .exclude(status=OrderStatus.CANCELLED)
        .count()
    )
    words = [len(text.split()) for text, _ in texts]
    harsh = [bool(check(text, language=lang).checks() & HARSH) for text, lang in texts]
    return ComplainerFacts(
        complaints=len(texts),
        orders=orders,
        not_resolved=not_resolved,
        repeated=repeated,
        mean_words=sum(words) / len(words) if words else 0.0,
        harsh_share=sum(harsh) / len(harsh) if harsh else 0.0,
    )


def complainer_profile(
    *, workspace: Workspace, customer: Customer, new_complaint: str | None = None
) -> ComplainerScore:
    return complainer_score(
        complainer_facts(workspace=workspace, customer=customer, new_complaint=new_complaint)
    )
