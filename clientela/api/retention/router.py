"""Retention: the current scores, segments, and refresh runs (start one, follow it)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.errors import OBJECT_READ, READ, WRITE, unprocessable
from clientela.api.pagination import PageOut, PageParams, page_of
from clientela.api.types import MoneyOut, QueryId
from clientela.retention import reports
from clientela.retention.models import CustomerScore, RetentionRun, RetentionSettings
from clientela.retention.policy import RETENTION_REFRESH, RETENTION_SETTINGS_UPDATE
from clientela.retention.services import retention_settings_for, retention_settings_update
from clientela.retention.tasks import retention_refresh_enqueue

router = Router(tags=["retention"])

SegmentName = Literal[
    "new",
    "champions",
    "loyal",
    "promising",
    "needs_attention",
    "at_risk",
    "cannot_lose_them",
    "hibernating",
    "lost",
]
Probability = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class ScoreFilters(PageParams):
    segment: SegmentName | None = None
    p_alive_lt: Probability | None = Field(None, description="P(alive) below this.")
    p_alive_gt: Probability | None = Field(None, description="P(alive) above this.")
    clv_gt: Amount | None = Field(None, description="Value of the next 12 months above this.")


class ScoreOut(Schema):
    customer_id: int
    run_id: int
    segment: SegmentName
    p_alive: float | None = Field(description="Null when the model fit was refused.")
    p_alive_previous: float | None
    expected_purchases_90d: float | None
    expected_purchases_365d: float | None
    expected_spend: float | None
    clv: float | None
    recency_score: int
    frequency_score: int
    monetary_score: int
    overdue_ratio: float | None
    purchases: int = Field(description="Distinct purchase days.")
    total_spend: MoneyOut
    first_purchase: dt.date
    last_purchase: dt.date
    scored_at: dt.datetime
    model_name: str


class ScorePage(PageOut):
    items: list[ScoreOut]


class SegmentOut(Schema):
    segment: SegmentName
    label: str
    customers: int
    clv: float | None


class RunOut(Schema):
    id: int
    status: Literal["queued", "running", "succeeded", "failed", "refused"]
    model: Literal["bgnbd", "paretonbd"]
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    progress_done: int
    progress_total: int
    parameters: dict[str, float]
    spend_parameters: dict[str, float]
    log_likelihood: float | None
    reason: str = Field(description="Why the run was refused or failed, in the request's language.")
    reason_code: str = Field(description="A stable code for the reason; empty when none.")
    warnings: list[str] = Field(
        description="Caveats of the fit (e.g. at the edge of the model), in the request's language."
    )
    warning_codes: list[str] = Field(description="A stable code for each caveat, in order.")
    clv_margin: float | None = Field(description="The gross margin this run's CLV uses.")
    clv_annual_discount: float | None = Field(
        description="The annual discount rate this run's CLV uses."
    )
    data_fingerprint: str
    published: bool

    @staticmethod
    def resolve_reason(obj: RetentionRun) -> str:
        return obj.reason_text

    @staticmethod
    def resolve_warnings(obj: RetentionRun) -> list[str]:
        return obj.warning_texts

    @staticmethod
    def resolve_warning_codes(obj: RetentionRun) -> list[str]:
        return [w["code"] for w in obj.warnings]


class SettingsOut(Schema):
    clv_margin: float = Field(description="Gross margin applied to revenue in CLV; 1 = revenue.")
    clv_annual_discount: float = Field(description="Annual discount rate of CLV, e.g. 0.1.")


class SettingsPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    # Strict, as every body: a JSON number, not `true` or "0.5" read as one.
    clv_margin: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False, strict=True)] | None = None
    clv_annual_discount: (
        Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False, strict=True)] | None
    ) = None


class RefreshIn(Schema):
    model_config = ConfigDict(extra="forbid")

    model: Literal["bgnbd", "paretonbd"] = "bgnbd"


@router.get("/scores", response={200: ScorePage, **READ}, summary="Current scores")
def score_list(request: HttpRequest, filters: Query[ScoreFilters]) -> dict[str, Any]:
    scores = reports.scores_filtered(
        workspace_of(request),
        segment=filters.segment,
        p_alive_lt=filters.p_alive_lt,
        p_alive_gt=filters.p_alive_gt,
        clv_gt=filters.clv_gt,
    )
    return page_of(scores, filters)


@router.get(
    "/scores/{customer_id}",
    response={200: ScoreOut, **OBJECT_READ},
    summary="A customer's current score",
)
def score_read(request: HttpRequest, customer_id: Path[QueryId]) -> CustomerScore:
    return get_object_or_404(
        CustomerScore.objects.current(workspace_of(request)), customer_id=customer_id
    )


@router.get("/segments", response={200: list[SegmentOut], **READ}, summary="Segments")
def segment_list(request: HttpRequest) -> list[reports.SegmentRow]:
    return reports.segment_rows(workspace_of(request))


@router.post(
    "/refresh",
    response={202: RunOut, **WRITE},
    summary="Refit the model and rescore every customer in the background",
)
def refresh_start(request: HttpRequest, payload: RefreshIn) -> Status[RetentionRun]:
    require(request, RETENTION_REFRESH)
    run = retention_refresh_enqueue(
        workspace=workspace_of(request), actor=actor_of(request), model=payload.model
    )
    return Status(202, run)


@router.get("/runs/{run_id}", response={200: RunOut, **OBJECT_READ}, summary="A refresh run")
def run_read(request: HttpRequest, run_id: Path[QueryId]) -> RetentionRun:
    return get_object_or_404(RetentionRun.objects.for_workspace(workspace_of(request)), pk=run_id)


@router.get("/settings", response={200: SettingsOut, **READ}, summary="How CLV is valued")
def settings_read(request: HttpRequest) -> RetentionSettings:
    return retention_settings_for(workspace_of(request))


@router.patch(
    "/settings",
    response={200: SettingsOut, **WRITE},
    summary="Change the gross margin or the discount rate of CLV (used by the next refresh)",
)
def settings_patch(request: HttpRequest, payload: SettingsPatch) -> RetentionSettings:
    require(request, RETENTION_SETTINGS_UPDATE)
    try:
        return retention_settings_update(
            workspace=workspace_of(request),
            actor=actor_of(request),
            **payload.model_dump(exclude_unset=True),
        )
    except ValidationError as exc:
        field, [message, *_] = next(iter(exc.message_dict.items()))
        raise unprocessable(field, message) from exc
