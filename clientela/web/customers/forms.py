"""Forms of the web UI. They only parse input; the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clientela.accounts.models import Language, Role
from clientela.accounts.services import login_is_locked
from clientela.commerce.models import OrderStatus
from clientela.customers.models import ConsentChannel, ConsentPurpose
from clientela.imports.models import ImportKind


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


class CustomerForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address_line = forms.CharField(label=_("Address"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    country = forms.CharField(label=_("Country (2 letters)"), max_length=2, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    external_id = forms.CharField(label=_("External id"), max_length=100, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_country(self) -> str:
        return str(self.cleaned_data["country"]).upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("first_name") or data.get("last_name") or data.get("email")):
            raise ValidationError(_("Give at least a name or an e-mail address."))
        return data


class TagsForm(forms.Form):
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Separate tags with commas."),
    )

    def names(self) -> list[str]:
        return [name.strip()[:60] for name in self.cleaned_data["tags"].split(",") if name.strip()]


class EmailAddForm(forms.Form):
    # Checked and normalised by the service, which also knows the other customers' addresses.
    address = forms.CharField(
        label=_("New address"),
        max_length=254,
        widget=forms.TextInput(attrs={"inputmode": "email", "autocomplete": "off"}),
    )


class ConsentGrantForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=ConsentChannel.choices)


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=60)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any")), *Language.choices]
    )
    orders = forms.ChoiceField(
        label=_("Orders"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Has orders")), ("no", _("No orders"))],
    )
    after = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *OrderStatus.choices]
    )
    placed_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    placed_to = forms.DateField(
        # "To" alone is a mail's recipient elsewhere; Romanian needs another word for each.
        label=pgettext_lazy("end of a date range", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    after = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)
    before = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    price = forms.DecimalField(label=_("Price"), max_digits=12, decimal_places=2, min_value=0)
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3)
    external_id = forms.CharField(label=_("External id"), max_length=100, required=False)

    def clean_currency(self) -> str:
        return str(self.cleaned_data["currency"]).upper()


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(label=_("CSV file"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError(_("Choose a .csv file."))
        return upload


class RetentionSettingsForm(forms.Form):
    clv_margin = forms.DecimalField(
        label=_("Gross margin"),
        max_digits=5,
        decimal_places=4,
        min_value=Decimal("0.0001"),
        max_value=Decimal("1"),
        help_text=_(
            "The share of each sale the shop keeps, from 0 to 1: 0.35 for a margin of 35 "
            "percent. 1 values customers on revenue."
        ),
    )
    clv_annual_discount = forms.DecimalField(
        label=_("Annual discount rate"),
        max_digits=5,
        decimal_places=4,
        min_value=Decimal("0"),
        max_value=Decimal("0.9999"),
        help_text=_(
            "How much less a sale a year from now is worth than one today, from 0 to "
            "below 1: 0.10 for 10 percent a year."
        ),
    )


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
