"""A wait and a response target in the shop, for the permission matrices."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from clientela.inbox.models import ClockTarget
from clientela.inbox.services.clock import wait_start


def clock_objects(cast: Any) -> dict[str, int]:
    wait = wait_start(
        workspace=cast.shop,
        subject="conversation",
        subject_id=1,
        at=timezone.now(),
        channel="email",
        title="Where is my order?",
    )
    target = ClockTarget.objects.create(workspace=cast.shop, channel="email", minutes=30)
    return {"wait": wait.pk, "clock_target": target.pk}
