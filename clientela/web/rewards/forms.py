"""Forms of the rewards pages: they parse; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from clientela.rewards.models import CatalogueItem, CompensationKind
from clientela.rewards.returns import EARLIEST, LATEST


class ProposeForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Compensation"), queryset=CatalogueItem.objects.none())
    cost = forms.DecimalField(
        label=_("Cost or amount"), min_value=Decimal(0), max_value=Decimal(100000), decimal_places=2
    )
    case_ref = forms.CharField(label=_("Case reference"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    receipt = forms.FileField(
        label=_("Receipt photo (reimbursements; JPEG, PNG or PDF, at most 5 MB)"), required=False
    )

    def __init__(self, *args: object, items: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["item"].queryset = items  # type: ignore[attr-defined]


class CaseProposeForm(forms.Form):
    """A compensation proposed from a complaint case's page: the case is the reference."""

    item = forms.ModelChoiceField(label=_("Compensation"), queryset=CatalogueItem.objects.none())
    cost = forms.DecimalField(
        label=_("Cost or amount"), min_value=Decimal(0), max_value=Decimal(100000), decimal_places=2
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    receipt = forms.FileField(
        label=_("Receipt photo (reimbursements; JPEG, PNG or PDF, at most 5 MB)"), required=False
    )

    def __init__(self, *args: object, items: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["item"].queryset = items  # type: ignore[attr-defined]


# The dates the report accepts (rewards.returns says why).
PERIOD = [MinValueValidator(EARLIEST), MaxValueValidator(LATEST)]


class ReturnForm(forms.Form):
    start = forms.DateField(
        label=_("Cases closed from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=PERIOD,
    )
    end = forms.DateField(
        label=_("to"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=PERIOD,
    )
    days = forms.IntegerField(label=_("Ordered again within (days)"), min_value=1, max_value=730)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end comes after the start."))
        return data


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Certificate code"), max_length=40)


class RedeemForm(CodeForm):
    amount = forms.DecimalField(
        label=_("Amount to take off"),
        min_value=Decimal("0.01"),
        max_value=Decimal(100000),
        decimal_places=2,
    )


class StaffCheckForm(CodeForm):
    """The public page for a signed-in member who may redeem: an amount redeems, none checks."""

    amount = forms.DecimalField(
        label=_("Amount to take off (staff)"),
        min_value=Decimal("0.01"),
        max_value=Decimal(100000),
        decimal_places=2,
        required=False,
    )


class CatalogueItemForm(forms.Form):
    """An item of the catalogue; the service checks the name is free and the cost valid."""

    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=CompensationKind.choices)
    default_cost = forms.DecimalField(
        label=_("Usual cost"), max_digits=10, decimal_places=2, localize=True
    )
