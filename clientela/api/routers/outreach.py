"""Outreach: automations' settings and figures, templates, campaigns, letters, lists."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import AfterValidator, ConfigDict, Field, StrictBool, StrictInt, StringConstraints

from clientela.accounts.models import Role
from clientela.api.auth import actor_of, require_role, workspace_of
from clientela.api.errors import OBJECT_READ, OBJECT_WRITE, READ, WRITE, responses, unprocessable
from clientela.api.pagination import PageOut, PageParams, _query_schema, page_of
from clientela.api.schemas.base import drop_defaults
from clientela.api.types import AwareDatetime, Id, NonEmpty, QueryId, Text10k, Text100, Text200
from clientela.customers.models import Customer
from clientela.outreach import reports
from clientela.outreach.models import (
    Automation,
    Campaign,
    HandwrittenLetter,
    MailingList,
    MessageTemplate,
    Subscription,
)
from clientela.outreach.rendering import TemplateInvalid
from clientela.outreach.services import automations as automation_services
from clientela.outreach.services import campaign_mail
from clientela.outreach.services import campaigns as campaign_services
from clientela.outreach.services import letters as letter_services
from clientela.outreach.services import lists as list_services
from clientela.outreach.services.templates import (
    template_preview,
    template_save,
    template_test_send,
)
from clientela.outreach.stats.uplift import Uplift

router = Router(tags=["outreach"])
Language = Literal["ro", "en"]
Purpose = Literal["thank_you", "win_back", "campaign", "confirmation"]
Percent = Annotated[StrictInt, Field(ge=0, le=50)]
Fraction = Annotated[float, Field(ge=0, le=1, strict=True)]


def _iso_date(value: str) -> str:
    date.fromisoformat(value)
    return value


IsoDate = Annotated[
    str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), AfterValidator(_iso_date)
]


# -- automations ---------------------------------------------------------------------------


class IntervalOut(Schema):
    estimate: float
    low: float
    high: float


class UpliftOut(Schema):
    sent_count: int
    holdout_count: int
    sent_rate: float
    holdout_rate: float
    rate_difference: IntervalOut | None
    sent_revenue_per_recipient: float
    holdout_revenue_per_recipient: float
    revenue_difference: IntervalOut | None


class AutomationFiguresOut(Schema):
    sent: int
    holdout: int
    uplift: UpliftOut | None = Field(
        description="Over the decisions at least `uplift_days` old; null until there are any."
    )
    uplift_ready_at: datetime | None = Field(
        description="When the first figures are (or were) ready; null if nothing was decided."
    )


class AutomationsOut(Schema):
    thank_you_enabled: bool
    thank_you_delay_days: int
    handwritten_threshold: int
    thank_you_holdout_percent: int
    win_back_enabled: bool
    win_back_p_alive: float
    win_back_overdue_factor: float
    win_back_cooldown_days: int
    win_back_holdout_percent: int
    uplift_days: int
    thank_you: AutomationFiguresOut
    win_back: AutomationFiguresOut


class AutomationsPatch(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=drop_defaults)

    thank_you_enabled: StrictBool = None  # type: ignore[assignment]
    thank_you_delay_days: Annotated[StrictInt, Field(ge=0, le=365)] = None  # type: ignore[assignment]
    handwritten_threshold: Annotated[StrictInt, Field(ge=0, le=100_000)] = None  # type: ignore[assignment]
    thank_you_holdout_percent: Percent = None  # type: ignore[assignment]
    win_back_enabled: StrictBool = None  # type: ignore[assignment]
    win_back_p_alive: Fraction = None  # type: ignore[assignment]
    win_back_overdue_factor: Annotated[float, Field(ge=1, le=100, strict=True)] = None  # type: ignore[assignment]
    win_back_cooldown_days: Annotated[StrictInt, Field(ge=1, le=3650)] = None  # type: ignore[assignment]
    win_back_holdout_percent: Percent = None  # type: ignore[assignment]
    uplift_days: Annotated[StrictInt, Field(ge=1, le=365)] = None  # type: ignore[assignment]


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
        figures[kind.value] = {
            **reports.automation_counts(workspace, kind),
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
    require_role(request, Role.MANAGER)
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


class TemplateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text100, NonEmpty]
    purpose: Purpose
    language: Language
    subject: Annotated[Text200, NonEmpty]
    body_text: Annotated[Text10k, NonEmpty]
    body_html: Text10k = ""


class TemplateOut(Schema):
    id: int
    name: str
    purpose: str
    language: str
    subject: str
    body_text: str
    body_html: str


class TemplatePage(PageOut):
    items: list[TemplateOut]


class PreviewOut(Schema):
    customer_id: int
    subject: str
    body_text: str
    body_html: str


class PreviewQuery(Schema):
    customer_id: QueryId


class TemplatePatch(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=drop_defaults)

    name: Annotated[Text100, NonEmpty] = None  # type: ignore[assignment]
    purpose: Purpose = None  # type: ignore[assignment]
    language: Language = None  # type: ignore[assignment]
    subject: Annotated[Text200, NonEmpty] = None  # type: ignore[assignment]
    body_text: Annotated[Text10k, NonEmpty] = None  # type: ignore[assignment]
    body_html: Text10k = None  # type: ignore[assignment]


class TestSendIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=drop_defaults)

    customer_id: Id = Field(  # type: ignore[assignment]
        None, description="Render for this customer; left out, for the caller."
    )


class QueuedOut(Schema):
    outbox_id: int
    to_address: str


@router.get("/templates", response={200: TemplatePage, **READ}, summary="List templates")
def template_list(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(MessageTemplate.objects.for_workspace(workspace_of(request)), params)


@router.post(
    "/templates",
    response={201: TemplateOut, **WRITE},
    summary="Create a template; refused (422) if a variable is unknown",
)
def template_create(request: HttpRequest, payload: TemplateIn) -> Status[MessageTemplate]:
    require_role(request, Role.MANAGER)
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
    require_role(request, Role.MANAGER)
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
    return found


@router.post(
    "/templates/{template_id}/test",
    response={202: QueuedOut, **OBJECT_WRITE},
    summary="Queue a test to the caller's own address, rendered for a customer or the caller",
)
def template_test(
    request: HttpRequest, template_id: Path[QueryId], payload: TestSendIn
) -> Status[dict[str, Any]]:
    require_role(request, Role.MANAGER)
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


SegmentName = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,20}$")]


class PromotionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text200, NonEmpty]
    description: Text10k = ""
    discount: Text100 = ""


class SaleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text200, NonEmpty]
    starts_on: IsoDate
    ends_on: IsoDate


class CampaignIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[Text200, NonEmpty]
    kind: Literal["brochure", "newsletter"]
    language: Language
    subject: Annotated[Text200, NonEmpty]
    intro: Text10k = ""
    promotions: list[PromotionIn] = Field(default_factory=list, max_length=100)
    sales: list[SaleIn] = Field(default_factory=list, max_length=100)
    changes: Text10k = ""
    body_text: Annotated[Text10k, NonEmpty]
    body_html: Text10k = ""
    holdout_percent: Percent = 10
    list_ids: list[Id] = Field(default_factory=list, max_length=100)
    tag_ids: list[Id] = Field(default_factory=list, max_length=100)
    audience_segments: list[SegmentName] = Field(default_factory=list, max_length=20)


class CampaignPatch(Schema):
    """Content and audience of a draft or scheduled campaign; fields left out stay."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=drop_defaults)

    title: Annotated[Text200, NonEmpty] = None  # type: ignore[assignment]
    kind: Literal["brochure", "newsletter"] = None  # type: ignore[assignment]
    language: Language = None  # type: ignore[assignment]
    subject: Annotated[Text200, NonEmpty] = None  # type: ignore[assignment]
    intro: Text10k = None  # type: ignore[assignment]
    promotions: list[PromotionIn] = Field(None, max_length=100)  # type: ignore[arg-type]
    sales: list[SaleIn] = Field(None, max_length=100)  # type: ignore[arg-type]
    changes: Text10k = None  # type: ignore[assignment]
    body_text: Annotated[Text10k, NonEmpty] = None  # type: ignore[assignment]
    body_html: Text10k = None  # type: ignore[assignment]
    holdout_percent: Percent = None  # type: ignore[assignment]
    list_ids: list[Id] = Field(None, max_length=100)  # type: ignore[arg-type]
    tag_ids: list[Id] = Field(None, max_length=100)  # type: ignore[arg-type]
    audience_segments: list[SegmentName] = Field(None, max_length=20)  # type: ignore[arg-type]


class SendReportOut(Schema):
    counts: dict[str, int]
    failures: list[tuple[str, str]]
    unsubscribed: int


class CampaignOut(Schema):
    id: int
    title: str
    kind: str
    language: str
    status: str
    subject: str
    holdout_percent: int
    scheduled_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None


class PromotionOut(Schema):
    name: str
    description: str = ""
    discount: str = ""


class SaleOut(Schema):
    name: str
    starts_on: str
    ends_on: str


class CampaignDetailOut(CampaignOut):
    intro: str
    promotions: list[PromotionOut]
    sales: list[SaleOut]
    changes: str
    body_text: str
    body_html: str
    list_ids: list[int]
    tag_ids: list[int]
    audience_segments: list[str]
    report: SendReportOut
    uplift: UpliftOut | None = Field(
        description="Null until `uplift_days` after the campaign started sending."
    )
    uplift_ready_at: datetime | None = Field(
        description="When the uplift is (or was) ready; null until the campaign is sent."
    )
    uplift_days: int


class CampaignPage(PageOut):
    items: list[CampaignOut]


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    action: Literal["send", "schedule", "unschedule", "pause", "resume", "cancel"]
    at: AwareDatetime | None = Field(None, description="Required for `schedule`.")


def _campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    return get_object_or_404(Campaign.objects.for_workspace(workspace_of(request)), pk=campaign_id)


_CAMPAIGN_COLUMNS = [
    *CampaignOut.model_fields,
    *("intro", "promotions", "sales", "changes", "body_text", "body_html", "audience_segments"),
]


def _campaign_detail(campaign: Campaign) -> dict[str, Any]:
    uplift = reports.campaign_uplift_report(campaign, now=timezone.now())
    return {
        **{f: getattr(campaign, f) for f in _CAMPAIGN_COLUMNS},
        "list_ids": sorted(campaign.audience_lists.values_list("pk", flat=True)),
        "tag_ids": sorted(campaign.audience_tags.values_list("pk", flat=True)),
        "report": reports.campaign_send_report(campaign).__dict__,
        "uplift": _uplift(uplift.uplift),
        "uplift_ready_at": uplift.ready_at,
        "uplift_days": uplift.days,
    }


@router.get("/campaigns", response={200: CampaignPage, **READ}, summary="List campaigns")
def campaign_list(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(Campaign.objects.for_workspace(workspace_of(request)), params)


@router.post("/campaigns", response={201: CampaignOut, **WRITE}, summary="Create a draft")
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    require_role(request, Role.MANAGER)
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
    require_role(request, Role.MANAGER)
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
    require_role(request, Role.MANAGER)
    campaign = _campaign(request, campaign_id)
    actor = actor_of(request)
    try:
        if payload.action == "schedule":
            if payload.at is None:
                raise unprocessable("at", "Give the date and time to send at.")
            campaign_services.campaign_schedule(campaign=campaign, at=payload.at, actor=actor)
        else:
            service = getattr(campaign_services, f"campaign_{payload.action}")
            service(campaign=campaign, actor=actor)
    except campaign_services.CampaignStateError as exc:
        raise HttpError(409, str(exc)) from exc
    return _campaign_detail(_campaign(request, campaign_id))


@router.post(
    "/campaigns/{campaign_id}/test",
    response={202: QueuedOut, **OBJECT_WRITE},
    summary="Queue a test of the campaign to the caller's own address",
)
def campaign_test(request: HttpRequest, campaign_id: Path[QueryId]) -> Status[dict[str, Any]]:
    require_role(request, Role.MANAGER)
    row = campaign_mail.campaign_test_send(
        campaign=_campaign(request, campaign_id), actor=actor_of(request)
    )
    return Status(202, {"outbox_id": row.pk, "to_address": row.to_address})


# -- letters and lists ---------------------------------------------------------------------


class LetterOut(Schema):
    id: int
    customer_id: int
    order_id: int | None
    draft_text: str
    status: str
    done_at: datetime | None


class LetterPage(PageOut):
    items: list[LetterOut]


class LetterFilters(PageParams):
    status: Literal["to_write", "done"] = "to_write"


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
    require_role(request, Role.AGENT)
    letter = get_object_or_404(
        HandwrittenLetter.objects.for_workspace(workspace_of(request)), pk=letter_id
    )
    try:
        return letter_services.letter_done(letter=letter, actor=actor_of(request))
    except letter_services.LetterAlreadyDone as exc:
        raise HttpError(409, "This letter is already marked as written.") from exc


class ListIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text100, NonEmpty]
    description: Text10k = ""


class ListOut(Schema):
    id: int
    name: str
    description: str
    public_token: str


class ListPage(PageOut):
    items: list[ListOut]


@router.get("/lists", response={200: ListPage, **READ}, summary="Mailing lists")
def list_list(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(MailingList.objects.for_workspace(workspace_of(request)), params)


@router.post("/lists", response={201: ListOut, **WRITE}, summary="Create a mailing list")
def list_create(request: HttpRequest, payload: ListIn) -> Status[MailingList]:
    require_role(request, Role.MANAGER)
    try:
        created = list_services.mailing_list_create(
            workspace=workspace_of(request), actor=actor_of(request), **payload.model_dump()
        )
    except list_services.SubscriptionError as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return Status(201, created)


class SubscriptionOut(Schema):
    id: int
    customer_id: int
    email: str
    status: str
    source: str
    ip: str | None
    created_at: datetime
    confirmed_at: datetime | None
    unsubscribed_at: datetime | None

    @staticmethod
    def resolve_email(obj: Subscription) -> str:
        return obj.customer.email


class SubscriptionPage(PageOut):
    items: list[SubscriptionOut]


class SubscriptionFilters(PageParams):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_query_schema)

    status: Literal["pending", "confirmed", "unsubscribed"] | None = None


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
