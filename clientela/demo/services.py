"""The demo login and workspace: created once, found again on every `clientela demo`."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction

from clientela.accounts.models import User, Workspace
from clientela.accounts.services import workspace_create

DEMO_EMAIL = "owner@example.com"
DEMO_SLUG = "demo"
DEMO_NAME = "Magazinul demo"


def demo_password_path() -> Path:
    return Path(settings.DATA_DIR) / "demo_password"


def demo_password() -> str:
    """The demo owner's password, generated on first use and kept (mode 0600) in DATA_DIR.

    Only its hash goes in the database; the file is what lets us print it again.
    """
    path = demo_password_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    password = secrets.token_urlsafe(12)
    with os.fdopen(fd, "w") as handle:
        handle.write(password)
    return password


@transaction.atomic
def demo_owner_ensure(*, password: str) -> User:
    """The demo owner, whose password is always the one on file (the demo login must work)."""
    user, created = User.objects.get_or_create(
        email=DEMO_EMAIL, defaults={"name": "Demo Owner", "language": "ro"}
    )
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def demo_workspace_ensure(*, owner: User, reset: bool = False) -> Workspace:
    """The demo workspace; with `reset`, it is deleted with all its rows and made anew."""
    existing = Workspace.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None and reset:
        existing.delete()
        existing = None
    if existing is not None:
        return existing
    return workspace_create(name=DEMO_NAME, slug=DEMO_SLUG, owner=owner, currency="RON")
