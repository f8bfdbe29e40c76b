"""Write a CSV to disk and import it the way the CLI does; count what the database holds."""

from __future__ import annotations

from pathlib import Path

from clientela.accounts.models import User, Workspace
from clientela.commerce.models import Order
from clientela.customers.models import Customer, CustomerEmail, Tag
from clientela.imports.models import ImportJob
from clientela.imports.services import import_run_file
from clientela.timeline.models import Event


def write_csv(folder: Path, text: str, *, bom: bool = False, name: str = "data.csv") -> Path:
    path = folder / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def run(
    folder: Path, workspace: Workspace, kind: str, text: str, actor: User | None = None, **kw
) -> ImportJob:
    path = write_csv(folder, text, bom=kw.pop("bom", False))
    return import_run_file(workspace=workspace, kind=kind, path=path, actor=actor, **kw)


def counts() -> dict[str, int]:
    """Rows of every table an import may write (the job table aside)."""
    return {
        "customers": Customer.objects.count(),
        "emails": CustomerEmail.objects.count(),
        "tags": Tag.objects.count(),
        "customer_tags": Customer.tags.through.objects.count(),
        "orders": Order.objects.count(),
        "events": Event.objects.count(),
    }


def errors_of(job: ImportJob) -> list[tuple[int, str, str]]:
    return [(e["line"], e["column"], e["reason"]) for e in job.errors]
