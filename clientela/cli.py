"""The `clientela` console script: a thin front to manage.py.

    clientela serve | worker | clock | demo | import customers FILE --workspace SLUG | ...

Every sub-command that is not one of ours is passed to Django's manage.py unchanged.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["clientela", *args])


if __name__ == "__main__":
    main()
