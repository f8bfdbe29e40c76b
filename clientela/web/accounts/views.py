"""The member's API tokens and, for owners, the team: who is in the workspace with which role."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.accounts.models import ApiToken, Membership, Role, User
from clientela.accounts.policy import TEAM_VIEW, TOKEN_CREATE, TOKEN_REVOKE
from clientela.accounts.selectors import member_get, team, token_get, tokens_active
from clientela.accounts.services import (
    MembershipError,
    membership_add,
    membership_remove,
    membership_role_change,
    token_create,
    token_revoke,
)
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.forms import MemberAddForm, MemberRoleForm, TokenForm


@workspace_view(TOKEN_CREATE)
def token_index(request: WorkspaceRequest) -> HttpResponse:
    """List and create. A new token's secret is in this one response only, never stored."""
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        issued = token_create(membership=request.membership, name=form.cleaned_data["name"])
        form = TokenForm()
    context = {
        "form": form,
        "issued": issued,
        "tokens": tokens_active(membership=request.membership),
    }
    response = render(request, "web/accounts/tokens.html", context)
    # The secret must not linger in a shared cache or the browser's back-forward cache.
    response["Cache-Control"] = "no-store"
    return response


@workspace_view(TOKEN_REVOKE)
@require_POST
def token_revoke_view(request: WorkspaceRequest, pk: int) -> HttpResponse:
    try:
        token = token_get(membership=request.membership, pk=pk)
    except ApiToken.DoesNotExist:
        raise Http404 from None
    token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("web:tokens", ws=request.workspace.slug)


@workspace_view(TEAM_VIEW)
def team_index(request: WorkspaceRequest) -> HttpResponse:
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(email=form.cleaned_data["email"].strip().lower()).first()
        if user is None:
            form.add_error("email", _("No user has this e-mail address."))
        else:
            try:
                membership_add(
                    workspace=request.workspace,
                    user=user,
                    role=Role(form.cleaned_data["role"]),
                    actor=request.user,
                )
            except MembershipError as error:
                form.add_error("email", error.message)
            else:
                return redirect("web:team", ws=request.workspace.slug)
    context = {"form": form, "members": team(workspace=request.workspace), "roles": Role.choices}
    return render(request, "web/accounts/team.html", context)


# Seeing the team is the gate; each change is then refused or allowed by its service.
@workspace_view(TEAM_VIEW)
@require_POST
def team_member(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Change a member's role, or remove them (`action=remove`)."""
    try:
        membership = member_get(workspace=request.workspace, pk=pk)
    except Membership.DoesNotExist:
        raise Http404 from None
    try:
        if request.POST.get("action") == "remove":
            membership_remove(membership=membership, actor=request.user)
        else:
            form = MemberRoleForm(request.POST)
            if form.is_valid():
                role = Role(form.cleaned_data["role"])
                membership_role_change(membership=membership, role=role, actor=request.user)
    except MembershipError as error:
        messages.error(request, error.message)
    return redirect("web:team", ws=request.workspace.slug)
