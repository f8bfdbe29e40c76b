"""Campaigns (brochures and newsletters): editing, and the state machine.

States: draft -> scheduled -> sending -> finished, with sending <-> paused and cancel from
any unfinished state. What a member may ask (`CampaignAction`) is written once, in
`TRANSITIONS`: the states each action leaves and reaches, its policy rule and its service;
the web's buttons and the API's actions are read from it. Each transition checks the
current state with a conditional UPDATE and raises `CampaignStateError` otherwise, so two
clicks (or a click and the clock) cannot both move it. Pause and resume move the campaign's
queued outbox rows to cancelled and back the same way; cancel cancels them for good. What a
send puts in the outbox is `campaign_mail`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import Rule, permit
from clientela.customers.models import Tag
from clientela.mail.models import OutboxStatus
from clientela.outreach.counts import PAUSED_REPLY
from clientela.outreach.models import (
    Campaign,
    CampaignAction,
    CampaignStatus,
    CampaignVersion,
    MailingList,
)
from clientela.outreach.policy import (
    CAMPAIGN_CANCEL,
    CAMPAIGN_CREATE,
    CAMPAIGN_PAUSE,
    CAMPAIGN_RESUME,
    CAMPAIGN_SCHEDULE,
    CAMPAIGN_SEND,
    CAMPAIGN_UNSCHEDULE,
    CAMPAIGN_UPDATE,
)
from clientela.outreach.rendering import TemplateInvalid, template_check
from clientela.outreach.services.audience import audience_count
from clientela.outreach.services.campaign_mail import campaign_queue
from clientela.outreach.services.recipients import (
    AudienceChanged,
    campaign_accounted,
    campaign_rows,
)
from clientela.outreach.versions import campaign_versions, legacy_blocks
from clientela.retention.models import Segment
from clientela.timeline.services import changed_fields, event_record

CAMPAIGN_FIELDS = (
    "title",
    "kind",
    "language",
    "subject",
    "intro",
    "promotions",
    "sales",
    "changes",
    "body_text",
    "body_html",
    "holdout_percent",
    "audience_segments",
)
CONTENT_FIELDS = ("subject", "intro", "promotions", "sales", "changes", "body_text", "body_html")


class CampaignStateError(ValueError):
    """A transition asked of a campaign in a state that does not allow it."""

    def __init__(self, campaign: Campaign, action: str) -> None:
        super().__init__(f"Cannot {action} a campaign that is {campaign.status}")
        self.action = action
        self.status = campaign.status


class CampaignInvalid(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _validate(values: dict[str, Any], *, content: bool) -> None:
    if not str(values.get("title", "")).strip():
        raise CampaignInvalid("title", _("A campaign needs a title."))
    if not 0 <= int(values.get("holdout_percent", 10)) <= 50:
        raise CampaignInvalid("holdout_percent", _("The holdout must be between 0 and 50 %."))
    for promo in values.get("promotions", []):
        if not isinstance(promo, dict) or not str(promo.get("name", "")).strip():
            raise CampaignInvalid("promotions", _("Every promotion needs a name."))
    unknown = sorted(set(values.get("audience_segments", [])) - set(Segment.values))
    if unknown:
        raise CampaignInvalid(
            "audience_segments",
            _("No such segment: %(names)s.") % {"names": ", ".join(map(str, unknown))},
        )
    for sale in values.get("sales", []):
        if not isinstance(sale, dict) or str(sale.get("starts_on", "")) > str(sale.get("ends_on")):
            raise CampaignInvalid("sales", _("A sale must end on or after its start."))
    if not content:
        return  # the content is written per language (`campaign_versions`)
    try:
        template_check(
            subject=values.get("subject", ""),
            body_text=values.get("body_text", ""),
            body_html=values.get("body_html", ""),
        )
    except TemplateInvalid as exc:
        raise CampaignInvalid(exc.field, exc.message) from exc


@transaction.atomic
def campaign_save(
    *,
    workspace: Workspace,
    actor: User | None,
    campaign: Campaign | None = None,
    list_ids: list[int] | None = None,
    tag_ids: list[int] | None = None,
    **values: Any,
) -> Campaign:
    """Create (campaign=None) or edit a draft or scheduled campaign; content is validated
    like a template."""
    rule = CAMPAIGN_CREATE if campaign is None else CAMPAIGN_UPDATE
    permit(actor=actor, workspace=workspace, rule=rule)
    unknown = set(values) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise CampaignInvalid(sorted(unknown)[0], _("Unknown field"))
    if campaign is not None:
        _hold_for_edit(campaign)
    merged = {f: getattr(campaign, f) for f in CAMPAIGN_FIELDS} if campaign else {}
    merged.update(values)
    # The single-language shape (API v1): subject and text given here are the version in
    # `language`; the web's editor writes versions directly and sends none of them.
    content = bool(set(values) & set(CONTENT_FIELDS))
    _validate(merged, content=content)
    lists = _audience(workspace, MailingList, "list_ids", list_ids)
    tags = _audience(workspace, Tag, "tag_ids", tag_ids)
    if campaign is None:
        campaign = Campaign.objects.create(workspace=workspace, created_by=actor, **merged)
        event_record(
            workspace=workspace,
            actor=actor,
            kind="campaign.created",
            subject=campaign,
            summary=campaign.title,
        )
    else:
        old, new = changed_fields(campaign, values)
        if new:
            for field, value in new.items():
                setattr(campaign, field, value)
            campaign.save(update_fields=list(new))
            event_record(
                workspace=workspace,
                actor=actor,
                kind="campaign.changed",
                subject=campaign,
                old=old,
                new=new,
            )
    if content:
        _version_from_fields(campaign)
    if lists is not None:
        campaign.audience_lists.set(lists)
    if tags is not None:
        campaign.audience_tags.set(tags)
    return campaign


def _version_from_fields(campaign: Campaign) -> None:
    """Write the single-language fields into the campaign's version in its language."""
    CampaignVersion.objects.update_or_create(
        campaign=campaign,
        language=campaign.language,
        defaults={
            "subject": campaign.subject,
            "blocks": legacy_blocks(campaign),
            "body_text": campaign.body_text,
            "body_html": campaign.body_html,
            "updated_at": timezone.now(),
        },
    )


def _has_content(campaign: Campaign) -> None:
    """Refuse to send or schedule a campaign with nothing to say in any language."""
    if not any(v.blocks or v.body_text.strip() for v in campaign_versions(campaign).values()):
        raise CampaignInvalid("versions", _("Write the message first."))


def _audience(
    workspace: Workspace, model: type[MailingList] | type[Tag], field: str, ids: list[int] | None
) -> list[Any] | None:
    """The workspace's rows of `ids`; an id that is not one of them (unknown, or another
    workspace's) is refused by name rather than dropped, so the audience is what was asked."""
    if ids is None:
        return None
    found = list(model.objects.for_workspace(workspace).filter(pk__in=ids))
    missing = sorted(set(ids) - {row.pk for row in found})
    if missing:
        message = (
            _("No such mailing list: %(ids)s.")
            if model is MailingList
            else _("No such tag: %(ids)s.")
        )
        raise CampaignInvalid(field, message % {"ids": ", ".join(map(str, missing))})
    return found


EDITABLE = (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED)


def _hold_for_edit(campaign: Campaign) -> None:
    """Check the campaign is still editable and hold its row until the edit commits.

    A no-op conditional UPDATE: it locks the row (PostgreSQL) or the database (SQLite), so
    a send by the clock or another click waits for the edit and then sends the new content,
    instead of rendering the old content while the edit lands after it.
    """
    held = Campaign.objects.filter(pk=campaign.pk, status__in=EDITABLE).update(status=F("status"))
    if held != 1:
        campaign.refresh_from_db(fields=["status"])
        raise CampaignStateError(campaign, "edit")


def _move(
    campaign: Campaign,
    allowed: frozenset[str],
    target: str,
    action: str,
    actor: User | None,
    **extra: Any,
) -> Campaign:
    changed = Campaign.objects.filter(pk=campaign.pk, status__in=allowed).update(
        status=target, **extra
    )
    if changed != 1:
        campaign.refresh_from_db(fields=["status"])
        raise CampaignStateError(campaign, action)
    old = campaign.status
    campaign.refresh_from_db()
    event_record(
        workspace=campaign.workspace,
        actor=actor,
        kind=f"campaign.{action}",
        subject=campaign,
        summary=campaign.title,
        old={"status": old},
        new={"status": target},
    )
    return campaign


def _step(campaign: Campaign, action: CampaignAction, actor: User | None, **extra: Any) -> Campaign:
    """Make `action`'s move of TRANSITIONS, once its rule admits the actor."""
    transition = TRANSITIONS[action]
    permit(actor=actor, workspace=campaign.workspace, rule=transition.rule)
    return _move(campaign, transition.sources, transition.target, action.value, actor, **extra)


@transaction.atomic
def campaign_schedule(
    *, campaign: Campaign, at: datetime, actor: User | None, confirm_count: int | None = None
) -> Campaign:
    """Draft -> scheduled for `at`; the clock sends it when due (`campaigns_due`).

    `confirm_count`: the number of recipients the member was shown (AudienceChanged when the
    audience is another size now). The send at `at` reaches whoever the audience is then.
    """
    permit(actor=actor, workspace=campaign.workspace, rule=CAMPAIGN_SCHEDULE)
    _has_content(campaign)
    campaign = _step(campaign, CampaignAction.SCHEDULE, actor, scheduled_at=at)
    if confirm_count is not None:
        current = audience_count(campaign)
        if current != confirm_count:
            raise AudienceChanged(confirm_count, current)
    return campaign


@transaction.atomic
def campaign_unschedule(*, campaign: Campaign, actor: User | None) -> Campaign:
    return _step(campaign, CampaignAction.UNSCHEDULE, actor, scheduled_at=None)


@transaction.atomic
def campaign_send(
    *, campaign: Campaign, actor: User | None, confirm_count: int | None = None
) -> Campaign:
    """Draw the holdout and queue one marketing row per sent recipient, in one transaction.

    `confirm_count`: the number of recipients the member was shown and agreed to; when the
    audience is another size now, AudienceChanged and nothing is sent (the transaction,
    with the move to sending, rolls back)."""
    permit(actor=actor, workspace=campaign.workspace, rule=CAMPAIGN_SEND)
    _has_content(campaign)
    campaign = _step(campaign, CampaignAction.SEND, actor, started_at=timezone.now())
    campaign_queue(campaign, confirmed=confirm_count)
    return campaign


@transaction.atomic
def campaign_pause(*, campaign: Campaign, actor: User | None) -> Campaign:
    """Sending -> paused: its queued messages wait (cancelled, marked) until a resume, and so do
    those a sender has claimed but not yet handed to the relay: it re-checks each row before
    it goes (`mail.send`), so only the message already in flight leaves after the pause."""
    campaign = _step(campaign, CampaignAction.PAUSE, actor)
    campaign_hold_queued(campaign)
    return campaign


def campaign_hold_queued(campaign: Campaign, now: datetime | None = None) -> int:
    """Hold the waiting messages of a paused campaign; how many. The clock runs it again every
    minute: a sender that was stopped mid-batch puts the rows it did not try back in the
    queue, and those must not leave while the campaign is paused."""
    return _take_back(campaign, status=OutboxStatus.CANCELLED, reply=PAUSED_REPLY, now=now)


def _take_back(campaign: Campaign, *, status: str, reply: str | None, now: datetime | None) -> int:
    """Move the campaign's queued rows, and the claimed ones not yet in flight, to `status`.
    A claimed row's attempt was counted at the claim but never made: it is given back. A row
    left in flight by a sender that died (its lease ran out) may or may not have left; it is
    taken back too rather than sent by the next sender, as a queued row would be."""
    rows = campaign_rows(campaign)
    done: dict[str, Any] = {"status": status, "lease_until": None, "leased_by": ""}
    if reply is not None:
        done["last_smtp_reply"] = reply
    taken = rows.filter(status=OutboxStatus.QUEUED).update(**done)
    claimed = rows.filter(status=OutboxStatus.SENDING)
    taken += claimed.filter(in_flight=False).update(**done, attempts=F("attempts") - 1)
    lost = claimed.filter(in_flight=True, lease_until__lt=now or timezone.now())
    taken += lost.update(**done, in_flight=False)
    return int(taken)


@transaction.atomic
def campaign_resume(*, campaign: Campaign, actor: User | None) -> Campaign:
    campaign = _step(campaign, CampaignAction.RESUME, actor)
    campaign_rows(campaign).filter(
        status=OutboxStatus.CANCELLED, last_smtp_reply=PAUSED_REPLY
    ).update(status=OutboxStatus.QUEUED, last_smtp_reply="")
    return campaign


@transaction.atomic
def campaign_cancel(*, campaign: Campaign, actor: User | None) -> Campaign:
    campaign = _step(campaign, CampaignAction.CANCEL, actor, finished_at=timezone.now())
    _take_back(campaign, status=OutboxStatus.CANCELLED, reply=None, now=None)
    campaign_rows(campaign).filter(last_smtp_reply=PAUSED_REPLY).update(last_smtp_reply="")
    return campaign


def campaign_finish_if_done(*, campaign: Campaign) -> bool:
    """Sending -> finished once every recipient is accounted for. "No row queued" is not
    enough: a recipient whose row is missing, or still being sent, would be lost silently.
    The system's move, never a member's: no action of TRANSITIONS."""
    accounted, recipients = campaign_accounted(campaign)
    if accounted != recipients:
        return False
    try:
        _move(
            campaign,
            frozenset({CampaignStatus.SENDING}),
            CampaignStatus.FINISHED,
            "finish",
            None,
            finished_at=timezone.now(),
        )
    except CampaignStateError:
        return False
    return True


def campaigns_due(*, now: datetime) -> list[Campaign]:
    return list(Campaign.objects.filter(status=CampaignStatus.SCHEDULED, scheduled_at__lte=now))


# The actions, by name ------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """What one CampaignAction does: the states it may leave, the state it reaches, the rule
    of who may ask for it, the service that does it, and whether it needs a time (`at`)."""

    sources: frozenset[CampaignStatus]
    target: CampaignStatus
    rule: Rule
    service: Callable[..., Campaign]
    needs_time: bool = False
    # Asked of a member only with the number of recipients they were shown (no one-click send).
    needs_count: bool = False


_UNFINISHED = frozenset(
    {CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.SENDING, CampaignStatus.PAUSED}
)
# In CampaignAction's order, which is the order of the buttons.
TRANSITIONS: dict[CampaignAction, Transition] = {
    CampaignAction.SEND: Transition(
        frozenset({CampaignStatus.DRAFT, CampaignStatus.SCHEDULED}),
        CampaignStatus.SENDING,
        CAMPAIGN_SEND,
        campaign_send,
        needs_count=True,
    ),
    CampaignAction.SCHEDULE: Transition(
        frozenset({CampaignStatus.DRAFT}),
        CampaignStatus.SCHEDULED,
        CAMPAIGN_SCHEDULE,
        campaign_schedule,
        needs_time=True,
        needs_count=True,
    ),
    CampaignAction.UNSCHEDULE: Transition(
        frozenset({CampaignStatus.SCHEDULED}),
        CampaignStatus.DRAFT,
        CAMPAIGN_UNSCHEDULE,
        campaign_unschedule,
    ),
    CampaignAction.PAUSE: Transition(
        frozenset({CampaignStatus.SENDING}), CampaignStatus.PAUSED, CAMPAIGN_PAUSE, campaign_pause
    ),
    CampaignAction.RESUME: Transition(
        frozenset({CampaignStatus.PAUSED}), CampaignStatus.SENDING, CAMPAIGN_RESUME, campaign_resume
    ),
    CampaignAction.CANCEL: Transition(
        _UNFINISHED, CampaignStatus.CANCELLED, CAMPAIGN_CANCEL, campaign_cancel
    ),
}


def campaign_actions(status: CampaignStatus | str) -> list[CampaignAction]:
    """The actions a campaign in `status` allows, in the order of the buttons."""
    return [action for action, move in TRANSITIONS.items() if status in move.sources]


def campaign_act(
    *,
    campaign: Campaign,
    action: CampaignAction | str,
    actor: User | None,
    at: datetime | None = None,
    confirm_count: int | None = None,
) -> Campaign:
    """Do the action named `action` (ValueError for no such name) through its service.

    `at` is when to send, for the action that needs a time (CampaignInvalid on `at` without
    one); the others ignore it. Sending and scheduling, the actions that mail customers,
    need `confirm_count`, the number of recipients the member confirmed (CampaignInvalid
    without it, AudienceChanged when the audience is another size now).
    """
    transition = TRANSITIONS[CampaignAction(action)]
    extra: dict[str, Any] = {}
    if transition.needs_time:
        if at is None:
            raise CampaignInvalid("at", _("Give the date and time to send at."))
        extra["at"] = at
    if transition.needs_count:
        # The role first: a member who may not send learns that, not what to confirm.
        permit(actor=actor, workspace=campaign.workspace, rule=transition.rule)
        if confirm_count is None:
            raise CampaignInvalid("confirm_count", _("Confirm the number of customers it goes to."))
        extra["confirm_count"] = confirm_count
    return transition.service(campaign=campaign, actor=actor, **extra)
