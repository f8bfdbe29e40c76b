"""Workspace scoping: every read starts from `Model.objects.for_workspace(ws)`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.db import models

if TYPE_CHECKING:
    from clientela.accounts.models import Workspace


class WorkspaceQuerySet(models.QuerySet[Any]):
    def for_workspace(self, workspace: Workspace) -> Self:
        return self.filter(workspace=workspace)


class WorkspaceScoped(models.Model):
    """Base for every model that belongs to one workspace."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        abstract = True
