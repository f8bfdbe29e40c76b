"""Reads behind the retention pages and API: segments, distributions, who is slipping away,
and a customer's score in their own terms. Every query is scoped to the workspace's current run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, F, FloatField, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Floor, Least
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clientela.accounts.models import Workspace
from clientela.customers.models import Customer
from clientela.retention.models import CustomerScore, RetentionRun, Segment

BINS = 10
SLIPPING_LIMIT = 10
HIGH_VALUE_SHARE = 0.2  # "most valuable": the top fifth by CLV


@dataclass(frozen=True)
class SegmentRow:
    segment: str
    label: str
    customers: int
    clv: float | None


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    customers: int


def segment_rows(workspace: Workspace) -> list[SegmentRow]:
    """Every segment, in the order of `Segment`, with its customers and their total CLV."""
    counts = {
        row["segment"]: row
        for row in CustomerScore.objects.current(workspace)
        .values("segment")
        .annotate(n=Count("pk"), clv=Sum("clv"))
        .order_by()
    }
    return [
        SegmentRow(
            s.value,
            str(s.label),
            counts.get(s.value, {}).get("n", 0),
            counts.get(s.value, {}).get("clv"),
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


def p_alive_histogram(workspace: Workspace) -> list[Bin]:
    return _bins(CustomerScore.objects.current(workspace), "p_alive", 1.0)


def clv_histogram(workspace: Workspace) -> list[Bin]:
    """Ten equal bins up to the 95th percentile of CLV; the last bin takes everyone above."""
    scores = CustomerScore.objects.current(workspace).filter(clv__isnull=False)
    n = scores.count()
    if not n:
        return []
    top = scores.order_by("-clv").values_list("clv", flat=True)[n // 20]
    return _bins(scores, "clv", float(top or 0) or 1.0)


def _high_value(workspace: Workspace) -> QuerySet[CustomerScore]:
    scores = CustomerScore.objects.current(workspace).filter(clv__isnull=False)
    n = scores.count()
    if not n:
        return scores.none()
    threshold = scores.order_by("-clv").values_list("clv", flat=True)[
        int(n * HIGH_VALUE_SHARE) if n > 5 else n - 1
    ]
    return scores.filter(clv__gte=threshold).select_related("customer")


def slipping_away(workspace: Workspace) -> tuple[list[CustomerScore], list[CustomerScore]]:
    """Among the most valuable customers: whose P(alive) dropped most since the last run, and
    whose P(alive) is lowest now."""
    high = _high_value(workspace)
    dropped = list(
        high.filter(p_alive_previous__gt=F("p_alive")).order_by(
            F("p_alive") - F("p_alive_previous"), "customer_id"
        )[:SLIPPING_LIMIT]
    )
    lowest = list(high.order_by("p_alive", "-clv", "customer_id")[:SLIPPING_LIMIT])
    return dropped, lowest


def customer_score(customer: Customer) -> CustomerScore | None:
    run = RetentionRun.objects.current(customer.workspace)
    if run is None:
        return None
    return CustomerScore.objects.filter(run=run, customer=customer).first()


def latest_run(workspace: Workspace) -> RetentionRun | None:
    return RetentionRun.objects.newest(workspace)


def _today(workspace: Workspace) -> dt.date:
    return timezone.now().astimezone(ZoneInfo(workspace.time_zone)).date()


def score_sentence(score: CustomerScore, today: dt.date | None = None) -> str:
    """The score in the customer's terms, e.g. "bought 5 times, about every 40 days; last
    purchase 120 days ago: 18% likely still active"."""
    today = today or _today(score.workspace)
    n = score.purchases
    parts = [ngettext("bought %(n)d time", "bought %(n)d times", n) % {"n": n}]
    if n > 1:
        gap = round((score.last_purchase - score.first_purchase).days / (n - 1))
        parts[0] += ", " + ngettext(
            "about every %(days)d day", "about every %(days)d days", gap
        ) % {"days": gap}
    ago = (today - score.last_purchase).days
    last = (
        _("last purchase today")
        if ago <= 0
        else ngettext("last purchase %(days)d day ago", "last purchase %(days)d days ago", ago)
        % {"days": ago}
    )
    if score.p_alive is None:
        return _("%(bought)s; %(last)s") % {"bought": parts[0], "last": last}
    return _("%(bought)s; %(last)s: %(percent)d%% likely still active") % {
        "bought": parts[0],
        "last": last,
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
