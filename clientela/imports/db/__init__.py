"""What the import does differently on SQLite and on PostgreSQL, behind one interface.

Each database has a module here, `sqlite` and `postgres`, with the names of `base.Backend`:
whether writing may overlap validation, how rows are inserted, how existing rows are
looked up, what the planner needs. `backend()` picks the module of the default
connection's database; the pipeline asks for it once per import and hands it to the
writers, so that no other module of the import asks which database it is on.
"""

from __future__ import annotations

from django.db import connection

from clientela.imports.db import postgres, sqlite
from clientela.imports.db.base import Backend

_BACKENDS: dict[str, Backend] = {"sqlite": sqlite, "postgresql": postgres}


def backend() -> Backend:
    """The module of the default connection's database (KeyError for any other)."""
    return _BACKENDS[connection.vendor]
