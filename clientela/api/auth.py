from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from clientela.accounts.models import Membership
from clientela.accounts.services import TokenInvalid, token_authenticate


class TokenAuth(HttpBearer):
    """Bearer token auth; sets `request.membership` and `request.workspace`."""

    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        try:
            membership = token_authenticate(token)
        except TokenInvalid:
            return None
        request.membership = membership  # type: ignore[attr-defined]
        request.workspace = membership.workspace  # type: ignore[attr-defined]
        return membership
