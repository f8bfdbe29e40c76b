"""Customer pages: the list with search and filters, one customer, create and edit, and the
forms of the customer page that change its addresses and consents.

Those forms post to views that redirect back to the customer page (post/redirect/get), with
the outcome or the service's refusal as a message; GET is refused.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.accounts.client import client_ip
from clientela.accounts.scoping import scoped_get
from clientela.commerce.selectors import customer_orders
from clientela.customers.models import Consent, Customer, CustomerEmail
from clientela.customers.policy import (
    CONSENT_GRANT,
    CONSENT_WITHDRAW,
    CUSTOMER_CREATE,
    CUSTOMER_EMAIL_CHANGE,
    CUSTOMER_TAGS_SET,
    CUSTOMER_UPDATE,
)
from clientela.customers.selectors import customer_page, tag_names
from clientela.customers.services import (
    CONSENT_SOURCE_MANUAL,
    CustomerError,
    consent_grant,
    consent_record_withdraw,
    customer_create,
    customer_email_add,
    customer_email_make_primary,
    customer_email_remove,
    customer_tags_set,
    customer_update,
)
from clientela.imports.policy import CUSTOMER_EXPORT
from clientela.retention.models import Segment
from clientela.retention.reports import scores_by_customer
from clientela.timeline.models import Event
from clientela.web import nav
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.customers.forms import (
    ConsentGrantForm,
    CustomerFilterForm,
    CustomerForm,
    EmailAddForm,
    TagsForm,
    list_filters,
)
from clientela.web.exporting import CUSTOMER_FILTERS, export_link

TIMELINE_PAGE_SIZE = 20


@workspace_view()
def customer_list(request: WorkspaceRequest) -> HttpResponse:
    form = CustomerFilterForm.of(request.GET)
    page = customer_page(workspace=request.workspace, filters=list_filters(form), **form.position())
    scores = scores_by_customer(request.workspace, [row.pk for row in page.rows])
    for row in page.rows:
        row.score = scores.get(row.pk)
    segment = form.cleaned_data["segment"]
    context = {
        "form": form,
        "page": page,
        "segment": Segment(segment) if segment else None,
        "tags": tag_names(workspace=request.workspace),
        **export_link(request, CUSTOMER_EXPORT, CUSTOMER_FILTERS),
    }
    if request.htmx and request.htmx.target == "customer-rows":
        return render(request, "web/customers/_rows.html", context)
    return render(request, "web/customers/list.html", context)


@workspace_view()
def customer_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    customer = scoped_get(Customer, request.workspace, pk)
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
    customer = scoped_get(Customer, request.workspace, pk)
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
    customer = scoped_get(Customer, request.workspace, pk)
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


# -- the customer page's forms: addresses and consents ---------------------------------


def _email(request: WorkspaceRequest, pk: int, email_pk: int) -> CustomerEmail:
    customer = scoped_get(Customer, request.workspace, pk)
    emails = CustomerEmail.objects.filter(customer=customer).select_related("customer")
    return scoped_get(emails, request.workspace, email_pk)


def _back(request: WorkspaceRequest, pk: int, section: str) -> HttpResponse:
    url = reverse("web:customer", kwargs={"ws": request.workspace.slug, "pk": pk})
    return redirect(f"{url}#{section}")


def _form_errors(request: WorkspaceRequest, form: forms.Form) -> None:
    # The page shows the forms empty again after the redirect, so the reason goes in a message.
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            text = str(error)
            if label:
                text = _("%(field)s: %(error)s") % {"field": label, "error": text}
            messages.error(request, text)


@workspace_view(CUSTOMER_EMAIL_CHANGE)
@require_POST
def email_add(request: WorkspaceRequest, pk: int) -> HttpResponse:
    customer = scoped_get(Customer, request.workspace, pk)
    form = EmailAddForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, pk, "emails")
    try:
        row = customer_email_add(
            customer=customer, address=form.cleaned_data["address"], actor=request.user
        )
    except CustomerError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Address %(email)s added.") % {"email": row.address})
    return _back(request, pk, "emails")


@workspace_view(CUSTOMER_EMAIL_CHANGE)
@require_POST
def email_primary(request: WorkspaceRequest, pk: int, email_pk: int) -> HttpResponse:
    email = _email(request, pk, email_pk)
    customer_email_make_primary(email=email, actor=request.user)
    messages.success(request, _("%(email)s is now the primary address.") % {"email": email.address})
    return _back(request, pk, "emails")


@workspace_view(CUSTOMER_EMAIL_CHANGE)
@require_POST
def email_remove(request: WorkspaceRequest, pk: int, email_pk: int) -> HttpResponse:
    email = _email(request, pk, email_pk)
    try:
        customer_email_remove(email=email, actor=request.user)
    except CustomerError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Address %(email)s removed.") % {"email": email.address})
    return _back(request, pk, "emails")


@workspace_view(CONSENT_GRANT)
@require_POST
def consent_add(request: WorkspaceRequest, pk: int) -> HttpResponse:
    customer = scoped_get(Customer, request.workspace, pk)
    form = ConsentGrantForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, pk, "consents")
    consent = consent_grant(
        customer=customer,
        purpose=form.cleaned_data["purpose"],
        channel=form.cleaned_data["channel"],
        source=CONSENT_SOURCE_MANUAL,
        ip=client_ip(request),
        actor=request.user,
    )
    messages.success(
        request,
        _("Consent recorded: %(purpose)s by %(channel)s.")
        % {"purpose": consent.get_purpose_display(), "channel": consent.get_channel_display()},
    )
    return _back(request, pk, "consents")


@workspace_view(CONSENT_WITHDRAW)
@require_POST
def consent_withdraw(request: WorkspaceRequest, pk: int, consent_pk: int) -> HttpResponse:
    customer = scoped_get(Customer, request.workspace, pk)
    consent = scoped_get(Consent.objects.filter(customer=customer), request.workspace, consent_pk)
    try:
        consent_record_withdraw(
            consent=consent, actor=request.user, source=CONSENT_SOURCE_MANUAL, ip=client_ip(request)
        )
    except CustomerError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Consent withdrawn: %(purpose)s by %(channel)s.")
            % {"purpose": consent.get_purpose_display(), "channel": consent.get_channel_display()},
        )
    return _back(request, pk, "consents")
