"""`clientela export customers|orders --workspace SLUG [--output FILE]`: CSV to a file or stdout."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from clientela.accounts.models import Workspace
from clientela.imports.exports import customers_export_csv, orders_export_csv


class Command(BaseCommand):
    help = _(
        "Export every customer or order of a workspace as CSV, in the columns the import "
        "reads back; cells a spreadsheet would run as a formula get a leading quote."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["customers", "orders"])
        parser.add_argument("--workspace", required=True, help=_("the workspace's slug"))
        parser.add_argument("--output", type=Path, help=_("file to write (default: stdout)"))

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(_("No workspace %(slug)s") % {"slug": options["workspace"]})
        export = customers_export_csv if options["kind"] == "customers" else orders_export_csv
        output: Path | None = options["output"]
        if output is None:
            count = export(workspace, cast(TextIO, self.stdout))
        else:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                count = export(workspace, stream)
        # The count goes to stderr so that stdout stays pure CSV.
        self.stderr.write(_("Exported %(count)s rows.") % {"count": count})
