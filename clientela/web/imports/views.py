"""CSV imports: the upload form, and a job page that follows the import as it runs."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from clientela.accounts.models import Role
from clientela.imports.models import ImportJob, ImportStatus
from clientela.imports.services import ImportFileError
from clientela.imports.tasks import import_start
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.forms import ImportForm

RECENT_JOBS = 20


def _start(request: WorkspaceRequest, form: ImportForm) -> ImportJob:
    """Hand the upload to `import_start`, which keeps its own copy of the file."""
    upload: UploadedFile = form.cleaned_data["file"]
    name = Path(upload.name or "import.csv").name
    if isinstance(upload, TemporaryUploadedFile):  # large files are on disk already
        return _start_from(request, form, Path(upload.temporary_file_path()), name)
    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        return _start_from(request, form, Path(handle.name), name)


def _start_from(request: WorkspaceRequest, form: ImportForm, path: Path, name: str) -> ImportJob:
    return import_start(
        workspace=request.workspace,
        kind=form.cleaned_data["kind"],
        source_path=path,
        file_name=name,
        actor=request.user,
    )


@workspace_view(min_role=Role.MANAGER)
def import_index(request: WorkspaceRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = _start(request, form)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("web:import_job", ws=request.workspace.slug, pk=job.pk)
    jobs = ImportJob.objects.for_workspace(request.workspace).order_by("-created_at", "-pk")
    return render(request, "web/imports/index.html", {"form": form, "jobs": jobs[:RECENT_JOBS]})


@workspace_view(min_role=Role.MANAGER)
def import_job(request: WorkspaceRequest, pk: int) -> HttpResponse:
    try:
        job = ImportJob.objects.for_workspace(request.workspace).get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404 from None
    finished = job.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
    context = {"job": job, "finished": finished}
    if request.htmx:
        return render(request, "web/imports/_job.html", context)
    return render(request, "web/imports/job.html", context)
