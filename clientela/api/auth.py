from __future__ import annotations

import re
from typing import cast

from django.http import HttpRequest
from ninja.security import HttpBearer

from clientela.accounts.models import Membership, User, Workspace
from clientela.accounts.policy import Rule, enforce
from clientela.accounts.services import TokenInvalid, token_authenticate

# What `token_create` issues; anything else is refused before it reaches the database.
_TOKEN_SHAPE = re.compile(r"clt_[0-9a-f]{12}_[A-Za-z0-9_-]{20,100}")


class TokenAuth(HttpBearer):
    """Bearer token auth; sets `request.membership` and `request.workspace`."""

    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        if not _TOKEN_SHAPE.fullmatch(token):
            return None
        try:
            membership = token_authenticate(token)
        except TokenInvalid:
            return None
        # Ninja's request is a plain HttpRequest: the token check attaches the membership to it.
        request.membership = membership  # type: ignore[attr-defined]
        request.workspace = membership.workspace  # type: ignore[attr-defined]
        return membership


def membership_of(request: HttpRequest) -> Membership:
    # Ninja's request is a plain HttpRequest: the token check attaches the membership to it.
    return cast(Membership, request.membership)  # type: ignore[attr-defined]


def workspace_of(request: HttpRequest) -> Workspace:
    return membership_of(request).workspace


def actor_of(request: HttpRequest) -> User:
    return membership_of(request).user


def require(request: HttpRequest, rule: Rule) -> Membership:
    """The caller's membership if `rule` allows it; NotPermitted (a JSON 403) otherwise.

    Endpoints call it before looking an object up: the caller is a member of its own
    workspace, so a 403 reveals nothing, and objects of other workspaces stay 404.
    """
    membership = membership_of(request)
    enforce(membership, rule)
    return membership
