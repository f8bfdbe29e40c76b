"""Reads behind the retention pages and API: segments, distributions, who is slipping away,
and a customer's score in their own terms. Every query is scoped to the workspace's current run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Count,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Floor, Least
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clientela.accounts.models import Workspace
from clientela.customers.models import Customer
from clientela.retention.models import CustomerScore, RetentionRun, Segment

BINS = 10
SLIPPING_LIMIT = 10
# "Dropped most" lists a customer only when P(alive) fell by more than this since the last
# refresh: smaller moves are the model's noise between two nights, and shown rounded they read
# as no change at all ("16% → 16%").
DROP_MIN = 0.05
HIGH_VALUE_SHARE = 0.2  # "most valuable": the top fifth by CLV


@dataclass(frozen=True)
class SegmentRow:
    segment: str
    label: str
    customers: int
    clv: float | None
    description: str = ""  # what the segment means, one sentence


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    customers: int


@dataclass(frozen=True)
class SlippingRow:
    """One of the most valuable customers in a slipping-away list, with the values shown."""

    run_id: int
    customer_id: int
    customer: Customer
    p_alive: float | None
    p_alive_previous: float | None
    clv: float | None
    purchases: int | None = None
    first_purchase: str | None = None  # ISO dates: the snapshot is stored as JSON
    last_purchase: str | None = None
    history: str = ""  # what explains the drop, in the reader's language (`drop_history`)

    @property
    def p_alive_drop(self) -> float | None:
        if self.p_alive is None or self.p_alive_previous is None:
            return None
        return self.p_alive_previous - self.p_alive


def _run_scores(run: RetentionRun) -> QuerySet[CustomerScore]:
    return CustomerScore.objects.for_workspace(run.workspace).filter(run=run)


def _current(workspace: Workspace) -> tuple[RetentionRun | None, QuerySet[CustomerScore]]:
    run = RetentionRun.objects.current(workspace)
    return run, (_run_scores(run) if run else CustomerScore.objects.none())


def _segment_rows(scores: QuerySet[CustomerScore]) -> list[SegmentRow]:
    counts: dict[str, dict[str, Any]] = {
        row["segment"]: dict(row)
        for row in scores.values("segment").annotate(n=Count("pk"), clv=Sum("clv")).order_by()
    }
    return [
        SegmentRow(
            s.value,
            str(s.label),
            counts.get(s.value, {}).get("n", 0),
            counts.get(s.value, {}).get("clv"),
            s.description,
        )
        for s in Segment
    ]


def _bins(scores: QuerySet[CustomerScore], field: str, top: float) -> list[Bin]:
    width = top / BINS if top > 0 else 1.0
    bucket = Cast(
        Least(Floor(Cast(F(field), FloatField()) / width), Value(float(BINS - 1))),
        IntegerField(),
    )
    counts = dict(
        scores.filter(**{f"{field}__isnull": False})
        .annotate(bucket=bucket)
        .values("bucket")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("bucket", "n")
    )
    return [Bin(i * width, (i + 1) * width, counts.get(i, 0)) for i in range(BINS)]


def _p_alive_bins(scores: QuerySet[CustomerScore]) -> list[Bin]:
    return _bins(scores, "p_alive", 1.0)


def _clv_bins(scores: QuerySet[CustomerScore]) -> list[Bin]:
    scores = scores.filter(clv__isnull=False)
    n = scores.count()
    if not n:
        return []
    top = scores.order_by("-clv").values_list("clv", flat=True)[n // 20]
    return _bins(scores, "clv", float(top or 0) or 1.0)


def _high_value(scores: QuerySet[CustomerScore]) -> QuerySet[CustomerScore]:
    scores = scores.filter(clv__isnull=False)
    n = scores.count()
    if not n:
        return scores.none()
    threshold = scores.order_by("-clv").values_list("clv", flat=True)[
        int(n * HIGH_VALUE_SHARE) if n > 5 else n - 1
    ]
    return scores.filter(clv__gte=threshold)


_SHOWN = (
    "customer_id",
    "p_alive",
    "p_alive_previous",
    "clv",
    "purchases",
    "first_purchase",
    "last_purchase",
)


def _shown(scores: QuerySet[CustomerScore]) -> list[dict[str, Any]]:
    rows = list(scores.values(*_SHOWN)[:SLIPPING_LIMIT])
    for row in rows:
        row["first_purchase"] = row["first_purchase"].isoformat()
        row["last_purchase"] = row["last_purchase"].isoformat()
    return rows


def _slipping(scores: QuerySet[CustomerScore]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The two lists as the values shown, customers by id. Only customers the model gives a
    P(alive) (not BG/NBD's one-time buyers), and only real drops."""
    high = _high_value(scores).filter(p_alive__isnull=False)
    dropped = high.annotate(drop=F("p_alive_previous") - F("p_alive")).filter(drop__gt=DROP_MIN)
    dropped = dropped.order_by("-drop", "customer_id")
    lowest = high.order_by("p_alive", "-clv", "customer_id")
    return _shown(dropped), _shown(lowest)


def dashboard_snapshot(run: RetentionRun) -> dict[str, Any]:
    """The dashboard's figures over the run's scores, computed in one pass of SQL aggregates
    per figure. The refresh stores them on the run when it publishes: its scores never change
    afterwards, so every page view reads them instead of aggregating every score again."""
    scores = _run_scores(run)
    dropped, lowest = _slipping(scores)
    return {
        "segments": [
            {"segment": r.segment, "customers": r.customers, "clv": r.clv}
            for r in _segment_rows(scores)
        ],
        "p_alive": [dataclasses.astuple(b) for b in _p_alive_bins(scores)],
        "clv": [dataclasses.astuple(b) for b in _clv_bins(scores)],
        "dropped": dropped,
        "lowest": lowest,
    }


def _snapshot(workspace: Workspace) -> tuple[dict[str, Any] | None, QuerySet[CustomerScore]]:
    """The current run's stored figures, or (runs published before they were stored, or no
    run) the current scores to aggregate live."""
    run, scores = _current(workspace)
    return (run.dashboard if run is not None else None), scores


def segment_rows(workspace: Workspace) -> list[SegmentRow]:
    """Every segment, in the order of `Segment`, with its customers and their total CLV."""
    snapshot, scores = _snapshot(workspace)
    if snapshot is None:
        return _segment_rows(scores)
    stored: dict[str, dict[str, Any]] = {row["segment"]: row for row in snapshot["segments"]}
    return [
        SegmentRow(
            s.value,
            str(s.label),
            stored.get(s.value, {}).get("customers", 0),
            stored.get(s.value, {}).get("clv"),
            s.description,
        )
        for s in Segment
    ]


def p_alive_histogram(workspace: Workspace) -> list[Bin]:
    snapshot, scores = _snapshot(workspace)
    if snapshot is None:
        return _p_alive_bins(scores)
    return [Bin(*b) for b in snapshot["p_alive"]]


def clv_histogram(workspace: Workspace) -> list[Bin]:
    """Ten equal bins up to the 95th percentile of CLV; the last bin takes everyone above."""
    snapshot, scores = _snapshot(workspace)
    if snapshot is None:
        return _clv_bins(scores)
    return [Bin(*b) for b in snapshot["clv"]]


def drop_history(
    purchases: int, first_purchase: dt.date, last_purchase: dt.date, today: dt.date
) -> str:
    """The purchase history that explains a drop: "last bought 94 days ago; usually buys every
    30 days", or for a single purchase "bought once, 94 days ago"."""
    ago = (today - last_purchase).days
    if purchases <= 1:
        return _("bought once, %(ago)s") % {"ago": _ago(ago)}
    gap = max(1, round((last_purchase - first_purchase).days / (purchases - 1)))
    return _("last bought %(ago)s; %(usually)s") % {
        "ago": _ago(ago),
        "usually": ngettext(
            "usually buys every %(days)d day", "usually buys every %(days)d days", gap
        )
        % {"days": gap},
    }


def _rows(run: RetentionRun, shown: list[dict[str, Any]]) -> list[SlippingRow]:
    customers = Customer.objects.for_workspace(run.workspace).in_bulk(
        [row["customer_id"] for row in shown]
    )
    today = _today(run.workspace)
    rows = []
    for row in shown:
        if row["customer_id"] not in customers:
            continue  # deleted since the run published
        history = ""
        if row.get("last_purchase"):  # snapshots stored before the history was
            history = drop_history(
                row["purchases"],
                dt.date.fromisoformat(row["first_purchase"]),
                dt.date.fromisoformat(row["last_purchase"]),
                today,
            )
        rows.append(
            SlippingRow(
                run_id=run.pk, customer=customers[row["customer_id"]], history=history, **row
            )
        )
    return rows


def slipping_away(workspace: Workspace) -> tuple[list[SlippingRow], list[SlippingRow]]:
    """Among the most valuable customers: whose P(alive) dropped most since the last run, and
    whose P(alive) is lowest now."""
    run, scores = _current(workspace)
    if run is None:
        return [], []
    if run.dashboard is None:
        dropped, lowest = _slipping(scores)
    else:
        dropped, lowest = run.dashboard["dropped"], run.dashboard["lowest"]
    return _rows(run, dropped), _rows(run, lowest)


def customer_score(customer: Customer) -> CustomerScore | None:
    run = RetentionRun.objects.current(customer.workspace)
    if run is None:
        return None
    return CustomerScore.objects.filter(run=run, customer=customer).first()


def scores_by_customer(workspace: Workspace, customer_ids: list[int]) -> dict[int, CustomerScore]:
    """The current scores of these customers (a page of a list), by customer id."""
    # One query whatever the page: the current run is a subquery.
    current = (
        RetentionRun.objects.for_workspace(workspace)
        .filter(published=True)
        .order_by("-finished_at", "-pk")
        .values("pk")[:1]
    )
    scores = CustomerScore.objects.for_workspace(workspace).filter(
        run_id=Subquery(current), customer_id__in=customer_ids
    )
    return {score.customer_id: score for score in scores}


def latest_run(workspace: Workspace) -> RetentionRun | None:
    return RetentionRun.objects.newest(workspace)


def _today(workspace: Workspace) -> dt.date:
    return timezone.now().astimezone(ZoneInfo(workspace.time_zone)).date()


def _ago(days: int) -> str:
    if days <= 0:
        return _("today")
    return ngettext("%(days)d day ago", "%(days)d days ago", days) % {"days": days}


def _history(score: CustomerScore, ago: int) -> str:
    """What the customer did: "bought once, 465 days ago", or "bought 5 times, about every 40
    days; last purchase 120 days ago[, longer than usual]"."""
    n = score.purchases
    if n <= 1:
        return _("bought once, %(ago)s") % {"ago": _ago(ago)}
    gap = max(1, round((score.last_purchase - score.first_purchase).days / (n - 1)))
    bought = ngettext("bought %(n)d time", "bought %(n)d times", n) % {"n": n}
    bought += ", " + ngettext("about every %(days)d day", "about every %(days)d days", gap) % {
        "days": gap
    }
    last = (
        _("last purchase today")
        if ago <= 0
        else ngettext("last purchase %(days)d day ago", "last purchase %(days)d days ago", ago)
        % {"days": ago}
    )
    if score.segment in _SLIPPING_SEGMENTS and ago > gap:
        last = _("%(last)s, longer than usual") % {"last": last}
    return f"{bought}; {last}"


_SLIPPING_SEGMENTS = {Segment.AT_RISK, Segment.CANNOT_LOSE_THEM, Segment.LOST}


def _judgement(score: CustomerScore) -> str:
    """What the segment concludes, when the history alone does not say it. Never at odds with
    the percentage that follows: "rarely come back" only under 50%."""
    p = score.p_alive
    if score.segment == Segment.NEW:
        return _("a new customer")
    if score.segment == Segment.ONE_TIME:
        if p is not None and round(100 * p) >= 50:
            return _("not bought since")
        return _("customers like this rarely come back")
    if score.segment == Segment.LOST and p is None:
        return _("likely gone")
    return ""


def score_sentence(score: CustomerScore, today: dt.date | None = None) -> str:
    """The score in the customer's terms, in agreement with the segment, e.g. "bought once,
    465 days ago; customers like this rarely come back: 9% likely still a customer", or
    "bought 5 times, about every 40 days; last purchase 120 days ago, longer than usual: 18%
    likely still a customer". The percentage is left out where the model does not say it
    (no fitted model, or BG/NBD for a one-time buyer: see `scoring.undetermined_p_alive`)."""
    today = today or _today(score.workspace)
    sentence = _history(score, (today - score.last_purchase).days)
    judgement = _judgement(score)
    if judgement:
        sentence = _("%(history)s; %(judgement)s") % {"history": sentence, "judgement": judgement}
    if score.p_alive is None:
        return sentence
    return _("%(sentence)s: %(percent)d%% likely still a customer") % {
        "sentence": sentence,
        "percent": round(100 * score.p_alive),
    }


def scores_filtered(
    workspace: Workspace,
    *,
    segment: str | None = None,
    p_alive_lt: float | None = None,
    p_alive_gt: float | None = None,
    clv_gt: float | None = None,
) -> QuerySet[CustomerScore]:
    """The current scores, filtered as the API's list allows."""
    scores = CustomerScore.objects.current(workspace)
    conditions = Q()
    if segment:
        conditions &= Q(segment=segment)
    if p_alive_lt is not None:
        conditions &= Q(p_alive__lt=p_alive_lt)
    if p_alive_gt is not None:
        conditions &= Q(p_alive__gt=p_alive_gt)
    if clv_gt is not None:
        conditions &= Q(clv__gt=clv_gt)
    return scores.filter(conditions)
