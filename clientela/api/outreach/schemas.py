"""Outreach payloads: automations, templates, campaigns, letters, lists. Limits equal the
model's columns; the campaign actions are `CampaignAction`'s."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, StrictBool, StrictInt, StringConstraints

from clientela.api.pagination import PageOut, PageParams, _query_schema
from clientela.api.schemas.base import drop_defaults
from clientela.api.types import AwareDatetime, Id, NonEmpty, QueryId, Text10k, Text100, Text200
from clientela.outreach.models import CampaignAction, Subscription

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


class MessageCountsOut(Schema):
    """The same figures on every outreach page; each message is in one of them, and `sent`
    is `delivered` + `bounced` (handed to the mail server)."""

    queued: int = Field(description="Waiting to leave, or being handed to the mail server.")
    paused: int = Field(description="Waiting with a paused campaign.")
    sent: int = Field(description="Handed to the mail server: delivered + bounced.")
    delivered: int = Field(description="Sent, and no bounce came back.")
    bounced: int
    failed: int = Field(description="Refused by the mail server for good.")
    stopped: int = Field(description="Not sent: a suppressed address, or cancelled.")
    held_out: int = Field(description="Kept back on purpose to measure the effect.")
    handwritten: int = Field(description="Routed to a letter written by hand instead.")


class AutomationFiguresOut(MessageCountsOut):
    holdout: int = Field(description="The same as `held_out`.")
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

    # Fields that may be left out are typed without None, so the schema and the validation refuse an
    # explicit null; None is only the "not sent" default, dropped from the schema (drop_defaults).
    # Each `type: ignore[assignment]`/`[arg-type]` below is that default.
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

    # Fields that may be left out are typed without None, so the schema and the validation refuse an
    # explicit null; None is only the "not sent" default, dropped from the schema (drop_defaults).
    # Each `type: ignore[assignment]`/`[arg-type]` below is that default.
    name: Annotated[Text100, NonEmpty] = None  # type: ignore[assignment]
    purpose: Purpose = None  # type: ignore[assignment]
    language: Language = None  # type: ignore[assignment]
    subject: Annotated[Text200, NonEmpty] = None  # type: ignore[assignment]
    body_text: Annotated[Text10k, NonEmpty] = None  # type: ignore[assignment]
    body_html: Text10k = None  # type: ignore[assignment]


class TestSendIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=drop_defaults)

    # Fields that may be left out are typed without None, so the schema and the validation refuse an
    # explicit null; None is only the "not sent" default, dropped from the schema (drop_defaults).
    # Each `type: ignore[assignment]`/`[arg-type]` below is that default.
    customer_id: Id = Field(  # type: ignore[assignment]
        None, description="Render for this customer; left out, for the caller."
    )


class QueuedOut(Schema):
    outbox_id: int
    to_address: str


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

    # Fields that may be left out are typed without None, so the schema and the validation refuse an
    # explicit null; None is only the "not sent" default, dropped from the schema (drop_defaults).
    # Each `type: ignore[assignment]`/`[arg-type]` below is that default.
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
    counts: dict[str, int] = Field(description="Outbox rows per status.")
    failures: list[tuple[str, str]]
    unsubscribed: int
    messages: MessageCountsOut


class LanguageCountOut(Schema):
    language: str
    count: int
    version: str = Field(description="The language of the version they get.")
    fallback: bool = Field(description="True when the campaign has no version in theirs.")


class ReasonCountOut(Schema):
    reason: str
    label: str
    count: int


class SampleRecipientOut(Schema):
    name: str
    address: str
    language: str


class AudienceOut(Schema):
    """Who the campaign goes to if it is sent now. Send and schedule need `recipients` as
    their `confirm_count`."""

    targeted: int = Field(description="Customers the lists, tags and segments reach.")
    recipients: int = Field(description="Customers who will get the message.")
    by_language: list[LanguageCountOut]
    left_out: list[ReasonCountOut]
    sample: list[SampleRecipientOut]


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


if TYPE_CHECKING:
    ActionName = str
else:
    # The names of CampaignAction, published as an enum of strings (a Literal of them).
    ActionName = Literal[tuple(CampaignAction.values)]


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    action: ActionName
    at: AwareDatetime | None = Field(None, description="Required for `schedule`.")
    confirm_count: int | None = Field(
        None,
        ge=0,
        le=100_000_000,
        description=(
            "Required for `send` and `schedule`: the `recipients` of the campaign's audience "
            "(GET .../audience) the caller confirms; 409 when the audience is another size now."
        ),
    )


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
