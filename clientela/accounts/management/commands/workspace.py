"""`clientela workspace create --slug S --name N --owner EMAIL`."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.accounts.services import user_create, workspace_create


class Command(BaseCommand):
    help = _(
        "Create a workspace owned by a user; a user who does not exist yet is created with "
        "a generated password, printed once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help=_("create a workspace"))
        create.add_argument("--slug", required=True, help=_("short name used in addresses"))
        create.add_argument("--name", required=True, help=_("the business's name"))
        create.add_argument("--owner", required=True, help=_("the owner's e-mail"))

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        if slugify(slug) != slug or len(slug) > 60:
            raise CommandError(
                _("Not a valid slug: %(slug)s (lower-case letters, digits and -)") % {"slug": slug}
            )
        if Workspace.objects.filter(slug=slug).exists():
            raise CommandError(_("The workspace %(slug)s already exists") % {"slug": slug})
        email = options["owner"].strip().lower()
        password = None
        with transaction.atomic():
            owner = User.objects.filter(email=email).first()
            if owner is None:
                password = secrets.token_urlsafe(12)
                owner = user_create(email=email, password=password)
            workspace_create(name=options["name"][:200], slug=slug, owner=owner)
        self.stdout.write(
            _("Created the workspace %(slug)s, owned by %(email)s.")
            % {"slug": slug, "email": owner.email}
        )
        if password is not None:
            self.stdout.write(
                _("New user %(email)s, password: %(password)s (shown once; change it after login)")
                % {"email": owner.email, "password": password}
            )
