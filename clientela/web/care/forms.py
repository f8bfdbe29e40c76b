"""Forms of the complaint pages: parse and bound what a member sends."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clientela.care.models import CaseStatus, Category, Channel, Handling, Severity
from clientela.care.services.cases import MAX_COMPLAINT, MAX_NOTE


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Open cases")), ("", _("All")), *CaseStatus.choices],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class CaseForm(forms.Form):
    customer_email = forms.EmailField(
        label=_("Client's e-mail"),
        max_length=254,
        help_text=_("A client of the shop; a new address becomes a new client."),
    )
    customer_name = forms.CharField(label=_("Client's name"), max_length=200, required=False)
    subject = forms.CharField(label=_("About"), max_length=200)
    complaint = forms.CharField(
        label=_("The client's words"),
        max_length=MAX_COMPLAINT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Copy what they wrote or said, as they said it."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM
    )
    conversation = forms.IntegerField(
        required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput
    )
    order_number = forms.IntegerField(
        label=_("Order number (optional)"), required=False, min_value=1, max_value=2**62
    )


class MessageForm(forms.Form):
    key = forms.CharField(max_length=20)
    text = forms.CharField(max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 4}))


class StepForm(forms.Form):
    key = forms.CharField(max_length=20)
    done = forms.BooleanField(required=False)


class SolutionForm(forms.Form):
    solution = forms.CharField(
        label=_("The solution proposed"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewForm(forms.Form):
    what_went_wrong = forms.CharField(
        label=_("What went wrong"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )
    lesson = forms.CharField(
        label=_("The lesson"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )
    change = forms.CharField(
        label=_("The change decided"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )


class HandlingForm(forms.Form):
    handling = forms.ChoiceField(label=_("Handle with"), choices=Handling.choices)
    reason = forms.CharField(
        label=_("Why"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 2})
    )


class SettingsForm(forms.Form):
    complainer_threshold = forms.IntegerField(
        label=_("Complainer score from which cases are handled with facts"),
        min_value=1,
        max_value=100,
    )
