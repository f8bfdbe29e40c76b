"""Signing in and out, the workspace chooser, and the language switch."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from clientela.accounts.models import Membership, User
from clientela.web.forms import LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "web/auth/login.html"
    redirect_authenticated_user = True

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
