"""The waiting clock's receivers of `clientela.inbox.signals` (connected in InboxConfig.ready).

They run inside the sender's transaction, so the clock's rows commit or roll back with the
change that moved it.
"""

from __future__ import annotations

from datetime import datetime

from clientela.accounts.models import Workspace
from clientela.inbox.services.clock import wait_answer, wait_close, wait_pause, wait_start


def _workspace(workspace_id: int) -> Workspace:
    return Workspace.objects.get(pk=workspace_id)


def on_client_wrote(
    sender: object,
    *,
    workspace_id: int,
    workspace: Workspace | None = None,
    subject: str,
    subject_id: int,
    at: datetime,
    channel: str,
    title: str,
    url: str = "",
    customer_id: int | None = None,
    assignee_id: int | None = None,
    **kwargs: object,
) -> None:
    if workspace is None or workspace.pk != workspace_id:
        workspace = _workspace(workspace_id)
    wait_start(
        workspace=workspace,
        subject=subject,
        subject_id=subject_id,
        at=at,
        channel=channel,
        title=title,
        url=url,
        customer_id=customer_id,
        assignee_id=assignee_id,
    )


def on_client_answered(
    sender: object,
    *,
    workspace_id: int,
    subject: str,
    subject_id: int,
    at: datetime,
    actor_id: int | None = None,
    **kwargs: object,
) -> None:
    wait_answer(
        workspace=_workspace(workspace_id),
        subject=subject,
        subject_id=subject_id,
        at=at,
        actor_id=actor_id,
    )


def on_waiting_for_client(
    sender: object,
    *,
    workspace_id: int,
    subject: str,
    subject_id: int,
    at: datetime,
    **kwargs: object,
) -> None:
    wait_pause(workspace=_workspace(workspace_id), subject=subject, subject_id=subject_id, at=at)


def on_subject_closed(
    sender: object,
    *,
    workspace_id: int,
    subject: str,
    subject_id: int,
    at: datetime,
    **kwargs: object,
) -> None:
    wait_close(workspace=_workspace(workspace_id), subject=subject, subject_id=subject_id, at=at)
