"""Retention: the current scores, segments, and refresh runs (start one, follow it)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Status

from clientela.accounts.scoping import scoped_get
from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.errors import OBJECT_READ, READ, WRITE, unprocessable
from clientela.api.openapi import keep_operation_ids
from clientela.api.pagination import page_of
from clientela.api.retention.schemas import (
    RefreshIn,
    RunOut,
    ScoreFilters,
    ScoreOut,
    ScorePage,
    SegmentOut,
    SettingsOut,
    SettingsPatch,
)
from clientela.api.types import QueryId
from clientela.retention import reports
from clientela.retention.models import CustomerScore, RetentionRun, RetentionSettings
from clientela.retention.policy import RETENTION_REFRESH, RETENTION_SETTINGS_UPDATE
from clientela.retention.services import retention_settings_for, retention_settings_update
from clientela.retention.tasks import retention_refresh_enqueue

router = Router(tags=["retention"])


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
    return scoped_get(RetentionRun, workspace_of(request), run_id)


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


keep_operation_ids(router, "clientela.api.routers.retention")
