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

from clientela.accounts.models import (
    ApiToken,
    LoginAttempt,
    Membership,
    Role,
    User,
    Workspace,
)
from clientela.timeline.services import event_record

TOKEN_PREFIX = "clt"  # noqa: S105 - a public marker, not a secret


class TokenInvalid(Exception):
    pass


@transaction.atomic
def workspace_create(*, name: str, slug: str, owner: User, currency: str = "RON") -> Workspace:
    workspace = Workspace.objects.create(name=name, slug=slug, currency=currency)
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    event_record(
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
    membership = Membership.objects.create(workspace=workspace, user=user, role=role)
    event_record(
        workspace=workspace,
        actor=actor,
        kind="membership.added",
        subject=membership,
        new={"user": user.email, "role": role.value},
    )
    return membership


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str  # shown once, never stored


@transaction.atomic
def token_create(*, membership: Membership, name: str) -> IssuedToken:
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        membership=membership, name=name, prefix=prefix, digest=_digest(secret)
    )
    event_record(
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
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    event_record(
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
