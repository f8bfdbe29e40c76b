"""The text of an automation (thank-you, win-back, the letter written by hand) in one
language: shown, edited, and previewed for a real recent order."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientela.accounts.models import Language
from clientela.commerce.models import Order
from clientela.outreach.models import TemplatePurpose
from clientela.outreach.rendering import Rendered, TemplateInvalid
from clientela.outreach.services.automation_texts import (
    AUTOMATION_PURPOSES,
    automation_preview,
    automation_text_save,
    recent_orders,
)
from clientela.outreach.services.templates import template_for
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.outreach.forms import field_error

VARIABLES = (
    ("customer.first_name", gettext_lazy("First name")),
    ("customer.display_name", gettext_lazy("Full name")),
    ("order.external_id", gettext_lazy("Order number")),
    ("order.placed_at|date", gettext_lazy("Order date")),
    ("shop.name", gettext_lazy("Shop name")),
)


class AutomationTextForm(forms.Form):
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=300,
        widget=forms.TextInput(attrs={"data-variables": ""}),
    )
    body_text = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 12, "data-variables": ""}),
    )


@workspace_view()
def automation_text(request: WorkspaceRequest, purpose: str, language: str) -> HttpResponse:
    if purpose not in AUTOMATION_PURPOSES or language not in Language.values:
        raise Http404
    workspace = request.workspace
    template = template_for(workspace, purpose, language)
    form = AutomationTextForm(
        request.POST or None,
        initial={"subject": template.subject, "body_text": template.body_text},
    )
    letter = purpose == TemplatePurpose.LETTER
    if letter:
        del form.fields["subject"]  # paper has no subject line
    if request.method == "POST" and form.is_valid():
        try:
            automation_text_save(
                workspace=workspace,
                actor=request.user,
                purpose=purpose,
                language=language,
                **form.cleaned_data,
            )
        except TemplateInvalid as refused:
            field_error(form, refused.field, refused.message)
        else:
            messages.success(request, _("Saved. Orders placed from now on get this text."))
            return redirect(
                "web:outreach_automation_text",
                ws=workspace.slug,
                purpose=purpose,
                language=language,
            )
    orders = recent_orders(workspace, language)
    raw = request.GET.get("order", "")
    order: Order | None = None
    if raw.isdigit():
        order = Order.objects.for_workspace(workspace).filter(pk=int(raw)).first()
    elif orders:
        order = orders[0]
    rendered: Rendered | None = None
    error = ""
    try:
        rendered, customer, order = automation_preview(template=template, order=order)
    except TemplateInvalid as exc:
        error, customer = exc.message, None
    return render(
        request,
        "web/outreach/automation_text.html",
        {
            "purpose": purpose,
            "purpose_label": TemplatePurpose(purpose).label,
            "letter": letter,
            "language": language,
            "language_label": Language(language).label,
            "template": template,
            "form": form,
            "variables": VARIABLES,
            "orders": orders,
            "order": order,
            "rendered": rendered,
            "customer": customer,
            "error": error,
        },
    )
