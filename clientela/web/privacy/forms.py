"""Forms of a customer's rights. They only parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clientela.privacy.models import RETENTION_DAYS_MAX, RETENTION_DAYS_MIN


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that the personal data cannot be brought back"), required=True
    )


class PrivacySettingsForm(forms.Form):
    retention_days = forms.IntegerField(
        label=_("Erase a silent customer's personal data after (days)"),
        required=False,
        min_value=RETENTION_DAYS_MIN,
        max_value=RETENTION_DAYS_MAX,
        help_text=_(
            "Empty: never. A customer is silent with no order, no consent given and no new "
            "record in that many days; their orders stay, anonymised, in the statistics."
        ),
    )
