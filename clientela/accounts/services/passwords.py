"""Passwords: a signed-in user changes theirs; anyone asks for a reset link by e-mail.

The reset link is Django's: a token that hashes the password and the last login, so it
works once, and stops after PASSWORD_RESET_TIMEOUT. A change or a reset changes the
session hash, which logs every other session of the account out; the adapter keeps the
session it came through (`update_session_auth_hash`). API tokens are separate credentials
and stay valid; their holder revokes them on the tokens page.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from clientela.accounts.mail import account_mail_send
from clientela.accounts.models import Membership, PasswordResetRequest, User, Workspace
from clientela.accounts.signals import account_changed


class PasswordError(ValueError):
    """A change refused for a reason the user can fix; `message` is translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _record(user: User, kind: str) -> None:
    # The account belongs to no single workspace: each workspace's audit trail gets the row.
    for membership in Membership.objects.filter(user=user).select_related("workspace"):
        account_changed.send(
            sender=Workspace,
            workspace=membership.workspace,
            actor=user,
            kind=kind,
            subject=user,
            summary=user.email,
        )


def _set(user: User, password: str, kind: str) -> None:
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    _record(user, kind)


@transaction.atomic
def user_password_change(*, user: User, current_password: str, new_password: str) -> None:
    """The user's own change: the current password first, then Django's validators
    (ValidationError with their messages)."""
    if not user.check_password(current_password):
        raise PasswordError(_("The current password is wrong."))
    _set(user, new_password, "user.password_changed")


def _reset_limited(digest: str, ip: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.CLIENTELA_RESET_WINDOW_SECONDS)
    recent = PasswordResetRequest.objects.filter(at__gte=since)
    by_address = recent.filter(email_digest=digest).count()
    by_ip = recent.filter(ip=ip).count() if ip else 0
    return (
        by_address >= settings.CLIENTELA_RESET_LIMIT_PER_ADDRESS
        or by_ip >= settings.CLIENTELA_RESET_LIMIT_PER_IP
    )


@transaction.atomic
def password_reset_request(*, email: str, ip: str | None) -> None:
    """Mail a reset link to `email` if an active account has it and the limits allow.

    Returns nothing, and does the same work whatever the address, so that neither the
    answer nor its time tells whether the address has an account. Every request counts
    against the limits, an unknown address's too.
    """
    address = email.strip().lower()
    digest = hashlib.sha256(address.encode()).hexdigest()
    limited = _reset_limited(digest, ip)
    # Rows past the window count for nothing any more: each request clears them.
    window = timedelta(seconds=settings.CLIENTELA_RESET_WINDOW_SECONDS)
    PasswordResetRequest.objects.filter(at__lt=timezone.now() - window).delete()
    PasswordResetRequest.objects.create(email_digest=digest, ip=ip)
    user = User.objects.filter(email=address, is_active=True).first()
    if limited or user is None:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    account_mail_send(
        "password_reset",
        to=user.email,
        language=user.language,
        context={
            "user": user,
            "url": f"{settings.SITE_URL}/reset/{uid}/{token}/",
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        },
        background=True,
    )


def password_reset_user(*, uidb64: str, token: str) -> User | None:
    """The user a reset link stands for while it is valid (unused, not expired), else None."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def password_reset_complete(*, user: User, token: str, new_password: str) -> None:
    """Set the new password if the token still holds (checked again: single use)."""
    if not default_token_generator.check_token(user, token):
        raise PasswordError(_("This link was already used or has expired."))
    _set(user, new_password, "user.password_reset")
