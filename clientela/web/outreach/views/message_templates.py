"""Template pages: the list, the editor, its live preview and a test to oneself."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.customers.models import Customer
from clientela.outreach.models import MessageTemplate
from clientela.outreach.policy import TEMPLATE_CREATE, TEMPLATE_TEST_SEND, TEMPLATE_UPDATE
from clientela.outreach.rendering import Rendered, TemplateInvalid
from clientela.outreach.services.templates import (
    template_preview,
    template_save,
    template_test_send,
)
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.outreach.forms import TemplateForm, field_error
from clientela.web.outreach.views.common import preview_customer
from clientela.web.security import mail_preview


def _template(request: WorkspaceRequest, pk: int) -> MessageTemplate:
    found = MessageTemplate.objects.for_workspace(request.workspace).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@workspace_view()
def template_list(request: WorkspaceRequest) -> HttpResponse:
    templates = MessageTemplate.objects.for_workspace(request.workspace).order_by(
        "purpose", "language", "name"
    )
    return render(request, "web/outreach/templates.html", {"templates": templates})


def _template_form(request: WorkspaceRequest, template: MessageTemplate | None) -> HttpResponse:
    initial = (
        {f: getattr(template, f) for f in TemplateForm.base_fields}
        if template
        else {"language": request.workspace.default_language}
    )
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = template_save(
                workspace=request.workspace,
                actor=request.user,
                template=template,
                **form.cleaned_data,
            )
        except TemplateInvalid as error:
            field_error(form, error.field, error.message)
        else:
            messages.success(request, _("Template saved."))
            return redirect("web:outreach_template", ws=request.workspace.slug, pk=saved.pk)
    return render(
        request,
        "web/outreach/template_form.html",
        {
            "form": form,
            "template": template,
            "customers": Customer.objects.for_workspace(request.workspace).order_by("-pk")[:50],
        },
    )


@workspace_view(TEMPLATE_CREATE)
def template_new(request: WorkspaceRequest) -> HttpResponse:
    return _template_form(request, None)


@workspace_view(TEMPLATE_UPDATE)
@mail_preview  # the preview frame shows the letter's HTML with its inline styles
def template_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    return _template_form(request, _template(request, pk))


@workspace_view()
def template_preview_page(request: WorkspaceRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    customer = preview_customer(request)
    rendered: Rendered | None = None
    error = ""
    if customer is not None:
        try:
            rendered = template_preview(template=template, customer=customer)
        except TemplateInvalid as exc:
            error = exc.message
    return render(
        request,
        "web/outreach/_preview.html",
        {"rendered": rendered, "customer": customer, "error": error},
    )


@workspace_view(TEMPLATE_TEST_SEND)
@require_POST
def template_test(request: WorkspaceRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    template_test_send(template=template, customer=preview_customer(request), actor=request.user)
    messages.success(
        request, _("A test was queued to %(address)s.") % {"address": request.user.email}
    )
    return redirect("web:outreach_template", ws=request.workspace.slug, pk=template.pk)
