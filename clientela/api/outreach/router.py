"""Outreach: automations' settings and figures, templates, campaigns, letters, lists; the
printable documents (a campaign's brochure, the letters to write) are in `documents`."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import HttpError

from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.errors import OBJECT_READ, OBJECT_WRITE, READ, WRITE, responses, unprocessable
from clientela.api.openapi import keep_operation_ids
from clientela.api.outreach import documents
from clientela.api.outreach.schemas import (
    AudienceOut,
    AutomationsOut,
    AutomationsPatch,
    CampaignDetailOut,
    CampaignIn,
    CampaignOut,
    CampaignPage,
    CampaignPatch,
    LetterFilters,
    LetterOut,
    LetterPage,
    ListIn,
    ListOut,
    ListPage,
    PreviewOut,
    PreviewQuery,
    QueuedOut,
    SubscriptionFilters,
    SubscriptionPage,
    TemplateIn,
    TemplateOut,
    TemplatePage,
    TemplatePatch,
    TestSendIn,
    TransitionIn,
)
from clientela.api.pagination import PageParams, page_of
from clientela.api.types import QueryId
from clientela.customers.models import Customer
from clientela.outreach import reports
from clientela.outreach.models import (
    Automation,
    Campaign,
    CampaignAction,
    HandwrittenLetter,
    MailingList,
    MessageTemplate,
)
from clientela.outreach.policy import (
    AUTOMATIONS_UPDATE,
    CAMPAIGN_CREATE,
    CAMPAIGN_TEST_SEND,
    CAMPAIGN_UPDATE,
    LETTER_DONE,
    MAILING_LIST_CREATE,
    TEMPLATE_CREATE,
    TEMPLATE_TEST_SEND,
    TEMPLATE_UPDATE,
)
from clientela.outreach.rendering import TemplateInvalid
from clientela.outreach.services import automations as automation_services
from clientela.outreach.services import campaign_mail
from clientela.outreach.services import campaigns as campaign_services
from clientela.outreach.services import letters as letter_services
from clientela.outreach.services import lists as list_services
from clientela.outreach.services.audience import audience_summary
from clientela.outreach.services.recipients import AudienceChanged
from clientela.outreach.services.templates import (
    template_preview,
    template_save,
    template_test_send,
)
from clientela.outreach.stats.uplift import Uplift

router = Router(tags=["outreach"])


# -- automations ---------------------------------------------------------------------------


def _uplift(value: Uplift | None) -> dict[str, Any] | None:
    return value.__dict__ if value is not None else None


def _automations(request: HttpRequest) -> dict[str, Any]:
    workspace = workspace_of(request)
    current = automation_services.automations_get(workspace)
    fields = automation_services.DELIVERY_FIELDS + automation_services.OWN_FIELDS
    now = timezone.now()
    figures = {}
    for kind in (Automation.THANK_YOU, Automation.WIN_BACK):
        report = reports.automation_uplift_report(workspace, kind, now=now)
        counts = reports.automation_counts(workspace, kind)
        figures[kind.value] = {
            **counts.as_dict(),
            "holdout": counts.held_out,
            "uplift": _uplift(report.uplift),
            "uplift_ready_at": report.ready_at,
        }
    return {**{f: current.value(f) for f in fields}, **figures}


@router.get(
    "/automations",
    response={200: AutomationsOut, **READ},
    summary="Thank-you and win-back settings with their sent/holdout figures",
)
def automations_read(request: HttpRequest) -> dict[str, Any]:
    return _automations(request)


@router.patch(
    "/automations", response={200: AutomationsOut, **WRITE}, summary="Change automation settings"
)
def automations_patch(request: HttpRequest, payload: AutomationsPatch) -> dict[str, Any]:
    require(request, AUTOMATIONS_UPDATE)
    try:
        automation_services.automations_update(
            workspace=workspace_of(request),
            actor=actor_of(request),
            **payload.model_dump(exclude_unset=True),
        )
    except automation_services.SettingsInvalid as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return _automations(request)


# -- templates -----------------------------------------------------------------------------


@router.get("/templates", response={200: TemplatePage, **READ}, summary="List templates")
def template_list(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(MessageTemplate.objects.for_workspace(workspace_of(request)), params)


@router.post(
    "/templates",
    response={201: TemplateOut, **WRITE},
    summary="Create a template; refused (422) if a variable is unknown",
)
def template_create(request: HttpRequest, payload: TemplateIn) -> Status[MessageTemplate]:
    require(request, TEMPLATE_CREATE)
    try:
        template = template_save(
            workspace=workspace_of(request), actor=actor_of(request), **payload.model_dump()
        )
    except TemplateInvalid as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return Status(201, template)


def _template(request: HttpRequest, template_id: int) -> MessageTemplate:
    workspace = workspace_of(request)
    return get_object_or_404(MessageTemplate.objects.for_workspace(workspace), pk=template_id)


@router.patch(
    "/templates/{template_id}",
    response={200: TemplateOut, **OBJECT_WRITE},
    summary="Change a template; refused (422) if a variable is unknown",
)
def template_update(
    request: HttpRequest, template_id: Path[QueryId], payload: TemplatePatch
) -> MessageTemplate:
    require(request, TEMPLATE_UPDATE)
    template = _template(request, template_id)
    try:
        return template_save(
            workspace=template.workspace,
            actor=actor_of(request),
            template=template,
            **payload.model_dump(exclude_unset=True),
        )
    except TemplateInvalid as exc:
        raise unprocessable(exc.field, exc.message) from exc


def _customer_in(request: HttpRequest, customer_id: int | None) -> Customer | None:
    """The chosen customer of the caller's workspace; another's is refused as input."""
    if customer_id is None:
        return None
    found = Customer.objects.for_workspace(workspace_of(request)).filter(pk=customer_id).first()
    if found is None:
        raise unprocessable("customer_id", _("No such customer."))
    return cast("Customer | None", found)


@router.post(
    "/templates/{template_id}/test",
    response={202: QueuedOut, **OBJECT_WRITE},
    summary="Queue a test to the caller's own address, rendered for a customer or the caller",
)
def template_test(
    request: HttpRequest, template_id: Path[QueryId], payload: TestSendIn
) -> Status[dict[str, Any]]:
    require(request, TEMPLATE_TEST_SEND)
    template = _template(request, template_id)
    row = template_test_send(
        template=template,
        customer=_customer_in(request, payload.customer_id),
        actor=actor_of(request),
    )
    return Status(202, {"outbox_id": row.pk, "to_address": row.to_address})


@router.get(
    "/templates/{template_id}/preview",
    response={200: PreviewOut, **OBJECT_READ},
    summary="Render a template for a real customer of the workspace",
)
def template_preview_endpoint(
    request: HttpRequest, template_id: Path[QueryId], query: Query[PreviewQuery]
) -> dict[str, Any]:
    workspace = workspace_of(request)
    template = get_object_or_404(MessageTemplate.objects.for_workspace(workspace), pk=template_id)
    customer = get_object_or_404(Customer.objects.for_workspace(workspace), pk=query.customer_id)
    try:
        rendered = template_preview(template=template, customer=customer)
    except TemplateInvalid as exc:
        raise unprocessable(exc.field, exc.message, source="query") from exc
    return {"customer_id": customer.pk, **rendered.__dict__}


# -- campaigns -----------------------------------------------------------------------------


def _campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    return get_object_or_404(Campaign.objects.for_workspace(workspace_of(request)), pk=campaign_id)


_CAMPAIGN_COLUMNS = [
    *CampaignOut.model_fields,
    *("intro", "promotions", "sales", "changes", "body_text", "body_html", "audience_segments"),
]


def _report(campaign: Campaign) -> dict[str, Any]:
    report = reports.campaign_send_report(campaign)
    return {**report.__dict__, "messages": report.messages.as_dict()}


def _campaign_detail(campaign: Campaign) -> dict[str, Any]:
    uplift = reports.campaign_uplift_report(campaign, now=timezone.now())
    return {
        **{f: getattr(campaign, f) for f in _CAMPAIGN_COLUMNS},
        "list_ids": sorted(campaign.audience_lists.values_list("pk", flat=True)),
        "tag_ids": sorted(campaign.audience_tags.values_list("pk", flat=True)),
        "report": _report(campaign),
        "uplift": _uplift(uplift.uplift),
        "uplift_ready_at": uplift.ready_at,
        "uplift_days": uplift.days,
    }


@router.get("/campaigns", response={200: CampaignPage, **READ}, summary="List campaigns")
def campaign_list(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(Campaign.objects.for_workspace(workspace_of(request)), params)


@router.post("/campaigns", response={201: CampaignOut, **WRITE}, summary="Create a draft")
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    require(request, CAMPAIGN_CREATE)
    values = payload.model_dump()
    try:
        campaign = campaign_services.campaign_save(
            workspace=workspace_of(request), actor=actor_of(request), **values
        )
    except campaign_services.CampaignInvalid as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return Status(201, campaign)


@router.get(
    "/campaigns/{campaign_id}",
    response={200: CampaignDetailOut, **OBJECT_READ},
    summary="A campaign with its send report and uplift",
)
def campaign_read(request: HttpRequest, campaign_id: Path[QueryId]) -> dict[str, Any]:
    return _campaign_detail(_campaign(request, campaign_id))


@router.patch(
    "/campaigns/{campaign_id}",
    response={200: CampaignDetailOut, **OBJECT_WRITE, **responses(409)},
    summary="Edit a draft or scheduled campaign; 409 once it is sending or done",
)
def campaign_update(
    request: HttpRequest, campaign_id: Path[QueryId], payload: CampaignPatch
) -> dict[str, Any]:
    require(request, CAMPAIGN_UPDATE)
    campaign = _campaign(request, campaign_id)
    try:
        campaign_services.campaign_save(
            workspace=campaign.workspace,
            actor=actor_of(request),
            campaign=campaign,
            **payload.model_dump(exclude_unset=True),
        )
    except campaign_services.CampaignInvalid as exc:
        raise unprocessable(exc.field, exc.message) from exc
    except campaign_services.CampaignStateError as exc:
        raise HttpError(409, str(exc)) from exc
    return _campaign_detail(_campaign(request, campaign_id))


@router.get(
    "/campaigns/{campaign_id}/preview",
    response={200: PreviewOut, **OBJECT_READ},
    summary="Render a campaign for a real customer of the workspace",
)
def campaign_preview(
    request: HttpRequest, campaign_id: Path[QueryId], query: Query[PreviewQuery]
) -> dict[str, Any]:
    campaign = _campaign(request, campaign_id)
    customer = get_object_or_404(
        Customer.objects.for_workspace(campaign.workspace), pk=query.customer_id
    )
    try:
        rendered = campaign_mail.campaign_preview(campaign=campaign, customer=customer)
    except TemplateInvalid as exc:
        raise unprocessable(exc.field, exc.message, source="query") from exc
    return {"customer_id": customer.pk, **rendered.__dict__}


@router.post(
    "/campaigns/{campaign_id}/transitions",
    response={200: CampaignDetailOut, **OBJECT_WRITE, **responses(409)},
    summary="Send, schedule, pause, resume or cancel; 409 if the state forbids it",
)
def campaign_transition(
    request: HttpRequest, campaign_id: Path[QueryId], payload: TransitionIn
) -> dict[str, Any]:
    action = CampaignAction(payload.action)
    require(request, campaign_services.TRANSITIONS[action].rule)
    campaign = _campaign(request, campaign_id)
    try:
        campaign_services.campaign_act(
            campaign=campaign,
            action=action,
            actor=actor_of(request),
            at=payload.at,
            confirm_count=payload.confirm_count,
        )
    except campaign_services.CampaignInvalid as exc:
        raise unprocessable(exc.field, exc.message) from exc
    except campaign_services.CampaignStateError as exc:
        raise HttpError(409, str(exc)) from exc
    except AudienceChanged as exc:
        raise HttpError(
            409,
            _(
                "The audience changed: it is now %(current)s customers, not the %(confirmed)s "
                "confirmed. Read it again (GET .../audience) and confirm the new number."
            )
            % {"current": exc.current, "confirmed": exc.confirmed},
        ) from exc
    return _campaign_detail(_campaign(request, campaign_id))


@router.get(
    "/campaigns/{campaign_id}/audience",
    response={200: AudienceOut, **OBJECT_READ},
    summary="Who the campaign goes to if sent now: per language, left out per reason, a sample",
)
def campaign_audience_read(request: HttpRequest, campaign_id: Path[QueryId]) -> dict[str, Any]:
    summary = audience_summary(_campaign(request, campaign_id))
    return {
        "targeted": summary.targeted,
        "recipients": summary.recipients,
        "by_language": [{**row.__dict__, "fallback": row.fallback} for row in summary.by_language],
        "left_out": [
            {"reason": row.reason, "label": row.label, "count": row.count}
            for row in summary.left_out
        ],
        "sample": [row.__dict__ for row in summary.sample],
    }


@router.post(
    "/campaigns/{campaign_id}/test",
    response={202: QueuedOut, **OBJECT_WRITE},
    summary="Queue a test of the campaign to the caller's own address",
)
def campaign_test(request: HttpRequest, campaign_id: Path[QueryId]) -> Status[dict[str, Any]]:
    require(request, CAMPAIGN_TEST_SEND)
    row = campaign_mail.campaign_test_send(
        campaign=_campaign(request, campaign_id), actor=actor_of(request)
    )
    return Status(202, {"outbox_id": row.pk, "to_address": row.to_address})


# -- letters and lists ---------------------------------------------------------------------


@router.get("/letters", response={200: LetterPage, **READ}, summary="Handwritten letters")
def letter_list(request: HttpRequest, filters: Query[LetterFilters]) -> dict[str, Any]:
    letters = HandwrittenLetter.objects.for_workspace(workspace_of(request))
    return page_of(letters.filter(status=filters.status), filters)


@router.post(
    "/letters/{letter_id}/done",
    response={200: LetterOut, **OBJECT_WRITE, **responses(409)},
    summary="Mark a letter written; recorded on the customer's timeline",
)
def letter_done(request: HttpRequest, letter_id: Path[QueryId]) -> HandwrittenLetter:
    require(request, LETTER_DONE)
    letter = get_object_or_404(
        HandwrittenLetter.objects.for_workspace(workspace_of(request)), pk=letter_id
    )
    try:
        return letter_services.letter_done(letter=letter, actor=actor_of(request))
    except letter_services.LetterAlreadyDone as exc:
        raise HttpError(409, "This letter is already marked as written.") from exc


@router.get("/lists", response={200: ListPage, **READ}, summary="Mailing lists")
def list_list(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(MailingList.objects.for_workspace(workspace_of(request)), params)


@router.post("/lists", response={201: ListOut, **WRITE}, summary="Create a mailing list")
def list_create(request: HttpRequest, payload: ListIn) -> Status[MailingList]:
    require(request, MAILING_LIST_CREATE)
    try:
        created = list_services.mailing_list_create(
            workspace=workspace_of(request), actor=actor_of(request), **payload.model_dump()
        )
    except list_services.SubscriptionError as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return Status(201, created)


@router.get(
    "/lists/{list_id}/subscriptions",
    response={200: SubscriptionPage, **OBJECT_READ},
    summary="A list's subscribers with the consent record (IP, time, source), newest first",
)
def list_subscriptions(
    request: HttpRequest, list_id: Path[QueryId], filters: Query[SubscriptionFilters]
) -> dict[str, Any]:
    workspace = workspace_of(request)
    found = get_object_or_404(MailingList.objects.for_workspace(workspace), pk=list_id)
    subscriptions = list_services.list_subscriptions(found, status=filters.status)
    return page_of(subscriptions, filters)


keep_operation_ids(router, "clientela.api.routers.outreach")
# Added last, so the OpenAPI document lists the PDFs after the other operations, as before.
router.add_router("", documents.router)
