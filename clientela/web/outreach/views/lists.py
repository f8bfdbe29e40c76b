"""Mailing list pages: the lists, a new one, and a list with its subscribers."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from clientela.outreach.models import MailingList
from clientela.outreach.policy import MAILING_LIST_CREATE
from clientela.outreach.services import lists as list_services
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.outreach.forms import MailingListForm, field_error


@workspace_view()
def list_index(request: WorkspaceRequest) -> HttpResponse:
    lists = MailingList.objects.for_workspace(request.workspace).order_by("name")
    return render(request, "web/outreach/lists.html", {"lists": lists})


@workspace_view(MAILING_LIST_CREATE)
def list_new(request: WorkspaceRequest) -> HttpResponse:
    form = MailingListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = list_services.mailing_list_create(
                workspace=request.workspace, actor=request.user, **form.cleaned_data
            )
        except list_services.SubscriptionError as error:
            field_error(form, error.field, error.message)
        else:
            return redirect("web:outreach_list", ws=request.workspace.slug, pk=created.pk)
    return render(request, "web/outreach/list_form.html", {"form": form})


@workspace_view()
def list_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    found = MailingList.objects.for_workspace(request.workspace).filter(pk=pk).first()
    if found is None:
        raise Http404
    subscriptions = list_services.list_subscriptions(found)[:500]
    return render(
        request,
        "web/outreach/list.html",
        {
            "list": found,
            "subscriptions": subscriptions,
            "public_url": request.build_absolute_uri(f"/s/{found.public_token}/"),
        },
    )
