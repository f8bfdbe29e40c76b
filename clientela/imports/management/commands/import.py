"""`clientela import customers|orders FILE --workspace SLUG`: a synchronous CSV import."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.imports.models import ImportStatus
from clientela.imports.passes import Progress
from clientela.imports.services import ImportFileError, import_run_file

HELP = """Import customers or orders from a CSV file, all or nothing.

UTF-8 (with or without BOM), Windows-1250 or ISO-8859-2 (detected, or --encoding), comma or
semicolon separated, with a header row. The orders and customers exports of Shopify,
WooCommerce and PrestaShop are recognised by their header and read as they are (the import
page lists their columns). In our own columns: dates as
2024-12-31[T10:00[+02:00]] or 31.12.2024 / 31/12/2024 / 31-12-2024 [HH:MM[:SS]], in the
workspace's time zone unless an offset is given. Amounts as 1234.56, 1234,56, 1.234,56 or
1,234.56 (1.234 and 1,234 are refused as ambiguous).

Customer columns (aliases in brackets), external_id or email required:
  external_id [id, cod_client, id_client], first_name [prenume], last_name [nume],
  email [e_mail, mail, adresa_de_email], phone [telefon, tel, mobil], address [adresa],
  city [oras, localitate], postal_code [cod_postal, zip], country [tara],
  language [limba: ro/en], tags [etichete; separated by |]
Order columns, external_id, placed_at, total and a customer column required:
  external_id [order_id, id_comanda, nr_comanda], customer_external_id [id_client,
  cod_client], customer_email [email], placed_at [data, date, data_comenzii],
  status [stare: placed/cancelled/refunded], currency [moneda], total [suma, valoare, amount]
Missing customers named by orders are created from their id and e-mail.
"""


class ProgressBar:
    """A one-line progress bar on stderr, redrawn in place."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()

    def __call__(self, progress: Progress) -> None:
        share = progress.processed_bytes / progress.total_bytes if progress.total_bytes else 0
        filled = int(30 * share)
        rate = progress.rows_read / max(time.monotonic() - self.started, 1e-6)
        self.stream.write(
            f"\r{progress.phase:<10} [{'#' * filled}{'.' * (30 - filled)}] {share:4.0%} "
            f"{progress.rows_read:>9} rows {rate:>8.0f}/s"
        )
        self.stream.flush()

    def done(self) -> None:
        self.stream.write("\n")


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        from argparse import RawDescriptionHelpFormatter

        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["customers", "orders"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--workspace", required=True, help=_("the workspace's slug"))
        parser.add_argument("--actor", default="", help=_("e-mail of the user to record"))
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--encoding",
            choices=["utf-8", "cp1250", "iso-8859-2"],
            default="",
            help=_("the file's text encoding (detected when not given)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(_("No workspace %(slug)s") % {"slug": options["workspace"]})
        actor = User.objects.filter(email=options["actor"].lower()).first()
        if not options["file"].is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": options["file"]})
        bar = None if options["no_progress"] else ProgressBar(sys.stderr)
        try:
            job = import_run_file(
                workspace=workspace,
                kind=options["kind"],
                path=options["file"],
                actor=actor,
                progress=bar,
                encoding=options["encoding"],
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if bar is not None:
                bar.done()
        self._report(job)

    def _report(self, job: Any) -> None:
        if job.status == ImportStatus.SUCCEEDED:
            self.stdout.write(
                _(
                    "Imported %(rows)s rows: %(created)s created, %(updated)s updated, "
                    "%(unchanged)s unchanged."
                )
                % {
                    "rows": job.rows_read,
                    "created": job.created_count,
                    "updated": job.updated_count,
                    "unchanged": job.unchanged_count,
                }
            )
            return
        for error in job.errors:
            self.stderr.write(
                _("line %(line)s, column %(column)s: %(reason)s")
                % {
                    "line": error["line"],
                    "column": error["column"] or "-",
                    "reason": error["reason"],
                }
            )
        raise CommandError(
            _("Rejected: %(count)s errors, nothing was imported.") % {"count": job.error_count},
            returncode=1,
        )
