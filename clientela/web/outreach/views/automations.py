"""The outreach home page (the automations and their figures) and the automations' settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.outreach import reports
from clientela.outreach.models import Automation, HandwrittenLetter, LetterStatus, TemplatePurpose
from clientela.outreach.policy import AUTOMATIONS_UPDATE
from clientela.outreach.services import automations as automation_services
from clientela.outreach.services.automation_texts import automation_texts
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.outreach.forms import AutomationForm, field_error


@workspace_view()
def outreach_home(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    current = automation_services.automations_get(workspace)
    figures = {
        kind: {
            "counts": reports.automation_counts(workspace, kind),
            "uplift": reports.automation_uplift_report(workspace, kind, now=timezone.now()),
            "texts": automation_texts(workspace, kind),
        }
        for kind in (Automation.THANK_YOU, Automation.WIN_BACK)
    }
    return render(
        request,
        "web/outreach/home.html",
        {
            "settings": current,
            "figures": figures,
            "letter_texts": automation_texts(workspace, TemplatePurpose.LETTER),
            "letters_to_write": HandwrittenLetter.objects.for_workspace(workspace)
            .filter(status=LetterStatus.TO_WRITE)
            .count(),
        },
    )


@workspace_view(AUTOMATIONS_UPDATE)
def outreach_settings(request: WorkspaceRequest) -> HttpResponse:
    current = automation_services.automations_get(request.workspace)
    initial = {name: current.value(name) for name in AutomationForm.base_fields}
    form = AutomationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            automation_services.automations_update(
                workspace=request.workspace, actor=request.user, **form.cleaned_data
            )
        except automation_services.SettingsInvalid as error:
            field_error(form, error.field, error.message)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("web:outreach", ws=request.workspace.slug)
    return render(request, "web/outreach/settings.html", {"form": form})
