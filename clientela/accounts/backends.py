from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from clientela.accounts.models import User
from clientela.accounts.services import login_attempt_record, login_is_locked


class LockoutBackend(ModelBackend):
    """Password login that refuses an account after repeated failures in a window.

    Counting per account rather than per IP means an attacker rotating addresses gains
    nothing; the price is that a locked owner waits out the window.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = (username or kwargs.get("email") or "").strip().lower()
        if not email or password is None:
            return None
        ip = request.META.get("REMOTE_ADDR") if request is not None else None
        if login_is_locked(email=email):
            login_attempt_record(email=email, succeeded=False, ip=ip, while_locked=True)
            return None
        user = super().authenticate(request, username=email, password=password)
        login_attempt_record(email=email, succeeded=user is not None, ip=ip)
        return user
