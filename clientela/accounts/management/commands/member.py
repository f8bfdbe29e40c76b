"""`clientela member add --workspace S --email E --role owner|manager|agent|viewer`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from clientela.accounts.management.commands._lookup import user_named, workspace_named
from clientela.accounts.models import Role
from clientela.accounts.services import MembershipError, membership_add


class Command(BaseCommand):
    help = _("Add an existing user to a workspace with a role.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help=_("add a member"))
        add.add_argument("--workspace", required=True, help=_("the workspace's slug"))
        add.add_argument("--email", required=True, help=_("the user's e-mail"))
        add.add_argument("--role", required=True, choices=[role.value for role in Role])

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = workspace_named(options["workspace"])
        user = user_named(options["email"])
        try:
            membership_add(workspace=workspace, user=user, role=Role(options["role"]), actor=None)
        except MembershipError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            _("%(email)s is now %(role)s in %(slug)s.")
            % {"email": user.email, "role": Role(options["role"]).label, "slug": workspace.slug}
        )
