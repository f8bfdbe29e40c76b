"""Customers: list, read, create, change, delete, and each customer's timeline."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Status

from clientela.accounts.models import Role
from clientela.api.auth import actor_of, require_role, workspace_of
from clientela.api.errors import OBJECT_READ, OBJECT_WRITE, READ, WRITE, unprocessable
from clientela.api.pagination import PageParams, page_of
from clientela.api.routers.exports import CSV_RESPONSE, customer_export
from clientela.api.schemas.customers import (
    CustomerFilters,
    CustomerIn,
    CustomerOut,
    CustomerPage,
    CustomerPatch,
    EventPage,
)
from clientela.api.types import QueryId
from clientela.customers.models import Customer
from clientela.customers.normalize import InvalidEmail, normalize_email
from clientela.customers.selectors import CustomerFilters as ListFilters
from clientela.customers.selectors import customers_filtered
from clientela.customers.services import (
    CustomerError,
    customer_create,
    customer_delete,
    customer_tags_set,
    customer_update,
)
from clientela.timeline.models import Event

router = Router(tags=["customers"])


def _customers(request: HttpRequest) -> QuerySet[Customer]:
    return Customer.objects.for_workspace(workspace_of(request)).prefetch_related(
        "emails", "tags", "consents"
    )


def _customer(request: HttpRequest, customer_id: int) -> Customer:
    return get_object_or_404(_customers(request), pk=customer_id)


def _filtered(request: HttpRequest, filters: CustomerFilters) -> QuerySet[Customer]:
    # The web list's selector, so that a search finds the same customers in both.
    queryset = customers_filtered(
        workspace=workspace_of(request),
        filters=ListFilters(
            search=filters.q or "", tag=filters.tag or "", language=filters.language or ""
        ),
    ).prefetch_related("emails", "tags", "consents")
    if filters.external_id:
        queryset = queryset.filter(external_id=filters.external_id)
    if filters.email:
        try:
            address = normalize_email(filters.email)
        except InvalidEmail:
            address = filters.email.strip().lower()
        queryset = queryset.filter(emails__address=address)
    return queryset


@router.get("", response={200: CustomerPage, **READ}, summary="List customers, newest first")
def customer_list(request: HttpRequest, filters: Query[CustomerFilters]) -> dict[str, Any]:
    return page_of(_filtered(request, filters), filters)


router.get(
    "/export.csv",
    response=READ,
    openapi_extra=CSV_RESPONSE,
    summary="Customers as CSV (managers and owners)",
)(customer_export)


@router.post("", response={201: CustomerOut, **WRITE}, summary="Create a customer")
def customer_create_endpoint(request: HttpRequest, payload: CustomerIn) -> Status[Customer]:
    require_role(request, Role.AGENT)
    values = payload.model_dump(exclude={"tags"})
    try:
        with transaction.atomic():
            customer = customer_create(
                workspace=workspace_of(request), actor=actor_of(request), **values
            )
            if payload.tags:
                customer_tags_set(customer=customer, names=payload.tags, actor=actor_of(request))
    except CustomerError as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return Status(201, _customer(request, customer.pk))


@router.get("/{customer_id}", response={200: CustomerOut, **OBJECT_READ}, summary="A customer")
def customer_read(request: HttpRequest, customer_id: Path[QueryId]) -> Customer:
    return _customer(request, customer_id)


@router.patch(
    "/{customer_id}", response={200: CustomerOut, **OBJECT_WRITE}, summary="Change a customer"
)
def customer_update_endpoint(
    request: HttpRequest, customer_id: Path[QueryId], payload: CustomerPatch
) -> Customer:
    require_role(request, Role.AGENT)
    customer = _customer(request, customer_id)
    values = payload.model_dump(exclude_unset=True, exclude={"tags"})
    try:
        with transaction.atomic():
            customer_update(customer=customer, actor=actor_of(request), **values)
            if payload.tags is not None:
                customer_tags_set(customer=customer, names=payload.tags, actor=actor_of(request))
    except CustomerError as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return _customer(request, customer.pk)


@router.delete(
    "/{customer_id}",
    response={204: None, **OBJECT_READ},
    summary="Delete a customer with their orders and history",
)
def customer_delete_endpoint(request: HttpRequest, customer_id: Path[QueryId]) -> Status[None]:
    require_role(request, Role.AGENT)
    customer_delete(customer=_customer(request, customer_id), actor=actor_of(request))
    return Status(204, None)


@router.get(
    "/{customer_id}/timeline",
    response={200: EventPage, **OBJECT_READ},
    summary="A customer's history, newest first",
)
def customer_timeline(
    request: HttpRequest, customer_id: Path[QueryId], params: Query[PageParams]
) -> dict[str, Any]:
    customer = get_object_or_404(
        Customer.objects.for_workspace(workspace_of(request)), pk=customer_id
    )
    events = (
        Event.objects.for_workspace(workspace_of(request))
        .filter(customer=customer)
        .select_related("actor")
    )
    return page_of(events, params)
