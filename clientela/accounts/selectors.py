"""Reads for accounts: a member's API tokens, a workspace's team."""

from __future__ import annotations

from django.db.models import QuerySet

from clientela.accounts.models import ApiToken, Invitation, Membership, Workspace


def tokens_active(*, membership: Membership) -> QuerySet[ApiToken]:
    """The member's own tokens that still work, newest first."""
    return ApiToken.objects.filter(membership=membership, revoked_at__isnull=True).order_by(
        "-created_at", "-pk"
    )


def token_get(*, membership: Membership, pk: int) -> ApiToken:
    """One of the member's own working tokens; ApiToken.DoesNotExist for any other."""
    return tokens_active(membership=membership).select_related("membership__workspace").get(pk=pk)


def team(*, workspace: Workspace) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .order_by("user__email")
    )


def invitations_open(*, workspace: Workspace) -> QuerySet[Invitation]:
    """Invitations not yet accepted nor revoked (expired ones too: they can be resent),
    newest first."""
    return (
        Invitation.objects.for_workspace(workspace)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )
