"""Accounts: the workspace's invitations (owners), and the caller's own password."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Path, Router, Status

from clientela.accounts.models import Invitation, Role
from clientela.accounts.policy import (
    INVITATION_CREATE,
    INVITATION_RESEND,
    INVITATION_REVOKE,
    PASSWORD_CHANGE,
    TEAM_VIEW,
)
from clientela.accounts.scoping import scoped_get
from clientela.accounts.selectors import invitations_open
from clientela.accounts.services import (
    MembershipError,
    PasswordError,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    user_password_change,
)
from clientela.api.accounts.schemas import InvitationIn, InvitationOut, PasswordChangeIn
from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.errors import OBJECT_WRITE, READ, WRITE, unprocessable
from clientela.api.types import QueryId

router = Router(tags=["accounts"])
# Ids in the form the published ones have ("clientela_api_routers_<domain>_<operation>").
_IDS = "clientela_api_routers_accounts_"


def _invitation(request: HttpRequest, invitation_id: int) -> Invitation:
    rows = Invitation.objects.select_related("workspace", "invited_by")
    return scoped_get(rows, workspace_of(request), invitation_id)


@router.get(
    "/invitations",
    response={200: list[InvitationOut], **READ},
    operation_id=f"{_IDS}invitation_list",
    summary="Invitations not yet accepted nor revoked, newest first",
)
def invitation_list(request: HttpRequest) -> list[Invitation]:
    require(request, TEAM_VIEW)
    return list(invitations_open(workspace=workspace_of(request))[:500])


@router.post(
    "/invitations",
    response={201: InvitationOut, **WRITE},
    operation_id=f"{_IDS}invitation_create",
    summary="Invite an address with a role; the link is mailed, never returned",
)
def invitation_create_endpoint(request: HttpRequest, payload: InvitationIn) -> Status[Invitation]:
    require(request, INVITATION_CREATE)
    try:
        issued = invitation_create(
            workspace=workspace_of(request),
            email=payload.email,
            role=Role(payload.role),
            actor=actor_of(request),
        )
    except MembershipError as exc:
        raise unprocessable("email", exc.message) from exc
    return Status(201, _invitation(request, issued.invitation.pk))


@router.post(
    "/invitations/{invitation_id}/resend",
    response={200: InvitationOut, **OBJECT_WRITE},
    operation_id=f"{_IDS}invitation_resend",
    summary="Mail a new link; the earlier one stops working",
)
def invitation_resend_endpoint(request: HttpRequest, invitation_id: Path[QueryId]) -> Invitation:
    require(request, INVITATION_RESEND)
    invitation = _invitation(request, invitation_id)
    try:
        invitation_resend(invitation=invitation, actor=actor_of(request))
    except MembershipError as exc:
        raise unprocessable("invitation_id", exc.message, source="path") from exc
    return _invitation(request, invitation_id)


@router.post(
    "/invitations/{invitation_id}/revoke",
    response={204: None, **OBJECT_WRITE},
    operation_id=f"{_IDS}invitation_revoke",
    summary="Revoke an invitation; its link stops working",
)
def invitation_revoke_endpoint(request: HttpRequest, invitation_id: Path[QueryId]) -> Status[None]:
    require(request, INVITATION_REVOKE)
    invitation = _invitation(request, invitation_id)
    try:
        invitation_revoke(invitation=invitation, actor=actor_of(request))
    except MembershipError as exc:
        raise unprocessable("invitation_id", exc.message, source="path") from exc
    return Status(204, None)


@router.post(
    "/password",
    response={204: None, **WRITE},
    operation_id=f"{_IDS}password_change",
    summary="Change the caller's own password; the web sessions of the account end",
)
def password_change_endpoint(request: HttpRequest, payload: PasswordChangeIn) -> Status[None]:
    require(request, PASSWORD_CHANGE)
    try:
        user_password_change(
            user=actor_of(request),
            current_password=payload.current_password,
            new_password=payload.new_password,
        )
    except PasswordError as exc:
        raise unprocessable("current_password", exc.message) from exc
    except DjangoValidationError as exc:
        raise unprocessable("new_password", " ".join(exc.messages)) from exc
    return Status(204, None)
