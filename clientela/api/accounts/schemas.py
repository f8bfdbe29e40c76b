"""Accounts payloads: invitations and the caller's own password."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from clientela.api.types import Text200, Text254

RoleName = Literal["owner", "manager", "agent", "viewer"]


class InvitationIn(Schema):
    email: Text254 = Field(
        description="The address the link is mailed to.", json_schema_extra={"format": "email"}
    )
    role: RoleName


class InvitationOut(Schema):
    id: int
    email: str
    role: RoleName
    created_at: dt.datetime
    sent_at: dt.datetime
    expires_at: dt.datetime
    expired: bool
    invited_by: str | None = Field(description="The inviter's e-mail; null if they left.")

    @staticmethod
    def resolve_invited_by(obj: object) -> str | None:
        inviter = getattr(obj, "invited_by", None)
        return inviter.email if inviter is not None else None


class PasswordChangeIn(Schema):
    current_password: Text200
    new_password: Text200
