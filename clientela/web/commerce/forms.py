"""Forms of the order and product pages. They only parse; the services decide."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clientela.commerce.models import OrderStatus, Product
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


# The most lines an order entered by hand may have, and the products offered to pick from.
LINES_MAX = 50
PICKABLE_PRODUCTS = 1000
_PICKED = re.compile(r"^(?P<name>.*) \(#(?P<pk>\d{1,18})\)$")


def product_choice(product: Product) -> str:
    """The text a picked product leaves in a line's field: its name and its id."""
    return f"{product.name} (#{product.pk})"


def picked_product_id(text: str) -> int | None:
    match = _PICKED.match(text.strip())
    return int(match["pk"]) if match else None


class OrderForm(forms.Form):
    """The order's customer and date; its lines are the `LineFormSet` beside it."""

    customer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    email = forms.EmailField(
        label=_("Customer's e-mail"),
        required=False,
        max_length=254,
        help_text=_("A known address picks its customer; a new one creates a customer."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    placed_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    external_id = forms.CharField(label=_("Order number"), max_length=100, required=False)


class LineForm(forms.Form):
    item = forms.CharField(
        label=_("Product or description"),
        max_length=220,
        required=False,
        widget=forms.TextInput(attrs={"list": "product-choices", "autocomplete": "off"}),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=10,
        decimal_places=3,
        min_value=Decimal("0.001"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Leave empty for the product's price."),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("item") and data.get("unit_price") is None


LineFormSet = forms.formset_factory(
    LineForm, extra=0, max_num=LINES_MAX, absolute_max=LINES_MAX, validate_max=True
)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=OrderStatus.choices)
