"""Orders by hand: the new-order form with its lines, the order page and its status changes,
and a product's page with the orders it was sold in.

The line editor needs no script: "Add a line" and "Remove" are submit buttons that post the
form back, and the page comes back with one line more or less and every value kept.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.accounts.scoping import scoped_get
from clientela.commerce.models import Order, Product
from clientela.commerce.policy import ORDER_CREATE, ORDER_UPDATE
from clientela.commerce.selectors import product_list, product_orders
from clientela.commerce.services import (
    ORDER_TRANSITIONS,
    CommerceError,
    order_status_change,
    sale_record,
)
from clientela.customers.models import Customer
from clientela.customers.selectors import CustomerFilters, customer_by_email, customer_page
from clientela.customers.services import CustomerError
from clientela.timeline.models import Event
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.commerce.forms import (
    LINES_MAX,
    PICKABLE_PRODUCTS,
    LineFormSet,
    OrderForm,
    StatusForm,
    picked_product_id,
    product_choice,
)

LINE_FIELDS = ("item", "quantity", "unit_price")
FOUND_MAX = 10  # customers a search on the form offers
ORDER_FIELDS = ("customer", "email", "first_name", "last_name", "placed_on", "external_id")


def _zone(request: WorkspaceRequest) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(request.workspace.time_zone)


def _posted_lines(data: QueryDict) -> list[dict[str, str]]:
    """The lines as posted, unchecked: what the page shows again after adding or removing."""
    try:
        count = min(int(data.get("lines-TOTAL_FORMS", "0")), LINES_MAX)
    except ValueError:
        count = 0
    return [{f: data.get(f"lines-{i}-{f}", "")[:220] for f in LINE_FIELDS} for i in range(count)]


def _edited(data: QueryDict) -> list[dict[str, str]] | None:
    """The lines after an "Add a line" or "Remove" button, or None for the real submit."""
    rows = _posted_lines(data)
    if "add_line" in data:
        if len(rows) < LINES_MAX:
            rows.append({"item": "", "quantity": "1", "unit_price": ""})
        return rows
    removed = data.get("remove_line")
    if removed is not None:
        if removed.isdigit() and int(removed) < len(rows):
            del rows[int(removed)]
        return rows
    return None


def _page(
    request: WorkspaceRequest, form: OrderForm, lines: Any, customer: Customer | None
) -> HttpResponse:
    products = product_list(workspace=request.workspace)[:PICKABLE_PRODUCTS]
    query = request.GET.get("q", "").strip()[:100] if customer is None else ""
    found = (
        customer_page(
            workspace=request.workspace, filters=CustomerFilters(search=query), size=FOUND_MAX
        ).rows
        if query
        else []
    )
    context = {
        "query": query,
        "found": found,
        "form": form,
        "lines": lines,
        "customer": customer,
        "product_choices": [(product_choice(p), p) for p in products],
        "lines_max": LINES_MAX,
    }
    return render(request, "web/orders/form.html", context)


def _chosen_customer(request: WorkspaceRequest, value: Any) -> Customer | None:
    text = str(value or "")
    return scoped_get(Customer, request.workspace, int(text)) if text.isdigit() else None


def _placed_at(request: WorkspaceRequest, day: Any) -> datetime:
    """The moment of a sale entered for `day`: now if it is today, else midday, locally."""
    zone = _zone(request)
    if day == timezone.localdate(timezone=zone):
        return timezone.localtime(timezone=zone)
    return datetime.combine(day, time(12), tzinfo=zone)


def _sale_lines(request: WorkspaceRequest, lines: Any) -> list[dict[str, Any]] | None:
    """The service's lines from the valid formset, or None after marking the lines' errors."""
    result: list[dict[str, Any]] = []
    for line in lines.forms:
        if line.is_blank():
            continue
        data = line.cleaned_data
        item = data["item"].strip()
        product = None
        product_id = picked_product_id(item)
        if product_id is not None:
            found = Product.objects.for_workspace(request.workspace).filter(pk=product_id)
            product = found.first()
            if product is None:
                line.add_error("item", _("Unknown product."))
                continue
        price = data["unit_price"]
        if price is None:
            if product is None:
                line.add_error("unit_price", _("Enter the unit price."))
                continue
            price = product.price
        result.append(
            {
                "product": product,
                "description": "" if product else item[:200],
                "quantity": data["quantity"] or 1,
                "unit_price": price,
            }
        )
    if any(line.errors for line in lines.forms):
        return None
    return result


@workspace_view(ORDER_CREATE)
def order_new(request: WorkspaceRequest) -> HttpResponse:
    if request.method != "POST":
        customer = _chosen_customer(request, request.GET.get("customer"))
        initial = {
            "placed_on": timezone.localdate(timezone=_zone(request)),
            "customer": customer.pk if customer else None,
        }
        form = OrderForm(initial=initial)
        blank = [{"item": "", "quantity": "1", "unit_price": ""}]
        return _page(request, form, LineFormSet(prefix="lines", initial=blank), customer)
    customer = _chosen_customer(request, request.POST.get("customer"))
    edited = _edited(request.POST)
    if edited is not None:
        again = OrderForm(initial={f: request.POST.get(f, "")[:254] for f in ORDER_FIELDS})
        return _page(request, again, LineFormSet(prefix="lines", initial=edited), customer)
    form = OrderForm(request.POST)
    lines = LineFormSet(request.POST, prefix="lines")
    if form.is_valid() and lines.is_valid():
        sale = _sale_lines(request, lines)
        if sale is not None:
            order = _record(request, form, sale, customer)
            if order is not None:
                messages.success(request, _("Order %(order)s recorded.") % {"order": order})
                return redirect("web:order", ws=request.workspace.slug, pk=order.pk)
    return _page(request, form, lines, customer)


def _record(
    request: WorkspaceRequest, form: OrderForm, sale: list[dict[str, Any]], customer: Any
) -> Order | None:
    data = form.cleaned_data
    if customer is None and data["email"]:
        customer = customer_by_email(workspace=request.workspace, address=data["email"])
    new_customer = {
        "email": data["email"],
        "first_name": data["first_name"],
        "last_name": data["last_name"],
    }
    try:
        return sale_record(
            workspace=request.workspace,
            actor=request.user,
            customer=customer,
            new_customer=new_customer,
            placed_at=_placed_at(request, data["placed_on"]),
            lines=sale,
            external_id=data["external_id"] or None,
        )
    except (CommerceError, CustomerError) as error:
        field = {"placed_at": "placed_on", "customer": "email"}.get(error.field, error.field)
        form.add_error(field if field in form.fields else None, error.message)
        return None


@workspace_view()
def order_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    orders = Order.objects.select_related("customer").prefetch_related("lines__product")
    order = scoped_get(orders, request.workspace, pk)
    events = (
        Event.objects.for_workspace(request.workspace)
        .filter(customer_id=order.customer_id, subject_type="order", subject_id=order.pk)
        .select_related("actor")
        .order_by("-at", "-pk")[:50]
    )
    context = {
        "order": order,
        "lines": sorted(order.lines.all(), key=lambda line: line.pk),
        "transitions": ORDER_TRANSITIONS.get(order.status, ()),
        "timeline": list(events),
    }
    return render(request, "web/orders/detail.html", context)


@workspace_view(ORDER_UPDATE)
@require_POST
def order_status(request: WorkspaceRequest, pk: int) -> HttpResponse:
    order = scoped_get(Order, request.workspace, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown status."))
    else:
        try:
            order_status_change(order=order, actor=request.user, status=form.cleaned_data["status"])
        except CommerceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("The order is now %(status)s.") % {"status": order.get_status_display()}
            )
    return redirect("web:order", ws=request.workspace.slug, pk=pk)


@workspace_view()
def product_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    product = scoped_get(Product, request.workspace, pk)
    orders = product_orders(workspace=request.workspace, product_id=product.pk)
    sold = [
        (order, [line for line in order.lines.all() if line.product_id == product.pk])
        for order in orders
    ]
    return render(request, "web/products/detail.html", {"product": product, "sold": sold})
