"""Accounts rows of the API permission matrix (collected by test_permissions.py):
invitations (owners) and the caller's own password (every member)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.conftest import PASSWORD
from tests.matrix import allowed

OWNERS = allowed(201, 403, 403, 403, 201)


def _invitation(shop: Any) -> int:
    """The pending invitation of Alice's shop, made by the system on first use."""
    from clientela.accounts.models import Invitation, Role
    from clientela.accounts.services import invitation_create

    workspace = shop.customer.workspace
    found = Invitation.objects.filter(workspace=workspace, revoked_at__isnull=True).first()
    if found is None:
        found = invitation_create(
            workspace=workspace, email="new@example.com", role=Role.AGENT, actor=None
        ).invitation
    return found.pk


Call = Callable[[Any], tuple[str, Any]]
MATRIX: dict[tuple[str, str], tuple[Call, dict[str, int]]] = {
    ("GET", "/account/invitations"): (
        lambda s: ("/account/invitations", None),
        # Each owner reads their own shop's.
        allowed(200, 403, 403, 403, 200),
    ),
    ("POST", "/account/invitations"): (
        lambda s: ("/account/invitations", {"email": "new@example.com", "role": "agent"}),
        OWNERS,
    ),
    ("POST", "/account/invitations/{invitation_id}/resend"): (
        lambda s: (f"/account/invitations/{_invitation(s)}/resend", None),
        allowed(404, 403, 403, 403, 200),
    ),
    ("POST", "/account/invitations/{invitation_id}/revoke"): (
        lambda s: (f"/account/invitations/{_invitation(s)}/revoke", None),
        allowed(404, 403, 403, 403, 204),
    ),
    ("POST", "/account/password"): (
        lambda s: (
            "/account/password",
            {"current_password": PASSWORD, "new_password": "another long passphrase 9"},
        ),
        allowed(204, 204, 204, 204, 204),
    ),
}
