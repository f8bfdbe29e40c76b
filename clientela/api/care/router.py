"""Complaint cases through the API: the same services as the pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from clientela.accounts.policy import Rule
from clientela.accounts.scoping import scoped_get
from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.care.schemas import (
    CaseDetailOut,
    CaseFilters,
    CaseIn,
    CaseMessageIn,
    CaseOut,
    CasePage,
    CaseStatusIn,
    HandlingChangeIn,
    ReviewIn,
    StepIn,
)
from clientela.api.errors import OBJECT_READ, OBJECT_WRITE, READ, WRITE, unprocessable
from clientela.api.openapi import keep_operation_ids
from clientela.api.pagination import page_of
from clientela.api.types import QueryId
from clientela.care.models import Case
from clientela.care.policy import (
    CASE_OPEN,
    CASE_REVIEW,
    CASE_VIEW,
    CASE_WORK,
    HANDLING_OVERRIDE,
)
from clientela.care.selectors import OPEN_STATUSES
from clientela.care.services import cases as services
from clientela.care.services.cases import CareError
from clientela.care.services.messages import case_message_send
from clientela.commerce.models import Order
from clientela.customers.models import Customer
from clientela.rewards.selectors import case_compensations

router = Router(tags=["care"])


def _case(request: HttpRequest, case_id: int, rule: Rule) -> Case:
    """The case of the path, once the token's role passes `rule`; another workspace's is a 404."""
    require(request, rule)
    return scoped_get(Case, workspace_of(request), case_id)


@contextmanager
def _refusals_as_422() -> Iterator[None]:
    """A service's refusal (CareError) becomes a 422 naming the field."""
    try:
        yield
    except CareError as exc:
        raise unprocessable(exc.field, exc.message) from exc


def _detail(case: Case) -> dict[str, Any]:
    data = {field: getattr(case, field) for field in CaseOut.model_fields if field != "id"}
    data["id"] = case.pk
    data["steps"] = list(case.steps.all())
    # Rewards sits above care: the case's compensations are joined here, in the adapter.
    data["compensations"] = [
        {
            "id": c.pk,
            "item": c.item.name,
            "kind": c.kind,
            "cost": str(c.cost),
            "currency": c.currency,
            "status": c.status,
            "created_at": c.created_at,
        }
        for c in case_compensations(case)
    ]
    return data


@router.get("/cases", response={200: CasePage, **READ}, summary="Complaint cases, newest first")
def case_list(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    require(request, CASE_VIEW)
    cases = Case.objects.for_workspace(workspace_of(request))
    if filters.status == "active":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status != "all":
        cases = cases.filter(status=filters.status)
    return page_of(cases, filters)


@router.post("/cases", response={201: CaseDetailOut, **WRITE}, summary="Open a complaint case")
def case_create(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    require(request, CASE_OPEN)
    workspace = workspace_of(request)
    customer = Customer.objects.for_workspace(workspace).filter(pk=payload.customer_id).first()
    if customer is None:
        raise unprocessable("customer_id", "No such customer in this workspace.")
    order = None
    if payload.order_id is not None:
        order = Order.objects.for_workspace(workspace).filter(pk=payload.order_id).first()
        if order is None:
            raise unprocessable("order_id", "No such order in this workspace.")
    with _refusals_as_422():
        case = services.case_open(
            workspace=workspace,
            actor=actor_of(request),
            customer=customer,
            subject=payload.subject,
            complaint=payload.complaint,
            channel=payload.channel,
            category=payload.category,
            severity=payload.severity,
            order=order,
        )
    return Status(201, _detail(case))


@router.get("/cases/{case_id}", response={200: CaseDetailOut, **OBJECT_READ}, summary="A case")
def case_read(request: HttpRequest, case_id: Path[QueryId]) -> dict[str, Any]:
    return _detail(_case(request, case_id, CASE_VIEW))


@router.post(
    "/cases/{case_id}/status",
    response={200: CaseDetailOut, **OBJECT_WRITE},
    summary="Move a case: acknowledged, proposed (with the solution), resolved, not resolved",
)
def case_status(
    request: HttpRequest, case_id: Path[QueryId], payload: CaseStatusIn
) -> dict[str, Any]:
    case = _case(request, case_id, CASE_WORK)
    with _refusals_as_422():
        services.case_status_set(
            case=case, actor=actor_of(request), status=payload.status, solution=payload.solution
        )
    case.refresh_from_db()
    return _detail(case)


@router.post(
    "/cases/{case_id}/messages",
    response={200: CaseDetailOut, **OBJECT_WRITE},
    summary="Send a playbook step's message to the client (through the outbox)",
)
def case_message(
    request: HttpRequest, case_id: Path[QueryId], payload: CaseMessageIn
) -> dict[str, Any]:
    case = _case(request, case_id, CASE_WORK)
    with _refusals_as_422():
        case_message_send(case=case, actor=actor_of(request), key=payload.step, text=payload.text)
    case.refresh_from_db()
    return _detail(case)


@router.put(
    "/cases/{case_id}/steps/{step}",
    response={200: CaseDetailOut, **OBJECT_WRITE},
    summary="Tick or untick a playbook step",
)
def case_step(
    request: HttpRequest, case_id: Path[QueryId], step: str, payload: StepIn
) -> dict[str, Any]:
    case = _case(request, case_id, CASE_WORK)
    with _refusals_as_422():
        services.step_mark(case=case, actor=actor_of(request), key=step[:20], done=payload.done)
    return _detail(case)


@router.post(
    "/cases/{case_id}/review",
    response={200: CaseDetailOut, **OBJECT_WRITE},
    summary="Review a closed case: what went wrong, the lesson, the change decided",
)
def case_review(request: HttpRequest, case_id: Path[QueryId], payload: ReviewIn) -> dict[str, Any]:
    case = _case(request, case_id, CASE_REVIEW)
    with _refusals_as_422():
        services.case_review(case=case, actor=actor_of(request), **payload.model_dump())
    case.refresh_from_db()
    return _detail(case)


@router.post(
    "/cases/{case_id}/handling",
    response={200: CaseDetailOut, **OBJECT_WRITE},
    summary="Choose recovery or fact-based handling, with a reason (managers)",
)
def case_handling(
    request: HttpRequest, case_id: Path[QueryId], payload: HandlingChangeIn
) -> dict[str, Any]:
    case = _case(request, case_id, HANDLING_OVERRIDE)
    with _refusals_as_422():
        services.case_handling_set(
            case=case, actor=actor_of(request), handling=payload.handling, reason=payload.reason
        )
    return _detail(case)


keep_operation_ids(router, "clientela.api.routers.care")
