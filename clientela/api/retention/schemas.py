"""Retention payloads: scores, segments, refresh runs and the CLV settings."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from clientela.api.pagination import PageOut, PageParams
from clientela.api.types import MoneyOut
from clientela.retention.models import RetentionRun
from clientela.retention.services.choosing import choice_sentence

SegmentName = Literal[
    "new",
    "champions",
    "loyal",
    "occasional",
    "cannot_lose_them",
    "at_risk",
    "one_time",
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
    model: Literal["bgnbd", "mbgnbd", "paretonbd"]
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
    model_choice: dict[str, Any] = Field(
        description="How the model was chosen: mode (automatic, pinned, requested) and, when "
        "automatic, the holdout comparison of the candidates (mae, predicted, actual)."
    )
    model_reason: str = Field(
        description="Why the scores use this model, in one sentence in the request's language."
    )

    @staticmethod
    def resolve_reason(obj: RetentionRun) -> str:
        return obj.reason_text

    @staticmethod
    def resolve_model_reason(obj: RetentionRun) -> str:
        return choice_sentence(obj)

    @staticmethod
    def resolve_warnings(obj: RetentionRun) -> list[str]:
        return obj.warning_texts

    @staticmethod
    def resolve_warning_codes(obj: RetentionRun) -> list[str]:
        return [w["code"] for w in obj.warnings]


class SettingsOut(Schema):
    clv_margin: float = Field(description="Gross margin applied to revenue in CLV; 1 = revenue.")
    clv_annual_discount: float = Field(description="Annual discount rate of CLV, e.g. 0.1.")
    model: str = Field(
        description='"automatic" (each refresh keeps the model that forecast the shop\'s '
        'recent purchases best) or the model a manager pinned, e.g. "paretonbd".'
    )


class SettingsPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    # Strict, as every body: a JSON number, not `true` or "0.5" read as one.
    clv_margin: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False, strict=True)] | None = None
    clv_annual_discount: (
        Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False, strict=True)] | None
    ) = None
    model: Annotated[str, Field(max_length=20)] | None = Field(
        None, description='"automatic", or a model to pin (the refresh\'s model names).'
    )


class RefreshIn(Schema):
    model_config = ConfigDict(extra="forbid")

    model: Literal["bgnbd", "mbgnbd", "paretonbd"] | None = Field(
        None, description="The model to fit; by default the settings' (automatic or pinned)."
    )
