"""The outreach pages' forms: automations' settings, templates, campaigns, mailing lists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from clientela.accounts.models import Language, Workspace
from clientela.customers.models import Tag
from clientela.outreach.models import CampaignKind, MailingList, TemplatePurpose
from clientela.retention.models import Segment


class AutomationForm(forms.Form):
    thank_you_enabled = forms.BooleanField(
        label=gettext_lazy("Send thank-you letters"), required=False
    )
    thank_you_delay_days = forms.IntegerField(
        label=gettext_lazy("Days after the order"), min_value=0, max_value=365
    )
    handwritten_threshold = forms.IntegerField(
        label=gettext_lazy("Write by hand when fewer letters than this are due in a week"),
        min_value=0,
        max_value=100_000,
    )
    thank_you_holdout_percent = forms.IntegerField(
        label=gettext_lazy("Thank-you holdout (%)"), min_value=0, max_value=50
    )
    win_back_enabled = forms.BooleanField(
        label=gettext_lazy("Send win-back messages"), required=False
    )
    win_back_p_alive = forms.FloatField(
        label=gettext_lazy("When the probability of being active is below"),
        min_value=0,
        max_value=1,
    )
    win_back_overdue_factor = forms.FloatField(
        label=gettext_lazy("Or when the time since the last purchase exceeds the usual gap by"),
        min_value=1,
        max_value=100,
    )
    win_back_cooldown_days = forms.IntegerField(
        label=gettext_lazy("Cool-down (days)"), min_value=1, max_value=3650
    )
    win_back_holdout_percent = forms.IntegerField(
        label=gettext_lazy("Win-back holdout (%)"), min_value=0, max_value=50
    )
    uplift_days = forms.IntegerField(
        label=gettext_lazy("Measure the uplift over orders within (days)"),
        min_value=1,
        max_value=365,
    )


class TemplateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=TemplatePurpose.choices)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=Language.choices)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300)
    body_text = forms.CharField(label=gettext_lazy("Plain text"), widget=forms.Textarea)
    body_html = forms.CharField(
        label=gettext_lazy("HTML (optional)"), widget=forms.Textarea, required=False
    )


class CampaignForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CampaignKind.choices)
    language = forms.ChoiceField(
        label=gettext_lazy("Main language"),
        choices=Language.choices,
        help_text=gettext_lazy(
            "The version you write first. Each customer gets the version in their own "
            "language once it is written, else the one in the shop's default language."
        ),
    )
    holdout_percent = forms.IntegerField(
        label=gettext_lazy("Holdout (%)"), min_value=0, max_value=50, initial=10
    )
    lists = forms.MultipleChoiceField(
        label=gettext_lazy("Lists"), required=False, widget=forms.CheckboxSelectMultiple
    )
    tags = forms.MultipleChoiceField(
        label=gettext_lazy("Tags"), required=False, widget=forms.CheckboxSelectMultiple
    )
    segments = forms.MultipleChoiceField(
        label=gettext_lazy("Retention segments"),
        required=False,
        choices=Segment.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lists = MailingList.objects.for_workspace(workspace).order_by("name")
        tags = Tag.objects.for_workspace(workspace).order_by("name")
        # django-stubs types form fields as Field, which has no `choices`; these are ChoiceFields.
        self.fields["lists"].choices = [(str(m.pk), m.name) for m in lists]  # type: ignore[attr-defined]
        self.fields["tags"].choices = [(str(t.pk), t.name) for t in tags]  # type: ignore[attr-defined]

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        list_ids = [int(v) for v in data.pop("lists")]
        tag_ids = [int(v) for v in data.pop("tags")]
        data["audience_segments"] = data.pop("segments")
        return {**data, "list_ids": list_ids, "tag_ids": tag_ids}


class MailingListForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea, required=False
    )


def field_error(form: forms.Form, field: str, message: str) -> None:
    """Show a service's refusal on the field it names, or above the form if it has none."""
    form.add_error(field if field in form.fields else None, message)
