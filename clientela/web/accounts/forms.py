"""Forms of the sign-in, team and token pages. They only parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clientela.accounts.models import Role
from clientela.accounts.services import login_is_locked


class LoginForm(AuthenticationForm):
    """E-mail and password. After too many failures, one message, account or not."""

    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail or the password is wrong."),
        "inactive": _("This account is disabled."),
        "locked": _("Too many failed attempts; try again in 30 minutes."),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            email = self.cleaned_data.get("username") or ""
            if email and login_is_locked(email=email):
                raise ValidationError(self.error_messages["locked"], code="locked") from None
            raise


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Where the token will be used, e.g. “accounting export”."),
    )


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of an existing user"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
