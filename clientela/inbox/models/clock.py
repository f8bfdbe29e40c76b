"""The waiting clock's tables: one `Wait` per thing a client waits on (a conversation, later a
complaint case or a question on a quote), its pauses, the responses it timed and the nudges it
sent; the workspace's business hours, holidays and targets.

Time waited is business time. Each wait keeps `start_key`: the business ordinal
(`clientela.inbox.stats.business.ordinal`) of its start plus the open seconds it spent paused,
so "waited" is `ordinal(now) - start_key` for every running wait of a workspace, and the
"who is waiting" list is an index scan on (workspace, state, start_key) with no arithmetic per
row. `due_key` (start_key + target) lets the escalation sweep compare in the same way.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.accounts.scoping import WorkspaceScoped, WorkspaceSettings


def office_hours() -> list[list[list[int]]]:
    """Monday to Friday 09:00-17:00, in minutes from local midnight."""
    return [[[540, 1020]]] * 5 + [[], []]


class ClockSettings(WorkspaceSettings):
    """When the shop answers and how fast it means to; a workspace without a row reads these
    defaults (through `settings_for`)."""

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="clock_settings"
    )
    # Seven lists (Monday first) of [start, end) minutes from local midnight.
    hours = models.JSONField(default=office_hours)
    # Built-in public holidays ("RO"), or "" for none.
    holiday_country = models.CharField(max_length=2, default="RO", blank=True)
    # ISO dates the shop adds to, or removes from, the built-in holidays.
    holidays_added = models.JSONField(default=list, blank=True)
    holidays_removed = models.JSONField(default=list, blank=True)
    # The target of every wait no `ClockTarget` matches, in business minutes.
    default_target_minutes = models.PositiveIntegerField(default=240)
    # Business minutes past the due time before the managers are told too.
    escalate_after_minutes = models.PositiveIntegerField(default=60)


class ClockTarget(WorkspaceScoped):
    """A response target for waits on one channel and/or from one customer group (a retention
    segment); blank matches any. The most specific match wins (see `clock.target_for`)."""

    channel = models.CharField(max_length=20, blank=True)
    segment = models.CharField(max_length=20, blank=True)
    minutes = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "channel", "segment"], name="clock_target_unique"
            )
        ]


class WaitState(models.TextChoices):
    WAITING = "waiting", _("Waiting for us")
    PAUSED = "paused", _("Waiting for the client")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_STATES = (WaitState.WAITING, WaitState.PAUSED)


class Wait(WorkspaceScoped):
    subject = models.CharField(max_length=30)
    subject_id = models.BigIntegerField()
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=500, blank=True)
    # Who is expected to answer (told first when the target passes); blank: the managers.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The retention segment the customer was in when the wait began.
    segment = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=10, choices=WaitState.choices)
    # Each new message after an answer starts a new round; the first round times the first
    # response, the others the next responses.
    round = models.PositiveIntegerField(default=1)
    first_started_at = models.DateTimeField()
    started_at = models.DateTimeField()
    start_key = models.BigIntegerField()
    target_seconds = models.PositiveIntegerField()
    due_key = models.BigIntegerField()
    paused_at = models.DateTimeField(null=True, blank=True)
    # 0 none yet, 1 the assignee (or managers) told, 2 the managers told.
    escalation_level = models.PositiveSmallIntegerField(default=0)
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_seconds = models.PositiveIntegerField(null=True, blank=True)
    last_answered_at = models.DateTimeField(null=True, blank=True)
    last_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responses = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "subject", "subject_id"], name="wait_subject_unique"
            )
        ]
        indexes = [
            # The "who is waiting" list: longest business wait first.
            models.Index(fields=["workspace", "state", "start_key"], name="wait_ws_state_key"),
            # The escalation sweep and the overdue count: running waits past their due key.
            # Not a partial index: SQLite uses one only when the query spells the condition
            # as a literal, and Django passes the state as a parameter.
            models.Index(fields=["workspace", "state", "due_key"], name="wait_due"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.subject_id}: {self.state}"


class WaitPause(WorkspaceScoped):
    """A stretch during which we waited for the client and the clock stood still."""

    wait = models.ForeignKey(Wait, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    business_seconds = models.PositiveIntegerField(null=True, blank=True)


class ResponseKind(models.TextChoices):
    FIRST = "first", _("First response")
    NEXT = "next", _("Next response")


class WaitResponse(WorkspaceScoped):
    """One answer timed by the clock: the row the response-time reports read."""

    wait = models.ForeignKey(Wait, on_delete=models.CASCADE, related_name="timed_responses")
    kind = models.CharField(max_length=5, choices=ResponseKind.choices)
    channel = models.CharField(max_length=20)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    asked_at = models.DateTimeField()
    answered_at = models.DateTimeField()
    business_seconds = models.PositiveIntegerField()
    target_seconds = models.PositiveIntegerField()
    met = models.BooleanField()
    # The Monday of the answer's week, in the workspace's time zone.
    week = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["workspace", "answered_at"], name="wait_response_ws_at")]


class WaitNudge(WorkspaceScoped):
    """One escalation step of one round of a wait; unique so a second sweep sends nothing."""

    wait = models.ForeignKey(Wait, on_delete=models.CASCADE, related_name="nudges")
    round = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField()
    recipients = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wait", "round", "level"], name="wait_nudge_unique")
        ]
