"""Forwarding on the web: the aliases (grant, revoke), the settings, the customer's opt-out."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.accounts.scoping import scoped_get, settings_for
from clientela.customers.models import Customer
from clientela.customers.normalize import InvalidEmail, normalize_email
from clientela.forwarding.models import Alias, ForwardingDomain, ForwardingSettings
from clientela.forwarding.notice import alias_from_notice_token, alias_notice_opt_out
from clientela.forwarding.policy import (
    ALIAS_GRANT,
    ALIAS_REVOKE,
    ALIAS_VIEW,
    FORWARDING_SETTINGS_UPDATE,
)
from clientela.forwarding.services import (
    ForwardingError,
    alias_from_opt_out_token,
    alias_grant,
    alias_opt_out,
    alias_revoke,
    forwarding_settings_update,
)
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.forwarding.forms import ForwardingSettingsForm, GrantForm, RevokeForm

LIST_MAX = 200


@workspace_view(ALIAS_VIEW)
def aliases_page(request: WorkspaceRequest) -> HttpResponse:
    rows = (
        Alias.objects.for_workspace(request.workspace)
        .select_related("domain", "customer")
        .order_by("-pk")
    )
    return render(
        request,
        "web/forwarding/aliases.html",
        {
            "aliases": rows[:LIST_MAX],
            "total": rows.count(),
            "form": GrantForm(),
            "domains": ForwardingDomain.objects.for_workspace(request.workspace).exists(),
        },
    )


@workspace_view(ALIAS_GRANT)
@require_POST
def alias_grant_page(request: WorkspaceRequest) -> HttpResponse:
    form = GrantForm(request.POST)
    if form.is_valid():
        try:
            address = normalize_email(form.cleaned_data["email"])
        except InvalidEmail:
            address = ""
        customer = (
            Customer.objects.for_workspace(request.workspace).filter(email=address).first()
            if address
            else None
        )
        if customer is None:
            messages.error(request, _("No customer has this e-mail address."))
        else:
            try:
                alias = alias_grant(
                    workspace=request.workspace,
                    actor=request.user,
                    customer=customer,
                    local_part=form.cleaned_data["local_part"],
                    reason=form.cleaned_data["reason"],
                )
            except ForwardingError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Granted %(address)s.") % {"address": alias.address})
    else:
        messages.error(request, _("Check the e-mail address and the alias."))
    return redirect("web:aliases", ws=request.workspace.slug)


@workspace_view(ALIAS_REVOKE)
@require_POST
def alias_revoke_page(request: WorkspaceRequest, pk: int) -> HttpResponse:
    alias = scoped_get(Alias.objects.select_related("domain"), request.workspace, pk)
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if alias_revoke(alias=alias, actor=request.user, reason=reason):
        messages.success(request, _("Revoked %(address)s.") % {"address": alias.address})
    return redirect("web:aliases", ws=request.workspace.slug)


@workspace_view(FORWARDING_SETTINGS_UPDATE)
def forwarding_settings_page(request: WorkspaceRequest) -> HttpResponse:
    current = settings_for(ForwardingSettings, request.workspace)
    domains = ForwardingDomain.objects.for_workspace(request.workspace).order_by("domain")
    form = ForwardingSettingsForm(
        request.POST or None,
        initial={
            "domains": "\n".join(domains.values_list("domain", flat=True)),
            "min_orders": current.min_orders,
            "rate_per_hour": current.rate_per_hour,
            "max_message_kb": current.max_message_kb,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            forwarding_settings_update(
                workspace=request.workspace,
                actor=request.user,
                domains=form.domain_list(),
                min_orders=form.cleaned_data["min_orders"],
                rate_per_hour=form.cleaned_data["rate_per_hour"],
                max_message_kb=form.cleaned_data["max_message_kb"],
            )
        except ForwardingError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:forwarding_settings", ws=request.workspace.slug)
    return render(request, "web/forwarding/settings.html", {"form": form})


def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's link: GET asks (link scanners follow GETs), POST turns forwarding off."""
    alias = alias_from_opt_out_token(token)
    if alias is None:
        raise Http404
    done = False
    if request.method == "POST":
        alias = alias_opt_out(token=token) or alias
        done = True
    return render(
        request,
        "web/forwarding/opt_out.html",
        {"alias": alias, "shop": alias.workspace, "done": done},
    )


def notice_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """The grant notice's link: GET asks (link scanners follow GETs), POST turns forwarding
    off; once used, or once the alias changed since, the link says so plainly."""
    found = alias_from_notice_token(token)
    if found is None:
        raise Http404
    alias, fresh = found
    done = False
    if request.method == "POST" and fresh:
        result = alias_notice_opt_out(token=token)
        assert result is not None  # the token was just read
        alias, done = result
        fresh = False
    context = {"alias": alias, "shop": alias.workspace, "done": done, "fresh": fresh}
    return render(request, "web/forwarding/notice_opt_out.html", context)
