"""Workspace scoping: every read starts from `Model.objects.for_workspace(ws)`, and a lookup
by id from a request goes through `scoped_get`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TypeVar, cast

from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import timezone

if TYPE_CHECKING:
    from clientela.accounts.models import Workspace


_Row = TypeVar("_Row", bound=models.Model)


class WorkspaceQuerySet(models.QuerySet[_Row]):
    def for_workspace(self, workspace: Workspace) -> Self:
        return self.filter(workspace=workspace)


class WorkspaceScoped(models.Model):
    """Base for every model that belongs to one workspace."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        abstract = True


class WorkspaceSettings(WorkspaceScoped):
    """Base of an app's settings: at most one row per workspace, and a workspace that never
    saved any reads the field defaults. Read through `settings_for`.

    The one-row rule is the subclass's to declare, under the name its table already has: a
    unique constraint on `workspace`, or a `OneToOneField` that overrides this `workspace`.
    """

    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


M = TypeVar("M", bound=models.Model)
SettingsT = TypeVar("SettingsT", bound=WorkspaceSettings)


def scoped_get(source: type[M] | models.QuerySet[M], workspace: Workspace, pk: int) -> M:
    """The row `pk` of `workspace` from `source` (a model, or a queryset that narrows or
    prefetches), or Http404: another workspace's row is as missing as one that never was,
    never forbidden, so an id reveals nothing. The web pages and the API look up by it."""
    rows = source._default_manager.all() if isinstance(source, type) else source
    return get_object_or_404(rows.filter(workspace=workspace), pk=pk)


def settings_for(model: type[SettingsT], workspace: Workspace) -> SettingsT:
    """The workspace's saved row of `model`, or an unsaved one holding the defaults: reading
    never writes, so a page view of a new workspace leaves no row behind."""
    # The manager is declared on the base, so its rows are typed as the base's.
    saved = cast("SettingsT | None", model.objects.for_workspace(workspace).first())
    return saved or model(workspace=workspace)
