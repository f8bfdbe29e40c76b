"""The shop's own details and the first-run checklist's switch."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import CHECKLIST_DISMISS, WORKSPACE_UPDATE, permit
from clientela.accounts.signals import account_changed

DETAILS = ("name", "currency", "time_zone", "default_language")


@transaction.atomic
def workspace_update(
    *,
    workspace: Workspace,
    actor: User | None,
    name: str,
    currency: str,
    time_zone: str,
    default_language: str,
) -> Workspace:
    """Save the shop's details (the checklist's first item counts from the first save)."""
    permit(actor=actor, workspace=workspace, rule=WORKSPACE_UPDATE)
    new = {
        "name": name,
        "currency": currency,
        "time_zone": time_zone,
        "default_language": default_language,
    }
    old = {field: getattr(workspace, field) for field in DETAILS}
    for field, value in new.items():
        setattr(workspace, field, value)
    workspace.details_saved_at = timezone.now()
    workspace.save(update_fields=[*DETAILS, "details_saved_at"])
    changed = {key for key in new if new[key] != old[key]}
    account_changed.send(
        sender=Workspace,
        workspace=workspace,
        actor=actor,
        kind="workspace.updated",
        subject=workspace,
        old={key: old[key] for key in sorted(changed)},
        new={key: new[key] for key in sorted(changed)},
    )
    return workspace


@transaction.atomic
def checklist_dismiss(*, workspace: Workspace, actor: User | None) -> Workspace:
    """Put the first-run checklist away for everyone in the workspace (idempotent)."""
    permit(actor=actor, workspace=workspace, rule=CHECKLIST_DISMISS)
    if workspace.checklist_dismissed_at is not None:
        return workspace
    workspace.checklist_dismissed_at = timezone.now()
    workspace.save(update_fields=["checklist_dismissed_at"])
    account_changed.send(
        sender=Workspace,
        workspace=workspace,
        actor=actor,
        kind="workspace.checklist_dismissed",
        subject=workspace,
    )
    return workspace
