"""Writes for accounts: workspaces, memberships, API tokens, login attempts."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.models import (
    ApiToken,
    LoginAttempt,
    Membership,
    Role,
    User,
    Workspace,
)
from clientela.accounts.policy import (
    MEMBERSHIP_ADD,
    MEMBERSHIP_REMOVE,
    MEMBERSHIP_ROLE_CHANGE,
    TOKEN_CREATE,
    TOKEN_REVOKE,
    enforce,
    permit,
)
from clientela.accounts.signals import account_changed

TOKEN_PREFIX = "clt"  # noqa: S105 - a public marker, not a secret


class TokenInvalid(Exception):
    pass


class MembershipError(ValueError):
    """A team change refused for a reason the user can fix; `message` is translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def user_create(*, email: str, password: str, name: str = "") -> User:
    """A user who can log in; the e-mail is normalised and must be new."""
    address = email.strip().lower()
    if User.objects.filter(email=address).exists():
        raise MembershipError(
            _("A user with the e-mail %(email)s already exists.") % {"email": address}
        )
    return User.objects.create_user(address, password, name=name)


@transaction.atomic
def workspace_create(*, name: str, slug: str, owner: User, currency: str = "RON") -> Workspace:
    workspace = Workspace.objects.create(name=name, slug=slug, currency=currency)
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    account_changed.send(
        sender=Workspace,
        workspace=workspace,
        actor=owner,
        kind="workspace.created",
        subject=workspace,
        new={"name": name, "slug": slug},
    )
    return workspace


@transaction.atomic
def membership_add(
    *, workspace: Workspace, user: User, role: Role, actor: User | None
) -> Membership:
    permit(actor=actor, workspace=workspace, rule=MEMBERSHIP_ADD)
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise MembershipError(
            _("%(email)s is already a member of this workspace.") % {"email": user.email}
        )
    membership = Membership.objects.create(workspace=workspace, user=user, role=role)
    account_changed.send(
        sender=Workspace,
        workspace=workspace,
        actor=actor,
        kind="membership.added",
        subject=membership,
        new={"user": user.email, "role": role.value},
    )
    return membership


def _owners_left_without(membership: Membership) -> int:
    # Locks the workspace's owner rows on PostgreSQL so two owners demoting each other at
    # once cannot both succeed; SQLite serialises writers already.
    others = Membership.objects.select_for_update().filter(
        workspace_id=membership.workspace_id, role=Role.OWNER
    )
    return len([row for row in others if row.pk != membership.pk])


def _refuse_last_owner(membership: Membership) -> None:
    if membership.role == Role.OWNER and _owners_left_without(membership) == 0:
        raise MembershipError(_("A workspace needs at least one owner."))


@transaction.atomic
def membership_role_change(*, membership: Membership, role: Role, actor: User) -> Membership:
    """Give the member another role; the last owner stays an owner."""
    permit(actor=actor, workspace=membership.workspace, rule=MEMBERSHIP_ROLE_CHANGE)
    old = membership.role
    if old == role:
        return membership
    if role != Role.OWNER:
        _refuse_last_owner(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    account_changed.send(
        sender=Workspace,
        workspace=membership.workspace,
        actor=actor,
        kind="membership.role_changed",
        subject=membership,
        old={"user": membership.user.email, "role": old},
        new={"user": membership.user.email, "role": Role(role).value},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    """Take the member out of the workspace (their API tokens go with it); never the last owner."""
    permit(actor=actor, workspace=membership.workspace, rule=MEMBERSHIP_REMOVE)
    _refuse_last_owner(membership)
    account_changed.send(
        sender=Workspace,
        workspace=membership.workspace,
        actor=actor,
        kind="membership.removed",
        subject_type="membership",
        subject_id=membership.pk,
        old={"user": membership.user.email, "role": membership.role},
    )
    membership.delete()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str  # shown once, never stored


@transaction.atomic
def token_create(*, membership: Membership, name: str) -> IssuedToken:
    """A token for the member's own use; the member is the actor."""
    enforce(membership, TOKEN_CREATE)
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        membership=membership, name=name, prefix=prefix, digest=_digest(secret)
    )
    account_changed.send(
        sender=Workspace,
        workspace=membership.workspace,
        actor=membership.user,
        kind="token.created",
        subject=token,
        new={"name": name, "prefix": prefix},
    )
    return IssuedToken(token=token, plaintext=f"{TOKEN_PREFIX}_{prefix}_{secret}")


def token_authenticate(plaintext: str) -> Membership:
    """Return the membership a bearer token stands for, or raise TokenInvalid."""
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        raise TokenInvalid
    token = (
        ApiToken.objects.select_related("membership__workspace", "membership__user")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    # Compare digests in constant time so the secret cannot be guessed byte by byte.
    if token is None or not hmac.compare_digest(token.digest, _digest(parts[2])):
        raise TokenInvalid
    if not token.membership.user.is_active:
        raise TokenInvalid
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.membership


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> None:
    permit(actor=actor, workspace=token.membership.workspace, rule=TOKEN_REVOKE)
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    account_changed.send(
        sender=Workspace,
        workspace=token.membership.workspace,
        actor=actor,
        kind="token.revoked",
        subject=token,
        old={"prefix": token.prefix},
    )


def login_is_locked(*, email: str) -> bool:
    """True when the account saw too many failures in the window, whatever the IP."""
    since = timezone.now() - timedelta(seconds=settings.CLIENTELA_LOCKOUT_WINDOW_SECONDS)
    failures = LoginAttempt.objects.filter(
        email=email.strip().lower(), at__gte=since, succeeded=False, while_locked=False
    ).count()
    return failures >= settings.CLIENTELA_LOCKOUT_FAILURES


def login_attempt_record(
    *, email: str, succeeded: bool, ip: str | None, while_locked: bool = False
) -> None:
    LoginAttempt.objects.create(
        email=email.strip().lower(), succeeded=succeeded, ip=ip, while_locked=while_locked
    )
