"""Forms of the sign-in, team and token pages. They only parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clientela.accounts.models import Language, Role
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


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We mail a link; the person sets a password or logs in to accept."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


def _password(label: str | Any, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class NewPasswordForm(forms.Form):
    """A new password typed twice; Django's validators run in the service."""

    new_password = _password(_("New password"), "new-password")
    new_password_again = _password(_("New password again"), "new-password")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two passwords differ."))
        return data


class PasswordChangeForm(NewPasswordForm):
    current_password = _password(_("Current password"), "current-password")
    field_order = ["current_password", "new_password", "new_password_again"]


class PasswordResetForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class InvitationAcceptForm(NewPasswordForm):
    name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    field_order = ["name", "new_password", "new_password_again"]


def _time_zones() -> list[tuple[str, str]]:
    import zoneinfo

    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class WorkspaceDetailsForm(forms.Form):
    name = forms.CharField(label=_("Shop name"), max_length=200)
    currency = forms.RegexField(
        label=_("Currency"),
        regex=r"^[A-Z]{3}$",
        max_length=3,
        help_text=_("The ISO 4217 code, e.g. RON or EUR."),
        error_messages={"invalid": _("Three capital letters, e.g. RON.")},
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zones)
    default_language = forms.ChoiceField(
        label=_("Language of the shop's mail"), choices=Language.choices
    )
