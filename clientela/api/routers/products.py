"""Products: list, read, create, change, delete."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Status

from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.errors import OBJECT_READ, OBJECT_WRITE, READ, WRITE, unprocessable
from clientela.api.pagination import page_of
from clientela.api.schemas.commerce import (
    ProductFilters,
    ProductIn,
    ProductOut,
    ProductPage,
    ProductPatch,
)
from clientela.api.types import QueryId
from clientela.commerce.models import Product
from clientela.commerce.policy import PRODUCT_CREATE, PRODUCT_DELETE, PRODUCT_UPDATE
from clientela.commerce.services import (
    CommerceError,
    product_create,
    product_delete,
    product_update,
)

router = Router(tags=["products"])


def _products(request: HttpRequest) -> QuerySet[Product]:
    return Product.objects.for_workspace(workspace_of(request))


def _product(request: HttpRequest, product_id: int) -> Product:
    return get_object_or_404(_products(request), pk=product_id)


@router.get("", response={200: ProductPage, **READ}, summary="List products, newest first")
def product_list(request: HttpRequest, filters: Query[ProductFilters]) -> dict[str, Any]:
    products = _products(request)
    if filters.q:
        products = products.filter(
            Q(name__istartswith=filters.q) | Q(external_id__istartswith=filters.q)
        )
    return page_of(products, filters)


@router.post("", response={201: ProductOut, **WRITE}, summary="Create a product")
def product_create_endpoint(request: HttpRequest, payload: ProductIn) -> Status[Product]:
    require(request, PRODUCT_CREATE)
    workspace = workspace_of(request)
    values = payload.model_dump()
    values["currency"] = values["currency"] or workspace.currency
    try:
        product = product_create(workspace=workspace, actor=actor_of(request), **values)
    except CommerceError as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return Status(201, _product(request, product.pk))


@router.get("/{product_id}", response={200: ProductOut, **OBJECT_READ}, summary="A product")
def product_read(request: HttpRequest, product_id: Path[QueryId]) -> Product:
    return _product(request, product_id)


@router.patch(
    "/{product_id}", response={200: ProductOut, **OBJECT_WRITE}, summary="Change a product"
)
def product_update_endpoint(
    request: HttpRequest, product_id: Path[QueryId], payload: ProductPatch
) -> Product:
    require(request, PRODUCT_UPDATE)
    product = _product(request, product_id)
    try:
        product_update(
            product=product, actor=actor_of(request), **payload.model_dump(exclude_unset=True)
        )
    except CommerceError as exc:
        raise unprocessable(exc.field, exc.message) from exc
    return _product(request, product.pk)


@router.delete(
    "/{product_id}",
    response={204: None, **OBJECT_READ},
    summary="Delete a product; order lines keep their description and price",
)
def product_delete_endpoint(request: HttpRequest, product_id: Path[QueryId]) -> Status[None]:
    require(request, PRODUCT_DELETE)
    product_delete(product=_product(request, product_id), actor=actor_of(request))
    return Status(204, None)
