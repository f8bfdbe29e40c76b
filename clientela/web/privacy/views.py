"""A customer's rights on the web: download everything held, erase on request, and the
workspace's retention period."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clientela.accounts.scoping import scoped_get, settings_for
from clientela.customers.models import Customer
from clientela.privacy.export import customer_data_export, export_name
from clientela.privacy.models import PrivacySettings
from clientela.privacy.policy import (
    CUSTOMER_DATA_EXPORT,
    CUSTOMER_ERASE,
    PRIVACY_SETTINGS_UPDATE,
)
from clientela.privacy.services import PrivacyError, customer_erase, privacy_settings_update
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.privacy.forms import EraseForm, PrivacySettingsForm


@workspace_view(CUSTOMER_DATA_EXPORT)
def customer_data_download(request: WorkspaceRequest, pk: int) -> HttpResponse:
    customer = scoped_get(Customer, request.workspace, pk)
    content = customer_data_export(customer=customer, actor=request.user)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export_name(customer)}"'
    return response


@workspace_view(CUSTOMER_ERASE)
def customer_erase_page(request: WorkspaceRequest, pk: int) -> HttpResponse:
    customer = scoped_get(Customer, request.workspace, pk)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            kept = customer_erase(customer=customer, actor=request.user)
        except PrivacyError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Personal data erased; %(count)s order is kept, anonymised.",
                    "Personal data erased; %(count)s orders are kept, anonymised.",
                    kept,
                )
                % {"count": kept},
            )
        return redirect("web:customer", ws=request.workspace.slug, pk=customer.pk)
    return render(request, "web/privacy/erase.html", {"customer": customer, "form": form})


@workspace_view(PRIVACY_SETTINGS_UPDATE)
def privacy_settings_page(request: WorkspaceRequest) -> HttpResponse:
    current = settings_for(PrivacySettings, request.workspace)
    form = PrivacySettingsForm(
        request.POST or None, initial={"retention_days": current.retention_days}
    )
    if request.method == "POST" and form.is_valid():
        try:
            privacy_settings_update(
                workspace=request.workspace,
                actor=request.user,
                retention_days=form.cleaned_data["retention_days"],
            )
        except PrivacyError as error:
            form.add_error("retention_days", error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:privacy_settings", ws=request.workspace.slug)
    return render(request, "web/privacy/settings.html", {"form": form})
