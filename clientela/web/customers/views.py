"""Customer pages: the list with search and filters, one customer, create and edit."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from clientela.accounts.models import Role
from clientela.commerce.selectors import customer_orders
from clientela.customers.models import Consent, Customer, CustomerEmail
from clientela.customers.policy import CUSTOMER_CREATE, CUSTOMER_TAGS_SET, CUSTOMER_UPDATE
from clientela.customers.selectors import CustomerFilters, customer_get, customer_page, tag_names
from clientela.customers.services import (
    CustomerError,
    customer_create,
    customer_tags_set,
    customer_update,
)
from clientela.timeline.models import Event
from clientela.web import nav
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.exporting import CUSTOMER_FILTERS, export_query
from clientela.web.forms import (
    ConsentGrantForm,
    CustomerFilterForm,
    CustomerForm,
    EmailAddForm,
    TagsForm,
)

TIMELINE_PAGE_SIZE = 20


def list_filters(form: CustomerFilterForm) -> CustomerFilters:
    """The selector's filters from a valid filter form (the list and its export)."""
    data = form.cleaned_data
    has_orders = {"yes": True, "no": False}.get(data["orders"])
    return CustomerFilters(
        search=data["q"], tag=data["tag"], language=data["language"], has_orders=has_orders
    )


@workspace_view()
def customer_list(request: WorkspaceRequest) -> HttpResponse:
    form = CustomerFilterForm(request.GET)
    if not form.is_valid():
        form = CustomerFilterForm({})
        form.is_valid()
    page = customer_page(
        workspace=request.workspace,
        filters=list_filters(form),
        after=form.cleaned_data["after"],
        before=form.cleaned_data["before"],
    )
    context = {
        "form": form,
        "page": page,
        "tags": tag_names(workspace=request.workspace),
        # The export is the imports app's; its rule comes with imports/policy.py.
        "can_export": request.membership.has_role(Role.MANAGER),
        "export_query": export_query(request.GET, CUSTOMER_FILTERS),
    }
    if request.htmx and request.htmx.target == "customer-rows":
        return render(request, "web/customers/_rows.html", context)
    return render(request, "web/customers/list.html", context)


def _get(request: WorkspaceRequest, pk: int) -> Customer:
    try:
        return customer_get(workspace=request.workspace, pk=pk)
    except Customer.DoesNotExist:
        raise Http404 from None


@workspace_view()
def customer_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    customer = _get(request, pk)
    workspace = request.workspace
    events = (
        Event.objects.for_workspace(workspace)
        .filter(customer=customer)
        .select_related("actor")
        .order_by("-at", "-pk")
    )
    timeline = Paginator(events, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "customer": customer,
        "emails": CustomerEmail.objects.for_workspace(workspace)
        .filter(customer=customer)
        .order_by("-is_primary", "address"),
        "tags": customer.tags.order_by("name"),
        "consents": Consent.objects.for_workspace(workspace)
        .filter(customer=customer)
        .order_by("-granted_at"),
        "orders": customer_orders(workspace=workspace, customer_id=customer.pk),
        "timeline": timeline,
        "panels": list(nav.CUSTOMER_PANELS),
        # Own ids, apart from the other forms of the page (the panels may have an `address`).
        "email_form": EmailAddForm(auto_id="new_email_%s"),
        "consent_form": ConsentGrantForm(auto_id="new_consent_%s"),
        "tags_form": TagsForm(
            initial={
                "tags": ", ".join(customer.tags.order_by("name").values_list("name", flat=True))
            }
        ),
    }
    if request.htmx and request.htmx.target == "timeline":
        return render(request, "web/customers/_timeline.html", context)
    return render(request, "web/customers/detail.html", context)


def _apply_errors(form: CustomerForm, error: CustomerError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@workspace_view(CUSTOMER_CREATE)
def customer_new(request: WorkspaceRequest) -> HttpResponse:
    form = CustomerForm(
        request.POST or None,
        initial={"language": request.workspace.default_language, "country": "RO"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            customer = customer_create(
                workspace=request.workspace, actor=request.user, **form.cleaned_data
            )
        except CustomerError as error:
            _apply_errors(form, error)
        else:
            return redirect("web:customer", ws=request.workspace.slug, pk=customer.pk)
    return render(request, "web/customers/form.html", {"form": form, "customer": None})


@workspace_view(CUSTOMER_UPDATE)
def customer_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    customer = _get(request, pk)
    initial = {name: getattr(customer, name) for name in CustomerForm.base_fields}
    form = CustomerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            customer_update(customer=customer, actor=request.user, **form.cleaned_data)
        except CustomerError as error:
            _apply_errors(form, error)
        else:
            return redirect("web:customer", ws=request.workspace.slug, pk=customer.pk)
    return render(request, "web/customers/form.html", {"form": form, "customer": customer})


@workspace_view(CUSTOMER_TAGS_SET)
def customer_tags(request: WorkspaceRequest, pk: int) -> HttpResponse:
    customer = _get(request, pk)
    if request.method != "POST":
        return redirect("web:customer", ws=request.workspace.slug, pk=customer.pk)
    form = TagsForm(request.POST)
    if form.is_valid():
        customer_tags_set(customer=customer, names=form.names(), actor=request.user)
    if request.htmx:
        return render(
            request,
            "web/customers/_tags.html",
            {
                "customer": customer,
                "tags": customer.tags.order_by("name"),
                "tags_form": form,
            },
        )
    return redirect("web:customer", ws=request.workspace.slug, pk=customer.pk)
