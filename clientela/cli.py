"""The `clientela` console script: a thin front to Django's manage.py.

    clientela serve [--all] [--workers N] [--port P]   web server (+ worker, sender, clock, sink)
    clientela worker                                     run queued tasks from every queue
    clientela clock                                      enqueue periodic jobs, once per slot
    clientela outbox_send                                send due outbox rows over SMTP, polling
    clientela mailsink                                   local SMTP sink for the demo
    clientela demo [--reset]                             demo login and shop (CDNOW data)
    clientela import customers FILE --workspace SLUG     CSV import (see `clientela import -h`)
    clientela export customers|orders --workspace SLUG [--output FILE]   CSV export
    clientela workspace create --slug S --name N --owner EMAIL   new workspace (and owner)
    clientela member add --workspace S --email E --role ROLE     add a user to a workspace
    clientela token create --email E --workspace S --name N      print a new API token once

Each of these is a management command of the same name, and every other sub-command
(`migrate`, `createsuperuser`, …) is Django's: arguments pass through unchanged.
`retention fit` and `retention score` run without setting Django up: they only read a file.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(__doc__)
        args = ["help"]
    if args[:1] == ["retention"] and args[1:2] in (["fit"], ["score"]):
        # They read a file and touch no database: no Django setup (see file_commands).
        from clientela.retention.file_commands import main as file_main

        sys.exit(file_main(args[1:]))
    from django.core.management import execute_from_command_line

    execute_from_command_line(["clientela", *args])


if __name__ == "__main__":
    main()
