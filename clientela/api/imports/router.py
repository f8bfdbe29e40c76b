"""CSV imports: upload a file to start one (202), then poll its status and errors."""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Path, Router, Status
from ninja.files import UploadedFile

from clientela.accounts.models import Role
from clientela.api.auth import actor_of, require_role, workspace_of
from clientela.api.errors import OBJECT_READ, WRITE, unprocessable
from clientela.api.schemas.imports import ImportJobOut, Kind
from clientela.api.types import QueryId
from clientela.imports.models import ImportJob
from clientela.imports.services import ImportFileError
from clientela.imports.tasks import import_start

router = Router(tags=["imports"])


@router.post(
    "",
    response={202: ImportJobOut, **WRITE},
    summary="Upload a CSV file of customers or orders; it is imported in the background",
)
def import_create(
    request: HttpRequest, kind: Form[Kind], file: File[UploadedFile]
) -> Status[ImportJob]:
    require_role(request, Role.MANAGER)
    # The upload may live in memory or in a temporary file; the service wants a path and
    # keeps its own copy, so ours can go when the request ends.
    with tempfile.TemporaryDirectory() as folder:
        source = FilePath(folder) / "upload.csv"
        with source.open("wb") as handle:
            for chunk in file.chunks():
                handle.write(chunk)
        try:
            job = import_start(
                workspace=workspace_of(request),
                kind=kind,
                source_path=source,
                file_name=file.name or "upload.csv",
                actor=actor_of(request),
            )
        except ImportFileError as exc:
            raise unprocessable("file", str(exc), source="file") from exc
    return Status(202, job)


@router.get(
    "/{import_id}",
    response={200: ImportJobOut, **OBJECT_READ},
    summary="An import: its status, progress and the rows it refused",
)
def import_read(request: HttpRequest, import_id: Path[QueryId]) -> ImportJob:
    jobs = ImportJob.objects.for_workspace(workspace_of(request)).select_related("created_by")
    return get_object_or_404(jobs, pk=import_id)
