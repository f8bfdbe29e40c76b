"""The compensation catalogue, for managers: add an item, change its name, kind and usual
cost, retire it from the choices or offer it again."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clientela.accounts.scoping import scoped_get
from clientela.rewards import selectors
from clientela.rewards.models import CatalogueItem
from clientela.rewards.policy import CATALOGUE_UPDATE
from clientela.rewards.services.catalogue import (
    CatalogueError,
    catalogue_item_create,
    catalogue_item_update,
    catalogue_seed,
)
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.rewards.forms import CatalogueItemForm


def _refused(form: CatalogueItemForm, error: CatalogueError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@workspace_view(CATALOGUE_UPDATE)
def catalogue(request: WorkspaceRequest) -> HttpResponse:
    catalogue_seed(workspace=request.workspace)
    form = CatalogueItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            catalogue_item_create(
                workspace=request.workspace, actor=request.user, **form.cleaned_data
            )
        except CatalogueError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Added to the catalogue."))
            return redirect("web:rewards_catalogue", ws=request.workspace.slug)
    items = selectors.catalogue(request.workspace)
    return render(request, "web/rewards/catalogue.html", {"form": form, "catalogue_items": items})


@workspace_view(CATALOGUE_UPDATE)
def catalogue_item(request: WorkspaceRequest, pk: int) -> HttpResponse:
    item = scoped_get(CatalogueItem, request.workspace, pk)
    initial = {"name": item.name, "kind": item.kind, "default_cost": item.default_cost}
    form = CatalogueItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            catalogue_item_update(item=item, actor=request.user, **form.cleaned_data)
        except CatalogueError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:rewards_catalogue", ws=request.workspace.slug)
    return render(request, "web/rewards/catalogue_item.html", {"form": form, "item": item})


@workspace_view(CATALOGUE_UPDATE)
def catalogue_offer(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """POST: retire the item (offered=0) or offer it again (offered=1)."""
    item = scoped_get(CatalogueItem, request.workspace, pk)
    if request.method == "POST":
        offered = request.POST.get("offered") == "1"
        catalogue_item_update(item=item, actor=request.user, active=offered)
        messages.success(
            request,
            _("%(name)s is offered again.") % {"name": item.name}
            if offered
            else _("%(name)s is retired: it is no longer offered.") % {"name": item.name},
        )
    return redirect("web:rewards_catalogue", ws=request.workspace.slug)
