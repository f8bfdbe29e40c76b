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
    from django.core.management import execute_from_command_line

    execute_from_command_line(["clientela", *args])


if __name__ == "__main__":
    main()
