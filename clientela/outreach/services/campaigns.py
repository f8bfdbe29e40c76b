"""Campaigns (brochures and newsletters): editing, the state machine, sending with a holdout.

States: draft -> scheduled -> sending -> finished, with sending <-> paused and cancel from
any unfinished state. Each transition checks the current state with a conditional UPDATE and
raises `CampaignStateError` otherwise, so two clicks (or a click and the clock) cannot both
move it. Pause and resume move the campaign's queued outbox rows to cancelled and back the
same way; cancel cancels them for good.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.customers.models import Customer
from clientela.customers.normalize import normalize_email
from clientela.mail.models import Outbox, OutboxKind, OutboxStatus
from clientela.mail.services import outbox_enqueue, outbox_enqueue_many
from clientela.mail.tasks import outbox_wake
from clientela.mail.verp import unsubscribe_url
from clientela.outreach.models import Campaign, CampaignRecipient, CampaignStatus, Group
from clientela.outreach.rendering import Rendered, TemplateInvalid, template_check
from clientela.outreach.services.drafts import outbox_draft
from clientela.outreach.services.recipients import (
    campaign_accounted,
    campaign_audience,
    campaign_rows,
)
from clientela.outreach.services.templates import (
    message_context,
    recipient_for_test,
    render_message,
)
from clientela.outreach.stats.holdout import holdout_split
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
# Stands for the unsubscribe link until the row has the id its token signs. A private-use
# character, never typed by anyone, and unlike NUL storable in PostgreSQL text.
_MARK = "\ue000unsubscribe\ue000"
# Rows paused by a campaign pause carry this, so resume restores only those.
PAUSED_REPLY = "paused with its campaign"


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


def campaign_context(campaign: Campaign) -> dict[str, Any]:
    return {
        "title": campaign.title,
        "intro": campaign.intro,
        "promotions": list(campaign.promotions),
        "sales": list(campaign.sales),
        "changes": campaign.changes,
    }


def _validate(values: dict[str, Any]) -> None:
    if not str(values.get("title", "")).strip():
        raise CampaignInvalid("title", _("A campaign needs a title."))
    if not 0 <= int(values.get("holdout_percent", 10)) <= 50:
        raise CampaignInvalid("holdout_percent", _("The holdout must be between 0 and 50 %."))
    for promo in values.get("promotions", []):
        if not isinstance(promo, dict) or not str(promo.get("name", "")).strip():
            raise CampaignInvalid("promotions", _("Every promotion needs a name."))
    for sale in values.get("sales", []):
        if not isinstance(sale, dict) or str(sale.get("starts_on", "")) > str(sale.get("ends_on")):
            raise CampaignInvalid("sales", _("A sale must end on or after its start."))
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
    unknown = set(values) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise CampaignInvalid(sorted(unknown)[0], _("Unknown field"))
    if campaign is not None:
        _hold_for_edit(campaign)
    merged = {f: getattr(campaign, f) for f in CAMPAIGN_FIELDS} if campaign else {}
    merged.update(values)
    _validate(merged)
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
    if list_ids is not None:
        campaign.audience_lists.set(
            campaign.audience_lists.model.objects.for_workspace(workspace).filter(pk__in=list_ids)
        )
    if tag_ids is not None:
        campaign.audience_tags.set(
            campaign.audience_tags.model.objects.for_workspace(workspace).filter(pk__in=tag_ids)
        )
    return campaign


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


def campaign_render(campaign: Campaign, customer: Customer, unsubscribe: str) -> Rendered:
    context = message_context(
        workspace=campaign.workspace,
        customer=customer,
        unsubscribe_url=unsubscribe,
        campaign=campaign_context(campaign),
    )
    return render_message(
        subject=campaign.subject,
        body_text=campaign.body_text,
        body_html=campaign.body_html,
        context=context,
    )


def _move(
    campaign: Campaign,
    allowed: set[str],
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


@transaction.atomic
def campaign_schedule(*, campaign: Campaign, at: datetime, actor: User | None) -> Campaign:
    return _move(
        campaign,
        {CampaignStatus.DRAFT},
        CampaignStatus.SCHEDULED,
        "schedule",
        actor,
        scheduled_at=at,
    )


@transaction.atomic
def campaign_unschedule(*, campaign: Campaign, actor: User | None) -> Campaign:
    return _move(
        campaign,
        {CampaignStatus.SCHEDULED},
        CampaignStatus.DRAFT,
        "unschedule",
        actor,
        scheduled_at=None,
    )


@transaction.atomic
def campaign_send(*, campaign: Campaign, actor: User | None) -> Campaign:
    """Draw the holdout and queue one marketing row per sent recipient, in one transaction."""
    campaign = _move(
        campaign,
        {CampaignStatus.DRAFT, CampaignStatus.SCHEDULED},
        CampaignStatus.SENDING,
        "send",
        actor,
        started_at=timezone.now(),
    )
    audience = {c.pk: c for c in campaign_audience(campaign)}
    address = {pk: normalize_email(c.email) for pk, c in audience.items()}
    sent, held = holdout_split(list(audience), campaign.holdout_percent, seed=campaign.pk)
    drafts = [
        outbox_draft(
            customer=audience[pk],
            address=address[pk],
            kind=OutboxKind.MARKETING,
            source_type="campaign",
            source_id=campaign.pk,
            dedup_key=f"campaign:{campaign.pk}:{pk}",
            message=campaign_render(campaign, audience[pk], _MARK),
            language=campaign.language,
            headers={"X-Clientela-Campaign": str(campaign.pk)},
        )
        for pk in sent
    ]
    outbox_enqueue_many(workspace=campaign.workspace, drafts=drafts)
    saved = {
        row.customer_id: row
        for row in Outbox.objects.filter(
            workspace=campaign.workspace, source_type="campaign", source_id=campaign.pk
        )
    }
    for row in saved.values():
        url = unsubscribe_url(row.pk)
        row.body_text = row.body_text.replace(_MARK, url)
        row.body_html = row.body_html.replace(_MARK, url)
    Outbox.objects.bulk_update(list(saved.values()), ["body_text", "body_html"], batch_size=1000)
    outbox_wake()
    CampaignRecipient.objects.bulk_create(
        [
            CampaignRecipient(
                campaign=campaign,
                customer_id=pk,
                group=Group.SENT,
                address=address[pk],
                outbox_id=saved[pk].pk,
            )
            for pk in sent
        ]
        + [
            CampaignRecipient(
                campaign=campaign, customer_id=pk, group=Group.HOLDOUT, address=address[pk]
            )
            for pk in held
        ],
        batch_size=1000,
    )
    return campaign


@transaction.atomic
def campaign_pause(*, campaign: Campaign, actor: User | None) -> Campaign:
    campaign = _move(campaign, {CampaignStatus.SENDING}, CampaignStatus.PAUSED, "pause", actor)
    campaign_rows(campaign).filter(status=OutboxStatus.QUEUED).update(
        status=OutboxStatus.CANCELLED, last_smtp_reply=PAUSED_REPLY
    )
    return campaign


@transaction.atomic
def campaign_resume(*, campaign: Campaign, actor: User | None) -> Campaign:
    campaign = _move(campaign, {CampaignStatus.PAUSED}, CampaignStatus.SENDING, "resume", actor)
    campaign_rows(campaign).filter(
        status=OutboxStatus.CANCELLED, last_smtp_reply=PAUSED_REPLY
    ).update(status=OutboxStatus.QUEUED, last_smtp_reply="")
    return campaign


@transaction.atomic
def campaign_cancel(*, campaign: Campaign, actor: User | None) -> Campaign:
    campaign = _move(
        campaign,
        {
            CampaignStatus.DRAFT,
            CampaignStatus.SCHEDULED,
            CampaignStatus.SENDING,
            CampaignStatus.PAUSED,
        },
        CampaignStatus.CANCELLED,
        "cancel",
        actor,
        finished_at=timezone.now(),
    )
    campaign_rows(campaign).filter(status=OutboxStatus.QUEUED).update(status=OutboxStatus.CANCELLED)
    campaign_rows(campaign).filter(last_smtp_reply=PAUSED_REPLY).update(last_smtp_reply="")
    return campaign


def campaign_finish_if_done(*, campaign: Campaign) -> bool:
    """Sending -> finished once every recipient is accounted for. "No row queued" is not
    enough: a recipient whose row is missing, or still being sent, would be lost silently."""
    accounted, recipients = campaign_accounted(campaign)
    if accounted != recipients:
        return False
    try:
        _move(
            campaign,
            {CampaignStatus.SENDING},
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


def campaign_preview(*, campaign: Campaign, customer: Customer) -> Rendered:
    return campaign_render(campaign, customer, f"{settings.SITE_URL}/u/preview/")


@transaction.atomic
def campaign_test_send(*, campaign: Campaign, actor: User) -> Outbox:
    """Queue the campaign, rendered for the acting user, to their own address."""
    recipient = recipient_for_test(
        workspace=campaign.workspace, actor=actor, language=campaign.language
    )
    rendered = campaign_preview(campaign=campaign, customer=recipient)
    draft = outbox_draft(
        customer=None,
        address=recipient.email,
        kind=OutboxKind.TRANSACTIONAL,
        source_type="campaign_test",
        source_id=campaign.pk,
        dedup_key=f"campaign_test:{campaign.pk}:{timezone.now().timestamp()}",
        message=Rendered(f"[TEST] {rendered.subject}", rendered.body_text, rendered.body_html),
        language=campaign.language,
    )
    row = outbox_enqueue(workspace=campaign.workspace, draft=draft)
    assert row is not None  # the key carries a timestamp: never a repeat
    outbox_wake()
    event_record(
        workspace=campaign.workspace,
        actor=actor,
        kind="campaign.test_sent",
        subject=campaign,
        summary=actor.email,
    )
    return row


def campaign_pdf(*, campaign: Campaign) -> bytes:
    """The brochure as a printable PDF: intro, promotions, sales and changes."""
    from weasyprint import HTML  # imported late: loading Pango is slow

    html = render_to_string(
        "outreach/pdf/brochure.html", {"campaign": campaign, "workspace": campaign.workspace}
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
