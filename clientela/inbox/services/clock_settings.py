"""The clock's settings: business hours, holidays, escalation delay and response targets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.accounts.scoping import settings_for
from clientela.inbox.models import ClockSettings, ClockTarget
from clientela.inbox.policy import CLOCK_SETTINGS_UPDATE, SLA_TARGET_UPDATE
from clientela.inbox.services.clock import calendar_for, waits_rekey
from clientela.inbox.stats.business import intervals_check
from clientela.inbox.stats.holidays import BUILTIN
from clientela.timeline.services import event_record

# A target longer than a month of business hours is no promise; and it bounds the input.
MAX_TARGET_MINUTES = 60 * 24 * 31
MAX_HOLIDAY_EDITS = 400


class ClockSettingsError(ValueError):
    """Settings that cannot be saved; str() says why, for the form."""


def clock_settings_update(
    *,
    workspace: Workspace,
    actor: User,
    hours: Sequence[Sequence[tuple[int, int]]],
    holiday_country: str,
    holidays_added: Sequence[date],
    holidays_removed: Sequence[date],
    default_target_minutes: int,
    escalate_after_minutes: int,
) -> ClockSettings:
    """Save the workspace's hours and holidays, and carry its open waits over to them."""
    permit(actor=actor, workspace=workspace, rule=CLOCK_SETTINGS_UPDATE)
    try:
        week = intervals_check(hours)
    except ValueError as error:
        raise ClockSettingsError(str(error)) from error
    if holiday_country and holiday_country not in BUILTIN:
        raise ClockSettingsError(f"no built-in holidays for {holiday_country}")
    if not 1 <= default_target_minutes <= MAX_TARGET_MINUTES:
        raise ClockSettingsError("target out of range")
    if not 0 <= escalate_after_minutes <= MAX_TARGET_MINUTES:
        raise ClockSettingsError("escalation delay out of range")
    if len(holidays_added) + len(holidays_removed) > MAX_HOLIDAY_EDITS:
        raise ClockSettingsError("too many holiday changes")
    if not any(week):
        raise ClockSettingsError("the shop must be open at some time of the week")
    now = timezone.now()
    with transaction.atomic():
        clock = settings_for(ClockSettings, workspace)
        before = calendar_for(workspace, clock)
        old = {
            "hours": clock.hours,
            "holiday_country": clock.holiday_country,
            "holidays_added": clock.holidays_added,
            "holidays_removed": clock.holidays_removed,
            "default_target_minutes": clock.default_target_minutes,
            "escalate_after_minutes": clock.escalate_after_minutes,
        }
        clock.hours = [[list(span) for span in day] for day in week]
        clock.holiday_country = holiday_country
        clock.holidays_added = sorted({d.isoformat() for d in holidays_added})
        clock.holidays_removed = sorted({d.isoformat() for d in holidays_removed})
        clock.default_target_minutes = default_target_minutes
        clock.escalate_after_minutes = escalate_after_minutes
        clock.updated_at = now
        clock.save()
        waits_rekey(workspace, before, calendar_for(workspace, clock), now)
        event_record(
            workspace=workspace,
            kind="clock.settings_changed",
            actor=actor,
            old=old,
            new={key: getattr(clock, key) for key in old},
        )
    return clock


def clock_target_set(
    *, workspace: Workspace, actor: User, channel: str, segment: str, minutes: int
) -> ClockTarget:
    """Set the target for a channel and/or customer group (blank: any). New waits use it."""
    permit(actor=actor, workspace=workspace, rule=SLA_TARGET_UPDATE)
    if not 1 <= minutes <= MAX_TARGET_MINUTES:
        raise ClockSettingsError("target out of range")
    channel, segment = channel.strip()[:20], segment.strip()[:20]
    if not channel and not segment:
        raise ClockSettingsError("the default target is set in the clock's settings")
    with transaction.atomic():
        target, created = ClockTarget.objects.select_for_update().get_or_create(
            workspace=workspace, channel=channel, segment=segment, defaults={"minutes": minutes}
        )
        old = None if created else target.minutes
        if not created:
            target.minutes = minutes
            target.save(update_fields=["minutes"])
        event_record(
            workspace=workspace,
            kind="clock.target_set",
            subject=target,
            actor=actor,
            old={"minutes": old},
            new={"channel": channel, "segment": segment, "minutes": minutes},
        )
    return target


def clock_target_delete(*, workspace: Workspace, actor: User, target: ClockTarget) -> None:
    permit(actor=actor, workspace=workspace, rule=SLA_TARGET_UPDATE)
    if target.workspace_id != workspace.pk:
        raise ClockTarget.DoesNotExist
    with transaction.atomic():
        event_record(
            workspace=workspace,
            kind="clock.target_deleted",
            subject=target,
            actor=actor,
            old={"channel": target.channel, "segment": target.segment, "minutes": target.minutes},
        )
        target.delete()
