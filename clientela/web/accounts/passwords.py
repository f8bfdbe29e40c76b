"""The password pages: change (signed in), and reset by e-mail (anyone).

The reset request answers the same page whatever the address; the link's token moves into
the session at once and the page continues at a URL without it, so the token never leaves
in a Referer header (what Django's own reset view does).
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clientela.accounts.client import client_ip
from clientela.accounts.models import User
from clientela.accounts.services import (
    PasswordError,
    password_reset_complete,
    password_reset_request,
    password_reset_user,
    user_password_change,
)
from clientela.web.accounts.forms import NewPasswordForm, PasswordChangeForm, PasswordResetForm

_SESSION_TOKEN = "_password_reset_token"  # noqa: S105 - a session key, not a secret
_LINK_STAND_IN = "set-password"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own password. Other sessions of the account end (their session
    hash no longer matches); this one is kept."""
    user = cast(User, request.user)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_password_change(
                user=user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except PasswordError as error:
            form.add_error("current_password", error.message)
        except ValidationError as error:
            form.add_error("new_password", error)
        else:
            update_session_auth_hash(request, user)
            messages.success(
                request, _("Password changed. Your other devices have been signed out.")
            )
            return redirect("web:password_change")
    return _no_store(render(request, "web/auth/password_change.html", {"form": form}))


def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_reset_request(email=form.cleaned_data["email"], ip=client_ip(request))
        return redirect("web:password_reset_sent")
    return render(request, "web/auth/password_reset.html", {"form": form})


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "web/auth/password_reset_sent.html")


def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link from the mail: keep the token in the session and continue without it in
    the URL; then the new password form, while the link holds."""
    if token != _LINK_STAND_IN:
        request.session[_SESSION_TOKEN] = token
        return redirect("web:password_reset_confirm", uidb64=uidb64, token=_LINK_STAND_IN)
    secret = request.session.get(_SESSION_TOKEN, "")
    user = password_reset_user(uidb64=uidb64, token=secret)
    if user is None:
        page = render(request, "web/auth/password_reset_invalid.html", status=404)
        return _no_store(page)
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_complete(
                user=user, token=secret, new_password=form.cleaned_data["new_password"]
            )
        except ValidationError as error:
            form.add_error("new_password", error)
        except PasswordError:
            return _no_store(render(request, "web/auth/password_reset_invalid.html", status=404))
        else:
            del request.session[_SESSION_TOKEN]
            messages.success(request, _("Your password is set. Log in with it."))
            return redirect("web:login")
    return _no_store(render(request, "web/auth/password_reset_confirm.html", {"form": form}))
