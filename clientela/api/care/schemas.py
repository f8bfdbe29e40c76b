"""Shapes of the complaint endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from clientela.api.pagination import PageOut, PageParams
from clientela.api.types import Id, NonEmpty, Text10k, Text20, Text200

Status = Literal["open", "acknowledged", "proposed", "resolved", "not_resolved", "reviewed"]
ChannelIn = Literal["email", "phone", "shop", "web", "api"]
CategoryIn = Literal["product", "delivery", "service", "billing", "other"]
SeverityIn = Literal["low", "medium", "high"]
HandlingIn = Literal["recovery", "facts"]
Required200 = Annotated[Text200, NonEmpty]
Required10k = Annotated[Text10k, NonEmpty]
Text5k = Annotated[Text10k, StringConstraints(max_length=5_000)]
Required5k = Annotated[Text5k, NonEmpty]


class CaseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    customer_id: Id
    subject: Required200
    complaint: Annotated[Required10k, Field(description="The client's own words.")]
    channel: ChannelIn = "api"
    category: CategoryIn = "other"
    severity: SeverityIn = "medium"
    order_id: Id | None = None


class StepOut(Schema):
    key: str
    position: int
    draft: str
    done_at: datetime | None


class CaseOut(Schema):
    id: int
    customer_id: int
    order_id: int | None
    subject: str
    complaint: str
    channel: str
    category: str
    severity: str
    language: str
    status: Status
    handling: HandlingIn
    complainer_score: int = Field(description="0-100; staff only, never shown to the client.")
    assignee_id: int | None
    opened_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    solution: str


class CaseCompensationOut(Schema):
    id: int
    item: str
    kind: str
    cost: str = Field(description="A decimal string")
    currency: str
    status: str
    created_at: datetime


class CaseDetailOut(CaseOut):
    steps: list[StepOut]
    compensations: list[CaseCompensationOut] = Field(
        description="Compensations proposed on this case (rewards), oldest first"
    )


class CasePage(PageOut):
    items: list[CaseOut]


class CaseFilters(PageParams):
    status: Status | Literal["all", "active"] = "all"


class CaseStatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: Status
    solution: Text5k = Field(default="", description="Required when status is 'proposed'.")


class CaseMessageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    step: Text20
    text: Required5k


class StepIn(Schema):
    model_config = ConfigDict(extra="forbid")

    done: bool


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")

    what_went_wrong: Required5k
    lesson: Required5k
    change: Required5k


class HandlingChangeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    handling: HandlingIn
    reason: Required5k
