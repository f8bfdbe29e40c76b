"""Forms of forwarding. They only parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clientela.forwarding.models import MIN_ORDERS_MAX, RATE_MAX, SIZE_KB_MAX, SIZE_KB_MIN
from clientela.forwarding.services import DOMAINS_MAX


class GrantForm(forms.Form):
    email = forms.EmailField(label=_("Customer's e-mail address"), max_length=254)
    local_part = forms.CharField(
        label=_("Alias (before the @)"),
        max_length=40,
        required=False,
        help_text=_("Empty: made from the customer's name."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(max_length=200, required=False)


class ForwardingSettingsForm(forms.Form):
    domains = forms.CharField(
        label=_("Forwarding domains, one per line"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=DOMAINS_MAX * 254,
        required=False,
        help_text=_("Each domain's MX record must point at this install's forwarding service."),
    )
    min_orders = forms.IntegerField(
        label=_("Grant an alias to customers with at least this many orders"),
        min_value=1,
        max_value=MIN_ORDERS_MAX,
        required=False,
        help_text=_("Empty: only by hand."),
    )
    rate_per_hour = forms.IntegerField(
        label=_("Messages forwarded per alias and hour"), min_value=1, max_value=RATE_MAX
    )
    max_message_kb = forms.IntegerField(
        label=_("Largest message forwarded (KB)"), min_value=SIZE_KB_MIN, max_value=SIZE_KB_MAX
    )

    def domain_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["domains"].splitlines() if line.strip()]
