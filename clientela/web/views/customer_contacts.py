"""A customer's e-mail addresses and consents, changed from the customer page.

Each form posts here and the view redirects back to the customer page (post/redirect/get),
with the outcome or the service's refusal as a message; GET is refused.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.accounts.client import client_ip
from clientela.customers.models import Consent, Customer, CustomerEmail
from clientela.customers.policy import CONSENT_GRANT, CONSENT_WITHDRAW, CUSTOMER_EMAIL_CHANGE
from clientela.customers.selectors import customer_get
from clientela.customers.services import (
    CONSENT_SOURCE_MANUAL,
    CustomerError,
    consent_grant,
    consent_record_withdraw,
    customer_email_add,
    customer_email_make_primary,
    customer_email_remove,
)
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.forms import ConsentGrantForm, EmailAddForm


def _customer(request: WorkspaceRequest, pk: int) -> Customer:
    try:
        return customer_get(workspace=request.workspace, pk=pk)
    except Customer.DoesNotExist:
        raise Http404 from None


def _email(request: WorkspaceRequest, pk: int, email_pk: int) -> CustomerEmail:
    customer = _customer(request, pk)
    emails = CustomerEmail.objects.for_workspace(request.workspace).filter(customer=customer)
    return get_object_or_404(emails.select_related("customer"), pk=email_pk)


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
    customer = _customer(request, pk)
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
    customer = _customer(request, pk)
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
    customer = _customer(request, pk)
    consents = Consent.objects.for_workspace(request.workspace).filter(customer=customer)
    consent = get_object_or_404(consents, pk=consent_pk)
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
