"""The form of the retention settings page."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from clientela.retention.models import AUTOMATIC, RetentionModel


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
    # Not required: a form without it (an older page) keeps the saved model.
    model = forms.ChoiceField(
        required=False,
        label=_("Model of the scores"),
        choices=[
            (AUTOMATIC, _("Automatic: the one that forecasts your own sales best")),
            *RetentionModel.choices,
        ],
        help_text=_(
            "Automatic tries every model on your most recent sales at each refresh and keeps "
            "the one that forecast them best. Choose a model to use it always."
        ),
    )
