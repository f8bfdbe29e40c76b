"""Read-only access to the retention engine's per-customer scores, when it has any.

`retention.CustomerScore` is written by the retention app; outreach only reads p_alive,
overdue_ratio, segment and clv of the current run. A workspace never scored simply has no
scores: win-back selects nobody and "most valuable" is nobody.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from clientela.accounts.models import Workspace
from clientela.outreach.models import ContentImage
from clientela.outreach.services.images import TYPES
from clientela.retention.models import CustomerScore


def scores(workspace: Workspace) -> QuerySet[Any] | None:
    """The scores of the workspace's current (published) retention run."""
    return CustomerScore.objects.current(workspace)


def slipping_customer_ids(
    workspace: Workspace, *, p_alive_below: float, overdue_above: float
) -> set[int]:
    found = scores(workspace)
    if found is None:
        return set()
    chosen = found.filter(Q(p_alive__lt=p_alive_below) | Q(overdue_ratio__gt=overdue_above))
    return set(chosen.values_list("customer_id", flat=True))


def top_decile_clv_ids(workspace: Workspace) -> set[int]:
    """The most valuable tenth of scored customers by CLV (at least one when any is scored)."""
    found = scores(workspace)
    if found is None:
        return set()
    count = found.filter(clv__isnull=False).count()
    if not count:
        return set()
    size = max(1, count // 10)
    best = found.filter(clv__isnull=False).order_by("-clv", "customer_id")[:size]
    return set(best.values_list("customer_id", flat=True))


def segment_customer_ids(workspace: Workspace, segments: list[str]) -> set[int]:
    found = scores(workspace)
    if found is None or not segments:
        return set()
    return set(found.filter(segment__in=segments).values_list("customer_id", flat=True))


def content_image_by_name(name: str) -> ContentImage | None:
    """The uploaded image whose file name ("<token>.<ext>") this is, whatever its workspace:
    the token is the secret (mail clients fetch it without logging in), like an unsubscribe
    link's."""
    token, _dot, ext = name.partition(".")
    if not token or len(token) > 40:
        return None
    image = ContentImage.objects.filter(token=token).first()
    if image is None or TYPES.get(ext) != image.content_type:
        return None
    return image
