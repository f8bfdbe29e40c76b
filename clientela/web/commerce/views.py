"""Orders list (keyset pagination, filters) and the products list with create and edit."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render

from clientela.accounts.scoping import scoped_get
from clientela.commerce.models import Product
from clientela.commerce.policy import PRODUCT_CREATE, PRODUCT_UPDATE
from clientela.commerce.selectors import order_page, product_list
from clientela.commerce.services import CommerceError, product_create, product_update
from clientela.customers.selectors import keyset_page
from clientela.imports.policy import ORDER_EXPORT
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.commerce.forms import OrderFilterForm, ProductForm, list_filters
from clientela.web.exporting import ORDER_FILTERS, export_link


@workspace_view()
def order_list(request: WorkspaceRequest) -> HttpResponse:
    form = OrderFilterForm.of(request.GET)
    page = order_page(workspace=request.workspace, filters=list_filters(form), **form.position())
    context = {"form": form, "page": page, **export_link(request, ORDER_EXPORT, ORDER_FILTERS)}
    if request.htmx and request.htmx.target == "order-rows":
        return render(request, "web/orders/_rows.html", context)
    return render(request, "web/orders/list.html", context)


@workspace_view()
def product_index(request: WorkspaceRequest) -> HttpResponse:
    after = request.GET.get("after", "")
    before = request.GET.get("before", "")
    page = keyset_page(
        product_list(workspace=request.workspace),
        after=int(after) if after.isdigit() else None,
        before=int(before) if before.isdigit() else None,
    )
    return render(request, "web/products/list.html", {"page": page})


def _product_form_page(
    request: WorkspaceRequest, form: ProductForm, product: Product | None
) -> HttpResponse:
    return render(request, "web/products/form.html", {"form": form, "product": product})


@workspace_view(PRODUCT_CREATE)
def product_new(request: WorkspaceRequest) -> HttpResponse:
    form = ProductForm(request.POST or None, initial={"currency": request.workspace.currency})
    if request.method == "POST" and form.is_valid():
        try:
            product_create(workspace=request.workspace, actor=request.user, **form.cleaned_data)
        except CommerceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("web:products", ws=request.workspace.slug)
    return _product_form_page(request, form, None)


@workspace_view(PRODUCT_UPDATE)
def product_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    product = scoped_get(Product, request.workspace, pk)
    initial = {name: getattr(product, name) for name in ProductForm.base_fields}
    form = ProductForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            product_update(product=product, actor=request.user, **form.cleaned_data)
        except CommerceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("web:products", ws=request.workspace.slug)
    return _product_form_page(request, form, product)
