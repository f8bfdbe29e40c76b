"""The invitation link: whoever holds it joins the workspace with the invited role, by
setting a name and a password (no account yet) or by logging in with the invited address.

The secret stays in the URL, like the reset link's until its first use; pages under it
send no Referer beyond this site (SECURE_REFERRER_POLICY "same-origin").
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clientela.accounts.models import Membership, User
from clientela.accounts.services import (
    InvitationUnusable,
    MembershipError,
    invitation_accept,
    invitation_accept_new_user,
    invitation_for_link,
)
from clientela.web.accounts.forms import InvitationAcceptForm

# Unknown links are as missing as any page; the others are gone for good.
_STATUS = {"unknown": 404, "expired": 410, "accepted": 410, "revoked": 410}


def _unusable(request: HttpRequest, error: InvitationUnusable) -> HttpResponse:
    invitation = error.invitation
    context = {
        "reason": error.reason,
        "workspace": invitation.workspace.name if invitation else "",
    }
    response = render(
        request, "web/auth/invitation_unusable.html", context, status=_STATUS[error.reason]
    )
    response["Cache-Control"] = "no-store"
    return response


def _accept(
    request: HttpRequest, token: str, form: InvitationAcceptForm | None
) -> Membership | None:
    """Accept as the signed-in user, or as a new account from the form (None: form invalid)."""
    if request.user.is_authenticated:
        return invitation_accept(secret=token, user=request.user)
    if form is None or not form.is_valid():
        return None
    membership = invitation_accept_new_user(
        secret=token, name=form.cleaned_data["name"], password=form.cleaned_data["new_password"]
    )
    login(request, membership.user, backend="clientela.accounts.backends.LockoutBackend")
    return membership


def _welcome(request: HttpRequest, membership: Membership) -> HttpResponse:
    workspace = membership.workspace
    messages.success(request, _("Welcome to %(workspace)s.") % {"workspace": workspace.name})
    response = redirect("web:dashboard", ws=workspace.slug)
    # The interface speaks the new member's language from the first page.
    language = membership.user.language
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = invitation_for_link(token)
    except InvitationUnusable as unusable:
        return _unusable(request, unusable)
    has_account = User.objects.filter(email=found.email).exists()
    form = InvitationAcceptForm(request.POST or None) if not has_account else None
    refusal = ""
    if request.method == "POST":
        try:
            membership = _accept(request, token, form)
        except InvitationUnusable as unusable:
            return _unusable(request, unusable)
        except MembershipError as refused:
            refusal = refused.message
        except ValidationError as invalid:
            if form is not None:
                form.add_error("new_password", invalid)
        else:
            if membership is not None:
                return _welcome(request, membership)
    context = {
        "invitation": found,
        "form": form,
        "has_account": has_account,
        "error": refusal,
        "login_url": f"/login/?next={request.path}",
    }
    response = render(request, "web/auth/invitation.html", context)
    response["Cache-Control"] = "no-store"
    return response
