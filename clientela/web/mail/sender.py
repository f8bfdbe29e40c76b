"""The sender page: the name and address the workspace's mail is sent from."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientela.mail.policy import DELIVERY_SENDER_SET
from clientela.mail.selectors import delivery_settings_for
from clientela.mail.services import delivery_sender_set
from clientela.web.access import WorkspaceRequest, workspace_view


class SenderForm(forms.Form):
    from_name = forms.CharField(label=gettext_lazy("Sender name"), max_length=100, required=False)
    from_email = forms.EmailField(
        label=gettext_lazy("Sender address"),
        max_length=254,
        help_text=gettext_lazy(
            "An address on the shop's own domain, e.g. shop@your-shop.ro, "
            "so that replies reach you."
        ),
    )


@workspace_view(DELIVERY_SENDER_SET)
def sender_edit(request: WorkspaceRequest) -> HttpResponse:
    current = delivery_settings_for(request.workspace)
    initial = {
        "from_name": current.from_name or request.workspace.name,
        "from_email": current.from_email,
    }
    form = SenderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        delivery_sender_set(workspace=request.workspace, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Sender saved."))
        return redirect("web:outreach_sender", ws=request.workspace.slug)
    return render(request, "web/mail/sender.html", {"form": form})
