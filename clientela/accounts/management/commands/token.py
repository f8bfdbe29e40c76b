"""`clientela token create --email EMAIL --workspace SLUG --name NAME`: print a new API token."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from clientela.accounts.management.commands._lookup import user_named, workspace_named
from clientela.accounts.models import Membership
from clientela.accounts.services import token_create


class Command(BaseCommand):
    help = _("Create an API token for a member of a workspace; the secret is printed once.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help=_("create a token"))
        create.add_argument("--email", required=True, help=_("the member's e-mail"))
        create.add_argument("--workspace", required=True, help=_("the workspace's slug"))
        create.add_argument("--name", required=True, help=_("what the token is for"))

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = workspace_named(options["workspace"])
        user = user_named(options["email"])
        membership = Membership.objects.filter(workspace=workspace, user=user).first()
        if membership is None:
            raise CommandError(
                _("%(email)s is not a member of %(slug)s")
                % {"email": user.email, "slug": workspace.slug}
            )
        issued = token_create(membership=membership, name=options["name"][:100])
        # Only the secret on stdout, so that a script can capture it; it is never shown again.
        self.stdout.write(issued.plaintext)
        self.stderr.write(_("Store this token now: it cannot be shown again."))
