"""Forms of the order and product pages. They only parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clientela.commerce.models import OrderStatus
from clientela.commerce.selectors import OrderFilters
from clientela.web.filters import FilterForm


class OrderFilterForm(FilterForm):
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


def list_filters(form: OrderFilterForm) -> OrderFilters:
    """The selector's filters from a valid filter form (the list and its export)."""
    data = form.cleaned_data
    return OrderFilters(
        status=data["status"], placed_from=data["placed_from"], placed_to=data["placed_to"]
    )
