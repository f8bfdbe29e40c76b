"""Signing in and out, the workspace chooser and the language switch; the member's API
tokens and, for owners, the team: who is in the workspace with which role."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from clientela.accounts.models import ApiToken, Invitation, Membership, Role, User
from clientela.accounts.policy import (
    CHECKLIST_DISMISS,
    TEAM_VIEW,
    TOKEN_CREATE,
    TOKEN_REVOKE,
    WORKSPACE_UPDATE,
)
from clientela.accounts.scoping import scoped_get
from clientela.accounts.selectors import invitations_open, team, token_get, tokens_active
from clientela.accounts.services import (
    MembershipError,
    checklist_dismiss,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    membership_remove,
    membership_role_change,
    token_create,
    token_revoke,
    workspace_update,
)
from clientela.accounts.services.workspace import DETAILS
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.accounts.forms import (
    InvitationForm,
    LoginForm,
    MemberRoleForm,
    TokenForm,
    WorkspaceDetailsForm,
)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "web/auth/login.html"
    redirect_authenticated_user = True

    # LoginView.form_valid takes AuthenticationForm; ours is its subclass, narrowed for mypy.
    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        # The interface speaks the user's language from the first page after login.
        user = form.get_user()
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
        return response


login = LoginView.as_view()
logout = auth_views.LogoutView.as_view()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Straight to the only workspace, or a chooser when the user belongs to several."""
    memberships = list(
        Membership.objects.filter(user=cast(User, request.user))
        .select_related("workspace")
        .order_by("workspace__name")
    )
    if len(memberships) == 1:
        return redirect("web:dashboard", ws=memberships[0].workspace.slug)
    return render(request, "web/auth/choose.html", {"memberships": memberships})


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Django's `set_language`, and for a signed-in user the choice is kept on the account."""
    response = set_language(request)
    code = request.POST.get("language", "")
    if (
        isinstance(response, HttpResponseRedirect)
        and request.user.is_authenticated
        and translation.check_for_language(code)
        and code in dict(settings.LANGUAGES)
    ):
        user = request.user
        user.language = code
        user.save(update_fields=["language"])
    return response


# -- API tokens and the team ---------------------------------------------------------------


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
    """The members and the open invitations. A person joins only by accepting an invitation:
    the answer to an invite never says whether the address has an account elsewhere."""
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_create(
                workspace=request.workspace,
                email=form.cleaned_data["email"],
                role=Role(form.cleaned_data["role"]),
                actor=request.user,
            )
        except MembershipError as error:
            form.add_error("email", error.message)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"].lower()},
            )
            return redirect("web:team", ws=request.workspace.slug)
    context = {
        "form": form,
        "members": team(workspace=request.workspace),
        "invitations": invitations_open(workspace=request.workspace),
        "roles": Role.choices,
    }
    return render(request, "web/accounts/team.html", context)


@workspace_view(TEAM_VIEW)
@require_POST
def team_invitation(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Resend an invitation (`action=resend`, a new link) or revoke it (`action=revoke`)."""
    invitation = scoped_get(Invitation.objects.select_related("workspace"), request.workspace, pk)
    try:
        if request.POST.get("action") == "revoke":
            invitation_revoke(invitation=invitation, actor=request.user)
            messages.success(
                request, _("Invitation to %(email)s revoked.") % {"email": invitation.email}
            )
        else:
            invitation_resend(invitation=invitation, actor=request.user)
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
    except MembershipError as error:
        messages.error(request, error.message)
    return redirect("web:team", ws=request.workspace.slug)


@workspace_view(WORKSPACE_UPDATE)
def workspace_details(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    initial = {field: getattr(workspace, field) for field in DETAILS}
    form = WorkspaceDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        workspace_update(workspace=workspace, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Shop details saved."))
        return redirect("web:workspace_details", ws=workspace.slug)
    return render(request, "web/accounts/workspace.html", {"form": form})


@workspace_view(CHECKLIST_DISMISS)
@require_POST
def checklist_dismiss_view(request: WorkspaceRequest) -> HttpResponse:
    checklist_dismiss(workspace=request.workspace, actor=request.user)
    return redirect("web:dashboard", ws=request.workspace.slug)


# Seeing the team is the gate; each change is then refused or allowed by its service.
@workspace_view(TEAM_VIEW)
@require_POST
def team_member(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Change a member's role, or remove them (`action=remove`)."""
    membership = scoped_get(
        Membership.objects.select_related("user", "workspace"), request.workspace, pk
    )
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
