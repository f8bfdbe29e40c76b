"""Customers: list, read, create, change, delete; their addresses, consents and timeline."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from clientela.accounts.client import client_ip
from clientela.accounts.scoping import scoped_get
from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.customers.schemas import (
    ConsentIn,
    ConsentOut,
    CustomerFilters,
    CustomerIn,
    CustomerOut,
    CustomerPage,
    CustomerPatch,
    EmailIn,
    EmailOut,
    EventPage,
)
from clientela.api.errors import OBJECT_READ, OBJECT_WRITE, READ, WRITE, unprocessable
from clientela.api.imports.router import CSV_RESPONSE, customer_export
from clientela.api.openapi import former_operation_id, keep_operation_ids
from clientela.api.pagination import PageParams, page_of
from clientela.api.types import QueryId
from clientela.customers.models import Consent, Customer, CustomerEmail
from clientela.customers.normalize import InvalidEmail, normalize_email
from clientela.customers.policy import (
    CONSENT_GRANT,
    CONSENT_WITHDRAW,
    CUSTOMER_CREATE,
    CUSTOMER_DELETE,
    CUSTOMER_EMAIL_CHANGE,
    CUSTOMER_UPDATE,
)
from clientela.customers.selectors import CustomerFilters as ListFilters
from clientela.customers.selectors import customers_filtered
from clientela.customers.services import (
    CONSENT_SOURCE_API,
    CustomerError,
    consent_grant,
    consent_record_withdraw,
    customer_create,
    customer_delete,
    customer_email_add,
    customer_email_make_primary,
    customer_email_remove,
    customer_tags_set,
    customer_update,
)
from clientela.timeline.models import Event

router = Router(tags=["customers"])


def _customer(request: HttpRequest, customer_id: int) -> Customer:
    """The customer with what CustomerOut shows of them."""
    customers = Customer.objects.prefetch_related("emails", "tags", "consents")
    return scoped_get(customers, workspace_of(request), customer_id)


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
    operation_id=former_operation_id("clientela.api.routers.exports", customer_export),
)(customer_export)


@router.post("", response={201: CustomerOut, **WRITE}, summary="Create a customer")
def customer_create_endpoint(request: HttpRequest, payload: CustomerIn) -> Status[Customer]:
    require(request, CUSTOMER_CREATE)
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
    require(request, CUSTOMER_UPDATE)
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
    require(request, CUSTOMER_DELETE)
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
    customer = scoped_get(Customer, workspace_of(request), customer_id)
    events = (
        Event.objects.for_workspace(workspace_of(request))
        .filter(customer=customer)
        .select_related("actor")
    )
    return page_of(events, params)


# -- e-mail addresses ----------------------------------------------------------------------


def _emails(request: HttpRequest, customer: Customer) -> QuerySet[CustomerEmail]:
    return CustomerEmail.objects.for_workspace(workspace_of(request)).filter(customer=customer)


def _email(request: HttpRequest, customer_id: int, email_id: int) -> CustomerEmail:
    customer = scoped_get(Customer, workspace_of(request), customer_id)
    emails = CustomerEmail.objects.filter(customer=customer).select_related("customer")
    return scoped_get(emails, workspace_of(request), email_id)


@router.get(
    "/{customer_id}/emails",
    response={200: list[EmailOut], **OBJECT_READ},
    summary="A customer's e-mail addresses, the primary first",
)
def customer_email_list(request: HttpRequest, customer_id: Path[QueryId]) -> Any:
    customer = scoped_get(Customer, workspace_of(request), customer_id)
    return _emails(request, customer).order_by("-is_primary", "address")


@router.post(
    "/{customer_id}/emails",
    response={201: EmailOut, **OBJECT_WRITE},
    summary="Add an e-mail address to a customer",
)
def customer_email_add_endpoint(
    request: HttpRequest, customer_id: Path[QueryId], payload: EmailIn
) -> Status[CustomerEmail]:
    require(request, CUSTOMER_EMAIL_CHANGE)
    customer = scoped_get(Customer, workspace_of(request), customer_id)
    try:
        row = customer_email_add(
            customer=customer, address=payload.address, actor=actor_of(request)
        )
    except CustomerError as exc:
        raise unprocessable("address", exc.message) from exc
    return Status(201, row)


@router.delete(
    "/{customer_id}/emails/{email_id}",
    response={204: None, **OBJECT_READ},
    summary="Remove an address that is neither the primary nor the only one",
)
def customer_email_remove_endpoint(
    request: HttpRequest, customer_id: Path[QueryId], email_id: Path[QueryId]
) -> Status[None]:
    require(request, CUSTOMER_EMAIL_CHANGE)
    email = _email(request, customer_id, email_id)
    try:
        customer_email_remove(email=email, actor=actor_of(request))
    except CustomerError as exc:
        raise unprocessable("email_id", exc.message, source="path") from exc
    return Status(204, None)


@router.post(
    "/{customer_id}/emails/{email_id}/primary",
    response={200: EmailOut, **OBJECT_READ},
    summary="Make an address the customer's primary one",
)
def customer_email_primary_endpoint(
    request: HttpRequest, customer_id: Path[QueryId], email_id: Path[QueryId]
) -> CustomerEmail:
    require(request, CUSTOMER_EMAIL_CHANGE)
    email = _email(request, customer_id, email_id)
    return customer_email_make_primary(email=email, actor=actor_of(request))


# -- consents ------------------------------------------------------------------------------


def _consents(request: HttpRequest, customer: Customer) -> QuerySet[Consent]:
    return Consent.objects.for_workspace(workspace_of(request)).filter(customer=customer)


@router.get(
    "/{customer_id}/consents",
    response={200: list[ConsentOut], **OBJECT_READ},
    summary="A customer's consent records, oldest first",
)
def customer_consent_list(request: HttpRequest, customer_id: Path[QueryId]) -> Any:
    customer = scoped_get(Customer, workspace_of(request), customer_id)
    return _consents(request, customer).order_by("granted_at", "pk")


@router.post(
    "/{customer_id}/consents",
    response={201: ConsentOut, **OBJECT_WRITE},
    summary="Record a consent the customer gave, with the caller's IP address",
)
def customer_consent_grant_endpoint(
    request: HttpRequest, customer_id: Path[QueryId], payload: ConsentIn
) -> Status[Consent]:
    require(request, CONSENT_GRANT)
    consent = consent_grant(
        customer=scoped_get(Customer, workspace_of(request), customer_id),
        purpose=payload.purpose,
        channel=payload.channel,
        source=payload.source,
        ip=client_ip(request),
        actor=actor_of(request),
    )
    return Status(201, consent)


@router.post(
    "/{customer_id}/consents/{consent_id}/withdraw",
    response={200: ConsentOut, **OBJECT_READ},
    summary="Withdraw a consent, with every active one of the same purpose and channel",
)
def customer_consent_withdraw_endpoint(
    request: HttpRequest, customer_id: Path[QueryId], consent_id: Path[QueryId]
) -> Consent:
    require(request, CONSENT_WITHDRAW)
    customer = scoped_get(Customer, workspace_of(request), customer_id)
    consent = scoped_get(
        Consent.objects.filter(customer=customer), workspace_of(request), consent_id
    )
    try:
        return consent_record_withdraw(
            consent=consent,
            actor=actor_of(request),
            source=CONSENT_SOURCE_API,
            ip=client_ip(request),
        )
    except CustomerError as exc:
        raise unprocessable("consent_id", exc.message, source="path") from exc


keep_operation_ids(router, "clientela.api.routers.customers")
