"""Forms of the customer pages. They only parse input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clientela.accounts.models import Language
from clientela.customers.models import ConsentChannel, ConsentPurpose
from clientela.customers.selectors import CustomerFilters
from clientela.retention.models import Segment
from clientela.web.filters import FilterForm


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


class CustomerFilterForm(FilterForm):
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
    segment = forms.ChoiceField(
        label=_("Segment"), required=False, choices=[("", _("Any")), *Segment.choices]
    )
    after = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


def list_filters(form: CustomerFilterForm) -> CustomerFilters:
    """The selector's filters from a valid filter form (the list and its export)."""
    data = form.cleaned_data
    has_orders = {"yes": True, "no": False}.get(data["orders"])
    return CustomerFilters(
        search=data["q"],
        tag=data["tag"],
        language=data["language"],
        has_orders=has_orders,
        segment=data["segment"],
    )
