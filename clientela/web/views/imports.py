"""CSV imports: the upload form, and a job page that follows the import as it runs."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clientela.accounts.models import Role
from clientela.customers.models import ImportJob
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.forms import ImportForm

RECENT_JOBS = 20


def _store(upload: UploadedFile) -> Path:
    """Copy the upload, chunk by chunk, to a file of its own that the import job reads."""
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}.csv"
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return target


@workspace_view(min_role=Role.MANAGER)
def import_index(request: WorkspaceRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.CLIENTELA_IMPORT_MAX_BYTES:
            form.add_error("file", _("The file is too large."))
        else:
            from clientela.customers.imports import import_start

            job = import_start(
                workspace=request.workspace,
                kind=form.cleaned_data["kind"],
                source_path=str(_store(upload)),
                file_name=Path(upload.name or "import.csv").name,
                actor=request.user,
            )
            return redirect("web:import_job", ws=request.workspace.slug, pk=job.pk)
    jobs = ImportJob.objects.for_workspace(request.workspace).order_by("-created_at", "-pk")
    return render(request, "web/imports/index.html", {"form": form, "jobs": jobs[:RECENT_JOBS]})


@workspace_view(min_role=Role.MANAGER)
def import_job(request: WorkspaceRequest, pk: int) -> HttpResponse:
    try:
        job = ImportJob.objects.for_workspace(request.workspace).get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404 from None
    context = {"job": job, "finished": job.status in ("succeeded", "failed")}
    if request.htmx:
        return render(request, "web/imports/_job.html", context)
    return render(request, "web/imports/job.html", context)
