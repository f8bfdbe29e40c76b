"""Escalating nudges: a wait past its target is told to its assignee (or, with none, to the
managers); past the target plus the workspace's escalation delay, to the managers as well.

Run by the clock job `inbox.clock_escalate` (registered in `apps.py`). Each step of each round
of a wait is claimed once: a conditional UPDATE moves the wait's `escalation_level` from the
level below, the unique (wait, round, level) nudge row and the outbox's dedup keys stop a
second sweep, or a second worker, from telling anyone twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clientela.accounts.models import Membership, Role, User, Workspace
from clientela.accounts.scoping import settings_for
from clientela.inbox.models import ClockSettings, Wait, WaitNudge, WaitState
from clientela.inbox.services.clock import calendar_for
from clientela.inbox.stats.business import ordinal
from clientela.mail.models import OutboxKind
from clientela.mail.services import OutboxDraft, outbox_enqueue_many
from clientela.timeline.services import event_record

# A sweep handles at most this many waits per workspace and level; the next sweep goes on.
BATCH = 500


@dataclass(frozen=True)
class EscalationCounts:
    nudged: int = 0
    mails: int = 0


def _managers(workspace: Workspace) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            workspace=workspace, role__in=[Role.OWNER, Role.MANAGER], user__is_active=True
        ).select_related("user")
    ]


def _recipients(wait: Wait, level: int) -> list[User]:
    managers = _managers(wait.workspace)
    if level == 1:
        assignee = wait.assignee
        return [assignee] if assignee is not None and assignee.is_active else managers
    return managers


def _draft(wait: Wait, level: int, user: User, waited_minutes: int) -> OutboxDraft:
    with translation.override(user.language or "en"):
        subject = _("A client is waiting: %(title)s") % {"title": wait.title}
        lines = [
            _("A client has waited %(minutes)s business minutes for an answer.")
            % {"minutes": waited_minutes},
            _("The target was %(target)s business minutes.")
            % {"target": wait.target_seconds // 60},
        ]
        if level > 1:
            lines.append(_("The person it was assigned to has been told already."))
        if wait.url:
            lines.append(_("Answer it here: %(url)s") % {"url": wait.url})
    return OutboxDraft(
        to_address=user.email,
        to_name=user.name,
        subject=subject,
        body_text="\n\n".join(lines) + "\n",
        kind=OutboxKind.TRANSACTIONAL,
        source_type="inbox.nudge",
        source_id=wait.pk,
        dedup_key=f"inbox.nudge:{wait.pk}:{wait.round}:{level}:{user.pk}",
        language=user.language or "en",
    )


def _nudge(wait: Wait, level: int, now_key: int) -> int:
    """Claim and send step `level` of the wait's round; the mails written, -1 when another
    sweep claimed it first."""
    with transaction.atomic():
        claimed = Wait.objects.filter(
            pk=wait.pk, state=WaitState.WAITING, round=wait.round, escalation_level=level - 1
        ).update(escalation_level=level)
        if claimed != 1:
            return -1
        recipients = _recipients(wait, level)
        try:
            with transaction.atomic():
                WaitNudge.objects.create(
                    workspace=wait.workspace,
                    wait=wait,
                    round=wait.round,
                    level=level,
                    recipients=len(recipients),
                )
        except IntegrityError:
            return -1
        waited = (now_key - wait.start_key) // 60
        mails = outbox_enqueue_many(
            workspace=wait.workspace,
            drafts=[_draft(wait, level, user, waited) for user in recipients],
        )
        event_record(
            workspace=wait.workspace,
            kind="wait.escalated",
            subject=wait,
            customer_id=wait.customer_id,
            summary=wait.title,
            old={"level": level - 1},
            new={"level": level, "recipients": len(recipients), "waited_minutes": waited},
        )
    return mails


def clock_escalate_workspace(workspace: Workspace, *, now: datetime) -> EscalationCounts:
    clock = settings_for(ClockSettings, workspace)
    now_key = ordinal(calendar_for(workspace, clock), now)
    later = clock.escalate_after_minutes * 60
    running = Wait.objects.for_workspace(workspace).filter(state=WaitState.WAITING)
    nudged = mails = 0
    steps = (
        (1, running.filter(escalation_level=0, due_key__lte=now_key)),
        (2, running.filter(escalation_level=1, due_key__lte=now_key - later)),
    )
    # One step per wait and sweep: a wait far past its target is not told twice at once.
    stepped: set[int] = set()
    for level, due in steps:
        for wait in (
            due.exclude(pk__in=stepped)
            .select_related("assignee", "workspace")
            .order_by("due_key")[:BATCH]
        ):
            sent = _nudge(wait, level, now_key)
            if sent >= 0:
                nudged += 1
                stepped.add(wait.pk)
            mails += max(sent, 0)
    return EscalationCounts(nudged=nudged, mails=mails)


def clock_escalate(*, now: datetime | None = None) -> EscalationCounts:
    """One sweep over every workspace with a client waiting."""
    now = now or timezone.now()
    nudged = mails = 0
    ids = Wait.objects.filter(state=WaitState.WAITING).values_list("workspace_id", flat=True)
    for workspace in Workspace.objects.filter(pk__in=ids.distinct()).order_by("pk"):
        counts = clock_escalate_workspace(workspace, now=now)
        nudged += counts.nudged
        mails += counts.mails
    return EscalationCounts(nudged=nudged, mails=mails)
