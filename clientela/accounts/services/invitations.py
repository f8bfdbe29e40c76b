"""Invitations: the one way into a workspace from the browser.

An owner names an address and a role; the address receives a link; whoever opens it either
sets a name and a password (no account yet) or logs in with that address (an account
already), and becomes a member with the role. The answer to the owner never depends on
whether the address has an account anywhere in the install.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.mail import account_mail_send
from clientela.accounts.models import Invitation, Membership, Role, User, Workspace
from clientela.accounts.policy import (
    INVITATION_CREATE,
    INVITATION_RESEND,
    INVITATION_REVOKE,
    permit,
)
from clientela.accounts.services.members import MembershipError
from clientela.accounts.signals import account_changed


class InvitationUnusable(Exception):
    """The link is unknown, expired, used or revoked; `reason` says which, for its page."""

    def __init__(self, reason: str, invitation: Invitation | None = None) -> None:
        super().__init__(reason)
        self.reason, self.invitation = reason, invitation


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    url: str  # carries the secret: mailed, never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _issue(invitation: Invitation) -> str:
    """A new secret for the invitation (any earlier link stops working); returns its URL."""
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.digest = _digest(secret)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.CLIENTELA_INVITATION_DAYS)
    return f"{settings.SITE_URL}/invite/{secret}/"


def _mail(invitation: Invitation, url: str, actor: User | None) -> None:
    workspace = invitation.workspace
    account_mail_send(
        "invitation",
        to=invitation.email,
        language=workspace.default_language,
        context={
            "workspace": workspace.name,
            "inviter": str(actor) if actor else workspace.name,
            "role": Role(invitation.role),
            "url": url,
            "days": settings.CLIENTELA_INVITATION_DAYS,
        },
    )


def _change(invitation: Invitation, kind: str, actor: User | None, **values: object) -> None:
    account_changed.send(
        sender=Workspace,
        workspace=invitation.workspace,
        actor=actor,
        kind=kind,
        subject=invitation,
        summary=invitation.email,
        **values,
    )


@transaction.atomic
def invitation_create(
    *, workspace: Workspace, email: str, role: Role, actor: User | None
) -> IssuedInvitation:
    """Invite `email` with `role` and mail the link. Refused only for a member of this
    workspace or a pending invitation here: what the owner learns is about their own shop."""
    permit(actor=actor, workspace=workspace, rule=INVITATION_CREATE)
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise MembershipError(_("Enter a valid e-mail address.")) from None
    if Membership.objects.filter(workspace=workspace, user__email=address).exists():
        raise MembershipError(
            _("%(email)s is already a member of this workspace.") % {"email": address}
        )
    waiting = Invitation.objects.for_workspace(workspace).filter(
        email=address, accepted_at__isnull=True, revoked_at__isnull=True
    )
    if waiting.filter(expires_at__gt=timezone.now()).exists():
        raise MembershipError(
            _("%(email)s is already invited; resend the invitation from the list.")
            % {"email": address}
        )
    invitation = Invitation(workspace=workspace, email=address, role=role, invited_by=actor)
    url = _issue(invitation)
    invitation.save()
    _change(invitation, "invitation.created", actor, new={"email": address, "role": role.value})
    _mail(invitation, url, actor)
    return IssuedInvitation(invitation, url)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User | None) -> IssuedInvitation:
    """Mail a new link (the old one stops working) with a new expiry."""
    permit(actor=actor, workspace=invitation.workspace, rule=INVITATION_RESEND)
    if not invitation.pending:
        raise MembershipError(_("This invitation was already accepted or revoked."))
    url = _issue(invitation)
    invitation.save(update_fields=["digest", "sent_at", "expires_at"])
    _change(invitation, "invitation.resent", actor, new={"expires_at": str(invitation.expires_at)})
    _mail(invitation, url, actor)
    return IssuedInvitation(invitation, url)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User | None) -> Invitation:
    permit(actor=actor, workspace=invitation.workspace, rule=INVITATION_REVOKE)
    if not invitation.pending:
        raise MembershipError(_("This invitation was already accepted or revoked."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    _change(invitation, "invitation.revoked", actor, old={"email": invitation.email})
    return invitation


def invitation_for_link(secret: str) -> Invitation:
    """The invitation a link stands for, if it can still be accepted; InvitationUnusable with
    the reason ("unknown", "expired", "accepted", "revoked") otherwise."""
    if not 20 <= len(secret) <= 100:
        raise InvitationUnusable("unknown")
    invitation = (
        Invitation.objects.select_related("workspace").filter(digest=_digest(secret)).first()
    )
    if invitation is None:
        raise InvitationUnusable("unknown")
    if invitation.revoked_at is not None:
        raise InvitationUnusable("revoked", invitation)
    if invitation.accepted_at is not None:
        raise InvitationUnusable("accepted", invitation)
    if invitation.expired:
        raise InvitationUnusable("expired", invitation)
    return invitation


def _join(invitation: Invitation, user: User) -> Membership:
    # Single use, also against two tabs at once: only one conditional UPDATE wins.
    now = timezone.now()
    won = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now, accepted_by=user)
    if not won:
        raise InvitationUnusable("accepted", invitation)
    if Membership.objects.filter(workspace=invitation.workspace, user=user).exists():
        raise MembershipError(_("You are already a member of this workspace."))
    membership = Membership.objects.create(
        workspace=invitation.workspace, user=user, role=invitation.role
    )
    _change(
        invitation,
        "invitation.accepted",
        user,
        new={"user": user.email, "role": invitation.role},
    )
    return membership


@transaction.atomic
def invitation_accept(*, secret: str, user: User) -> Membership:
    """A signed-in user accepts: only the account of the invited address may."""
    invitation = invitation_for_link(secret)
    if user.email != invitation.email:
        raise MembershipError(
            _("This invitation is for another e-mail address. Log out and open the link again.")
        )
    return _join(invitation, user)


@transaction.atomic
def invitation_accept_new_user(*, secret: str, name: str, password: str) -> Membership:
    """Someone without an account accepts: the account is made with the invited address
    (proved by the mailed link), the name and a password Django's validators accept
    (ValidationError otherwise)."""
    invitation = invitation_for_link(secret)
    if User.objects.filter(email=invitation.email).exists():
        raise MembershipError(_("This address has an account: log in to accept the invitation."))
    user = User(email=invitation.email, name=name, language=invitation.workspace.default_language)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return _join(invitation, user)
