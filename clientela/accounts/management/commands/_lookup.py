"""Look-ups shared by the account commands, failing with a readable CommandError."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace


def workspace_named(slug: str) -> Workspace:
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        raise CommandError(_("No workspace %(slug)s") % {"slug": slug})
    return workspace


def user_named(email: str) -> User:
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        raise CommandError(_("No user with the e-mail %(email)s") % {"email": email})
    return user
