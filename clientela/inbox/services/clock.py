"""The waiting clock: start, pause, resume, answer and close the wait on a subject.

The conversation code (and later complaint cases, questions on quotes) tells the clock what
happened through `clientela.inbox.signals`; `clientela.inbox.receivers` calls these services
inside the sender's transaction. Those calls come from a change whose sender already checked
the member's role, so they take no actor check of their own; the changes a member makes
here directly (assigning, settings, targets) call `permit`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.accounts.scoping import settings_for
from clientela.inbox.models import (
    ClockSettings,
    ClockTarget,
    ResponseKind,
    Wait,
    WaitPause,
    WaitResponse,
    WaitState,
)
from clientela.inbox.policy import CLOCK_ASSIGN
from clientela.inbox.stats.business import BusinessCalendar, instant_at, ordinal
from clientela.retention.models import CustomerScore
from clientela.timeline.services import event_record


def calendar_for(workspace: Workspace, clock: ClockSettings | None = None) -> BusinessCalendar:
    """The workspace's business calendar: its hours in its time zone, with its holidays."""
    clock = clock or settings_for(ClockSettings, workspace)
    return BusinessCalendar(
        zone=workspace.time_zone,
        hours=tuple(tuple((s, e) for s, e in day) for day in clock.hours),
        country=clock.holiday_country,
        added=frozenset(date.fromisoformat(d) for d in clock.holidays_added),
        removed=frozenset(date.fromisoformat(d) for d in clock.holidays_removed),
    )


def segment_of(workspace: Workspace, customer_id: int | None) -> str:
    """The customer's retention segment in the current run, "" when unknown."""
    if customer_id is None:
        return ""
    segment = (
        CustomerScore.objects.of_current_run(workspace)
        .filter(customer_id=customer_id)
        .values_list("segment", flat=True)
        .first()
    )
    return segment or ""


def target_minutes(
    workspace: Workspace, *, channel: str, segment: str, clock: ClockSettings | None = None
) -> int:
    """The most specific target: channel and segment, then segment (a customer group's promise
    holds on every channel), then channel, then the workspace's default."""
    clock = clock or settings_for(ClockSettings, workspace)
    targets = {
        (t.channel, t.segment): t.minutes
        for t in ClockTarget.objects.for_workspace(workspace).filter(
            channel__in=["", channel], segment__in=["", segment]
        )
    }
    for key in ((channel, segment), ("", segment), (channel, ""), ("", "")):
        if key in targets:
            return targets[key]
    return clock.default_target_minutes


def _record(wait: Wait, kind: str, actor: User | None = None, **new: object) -> None:
    event_record(
        workspace=wait.workspace,
        kind=kind,
        subject=wait,
        actor=actor,
        customer_id=wait.customer_id,
        summary=wait.title,
        new={"subject": wait.subject, "subject_id": wait.subject_id, **new},
    )


def _open_round(wait: Wait, calendar: BusinessCalendar, at: datetime, clock: ClockSettings) -> None:
    minutes = target_minutes(
        wait.workspace, channel=wait.channel, segment=wait.segment, clock=clock
    )
    wait.started_at = at
    wait.start_key = ordinal(calendar, at)
    wait.target_seconds = minutes * 60
    wait.due_key = wait.start_key + wait.target_seconds
    wait.state = WaitState.WAITING
    wait.paused_at = None
    wait.escalation_level = 0


# No savepoint of its own: it runs inside the sender's transaction, which fails whole when it
# fails (nothing catches its errors to carry on), and a savepoint is two queries per message.
@transaction.atomic(savepoint=False)
def wait_start(
    *,
    workspace: Workspace,
    subject: str,
    subject_id: int,
    at: datetime,
    channel: str,
    title: str,
    url: str = "",
    customer_id: int | None = None,
    assignee_id: int | None = None,
) -> Wait:
    """A client wrote: start the wait, start its next round after an answer, or resume it
    after a pause. A client writing again while already waiting changes nothing: the clock
    runs from the first message we have not answered."""
    clock = settings_for(ClockSettings, workspace)
    calendar = calendar_for(workspace, clock)
    wait = (
        Wait.objects.for_workspace(workspace)
        .select_for_update()
        .filter(subject=subject, subject_id=subject_id)
        .first()
    )
    if wait is None:
        wait = Wait(
            workspace=workspace,
            subject=subject[:30],
            subject_id=subject_id,
            customer_id=customer_id,
            channel=channel[:20],
            title=title[:200],
            url=url[:500],
            assignee_id=assignee_id,
            segment=segment_of(workspace, customer_id),
            first_started_at=at,
        )
        _open_round(wait, calendar, at, clock)
        wait.save(force_insert=True)
        _record(
            wait, "wait.started", channel=wait.channel, target_minutes=wait.target_seconds // 60
        )
        return wait
    if wait.state == WaitState.PAUSED:
        return _resume(wait, calendar, at)
    if wait.state in (WaitState.ANSWERED, WaitState.CLOSED):
        wait.round += 1
        wait.closed_at = None
        wait.segment = segment_of(workspace, wait.customer_id)
        _open_round(wait, calendar, at, clock)
        wait.save()
        _record(wait, "wait.started", round=wait.round, target_minutes=wait.target_seconds // 60)
    return wait


def _resume(wait: Wait, calendar: BusinessCalendar, at: datetime) -> Wait:
    assert wait.paused_at is not None
    at = max(at, wait.paused_at)
    paused = ordinal(calendar, at) - ordinal(calendar, wait.paused_at)
    WaitPause.objects.filter(wait=wait, ended_at__isnull=True).update(
        ended_at=at, business_seconds=paused
    )
    wait.start_key += paused
    wait.due_key += paused
    wait.paused_at = None
    wait.state = WaitState.WAITING
    wait.save(update_fields=["start_key", "due_key", "paused_at", "state"])
    _record(wait, "wait.resumed", paused_business_seconds=paused)
    return wait


def _locked(workspace: Workspace, subject: str, subject_id: int) -> Wait | None:
    return (
        Wait.objects.for_workspace(workspace)
        .select_for_update()
        .filter(subject=subject, subject_id=subject_id)
        .first()
    )


def _stop_pause(wait: Wait, calendar: BusinessCalendar, at: datetime) -> int:
    """End an open pause at `at` (the clock stays where the pause stopped it); the business
    time waited this round."""
    assert wait.paused_at is not None
    waited = ordinal(calendar, wait.paused_at) - wait.start_key
    paused = ordinal(calendar, max(at, wait.paused_at)) - ordinal(calendar, wait.paused_at)
    WaitPause.objects.filter(wait=wait, ended_at__isnull=True).update(
        ended_at=max(at, wait.paused_at), business_seconds=paused
    )
    wait.paused_at = None
    return waited


@transaction.atomic
def wait_answer(
    *, workspace: Workspace, subject: str, subject_id: int, at: datetime, actor_id: int | None
) -> WaitResponse | None:
    """We answered: stop the clock and time the response (first or next). None when nothing
    was waiting (a second reply to the same message times nothing)."""
    wait = _locked(workspace, subject, subject_id)
    if wait is None or wait.state not in (WaitState.WAITING, WaitState.PAUSED):
        return None
    calendar = calendar_for(workspace)
    if wait.state == WaitState.PAUSED:
        waited = _stop_pause(wait, calendar, at)
    else:
        waited = ordinal(calendar, at) - wait.start_key
    waited = max(waited, 0)
    kind = ResponseKind.NEXT if wait.first_response_at else ResponseKind.FIRST
    local = at.astimezone(ZoneInfo(workspace.time_zone)).date()
    response = WaitResponse.objects.create(
        workspace=workspace,
        wait=wait,
        kind=kind,
        channel=wait.channel,
        agent_id=actor_id,
        asked_at=wait.started_at,
        answered_at=at,
        business_seconds=waited,
        target_seconds=wait.target_seconds,
        met=waited <= wait.target_seconds,
        week=local - timedelta(days=local.weekday()),
    )
    if kind == ResponseKind.FIRST:
        wait.first_response_at, wait.first_response_seconds = at, waited
    wait.state = WaitState.ANSWERED
    wait.last_answered_at = at
    wait.last_answered_by_id = actor_id
    wait.responses = F("responses") + 1
    wait.save()
    wait.refresh_from_db(fields=["responses"])
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    _record(wait, "wait.answered", actor, response=kind, business_seconds=waited, met=response.met)
    return response


@transaction.atomic
def wait_pause(*, workspace: Workspace, subject: str, subject_id: int, at: datetime) -> bool:
    """We now wait for the client: the clock stands still until the client writes."""
    wait = _locked(workspace, subject, subject_id)
    if wait is None or wait.state != WaitState.WAITING:
        return False
    WaitPause.objects.create(workspace=workspace, wait=wait, started_at=at)
    wait.state, wait.paused_at = WaitState.PAUSED, at
    wait.save(update_fields=["state", "paused_at"])
    _record(wait, "wait.paused")
    return True


@transaction.atomic
def wait_close(*, workspace: Workspace, subject: str, subject_id: int, at: datetime) -> bool:
    """The subject was closed: nothing waits any more (no response is timed)."""
    wait = _locked(workspace, subject, subject_id)
    if wait is None or wait.state == WaitState.CLOSED:
        return False
    if wait.state == WaitState.PAUSED:
        _stop_pause(wait, calendar_for(workspace), at)
    old = wait.state
    wait.state, wait.closed_at = WaitState.CLOSED, at
    wait.save(update_fields=["state", "closed_at", "paused_at"])
    _record(wait, "wait.closed", previous=old)
    return True


def wait_assign(*, workspace: Workspace, actor: User, wait: Wait, assignee: User | None) -> Wait:
    """Name who answers this wait (the first to be nudged); None: the managers."""
    permit(actor=actor, workspace=workspace, rule=CLOCK_ASSIGN)
    if wait.workspace_id != workspace.pk:
        raise Wait.DoesNotExist
    old = wait.assignee_id
    with transaction.atomic():
        wait.assignee = assignee
        wait.save(update_fields=["assignee"])
        event_record(
            workspace=workspace,
            kind="wait.assigned",
            subject=wait,
            actor=actor,
            customer_id=wait.customer_id,
            summary=wait.title,
            old={"assignee": old},
            new={"assignee": assignee.pk if assignee else None},
        )
    return wait


def due_at(calendar: BusinessCalendar, wait: Wait) -> datetime | None:
    """When the wait's target passes (None while paused: the clock stands still)."""
    if wait.state != WaitState.WAITING:
        return None
    return instant_at(calendar, wait.due_key)


def waits_rekey(
    workspace: Workspace, old: BusinessCalendar, new: BusinessCalendar, now: datetime
) -> None:
    """Carry the open waits over to a changed calendar, keeping the business time each has
    waited so far as the old calendar counted it."""
    shift = ordinal(new, now) - ordinal(old, now)
    waits = Wait.objects.for_workspace(workspace)
    waits.filter(state=WaitState.WAITING).update(
        start_key=F("start_key") + shift, due_key=F("due_key") + shift
    )
    for wait in waits.filter(state=WaitState.PAUSED).only(
        "pk", "paused_at", "start_key", "due_key"
    ):
        assert wait.paused_at is not None
        moved = ordinal(new, wait.paused_at) - ordinal(old, wait.paused_at)
        waits.filter(pk=wait.pk).update(
            start_key=F("start_key") + moved, due_key=F("due_key") + moved
        )
