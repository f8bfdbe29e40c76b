"""CSV imports: the upload form, and a job page that follows the import as it runs; and the
CSV downloads of the customer and order lists, with the filters the list shows."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.contrib import messages
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.http import HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import redirect, render

from clientela.accounts.scoping import scoped_get
from clientela.imports.encodings import label
from clientela.imports.exports import DIALECTS, customers_export, orders_export
from clientela.imports.formats import all_formats, format_by_slug, template_csv
from clientela.imports.models import ImportJob, ImportStatus
from clientela.imports.policy import CUSTOMER_EXPORT, IMPORT_START, ORDER_EXPORT
from clientela.imports.selectors import import_jobs_recent
from clientela.imports.services import ImportFileError, ImportRetryError
from clientela.imports.tasks import import_retry_start, import_start
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.commerce.forms import OrderFilterForm
from clientela.web.commerce.forms import list_filters as order_filters
from clientela.web.customers.forms import CustomerFilterForm
from clientela.web.customers.forms import list_filters as customer_filters
from clientela.web.imports.forms import ImportForm

RECENT_JOBS = 20


def _start(request: WorkspaceRequest, form: ImportForm) -> ImportJob:
    """Hand the upload to `import_start`, which keeps its own copy of the file."""
    upload: UploadedFile[bytes] = form.cleaned_data["file"]
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
        encoding=form.cleaned_data.get("encoding") or "",
    )


@workspace_view(IMPORT_START)
def import_index(request: WorkspaceRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = _start(request, form)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("web:import_job", ws=request.workspace.slug, pk=job.pk)
    jobs = import_jobs_recent(workspace=request.workspace)[:RECENT_JOBS]
    context = {"form": form, "jobs": jobs, "formats": all_formats()}
    return render(request, "web/imports/index.html", context)


@workspace_view(IMPORT_START)
def import_template(request: WorkspaceRequest) -> HttpResponse:
    """A file to fill in, in one of the accepted layouts (`?format=shopify-orders`)."""
    fmt = format_by_slug(request.GET.get("format", "")) or all_formats()[0]
    response = HttpResponse(template_csv(fmt), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="template-{fmt.slug}.csv"'
    return response


@workspace_view(IMPORT_START)
def import_job_retry(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Queue again a job whose worker kept dying, from its stored file (POST only)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    job = scoped_get(ImportJob, request.workspace, pk)
    try:
        import_retry_start(job=job, actor=request.user)
    except ImportRetryError as error:
        messages.error(request, str(error))
    return redirect("web:import_job", ws=request.workspace.slug, pk=job.pk)


# The job page follows an upload: shown to those who may start one, as the upload form is.
@workspace_view(IMPORT_START)
def import_job(request: WorkspaceRequest, pk: int) -> HttpResponse:
    job = scoped_get(ImportJob, request.workspace, pk)
    finished = job.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
    fmt = format_by_slug(job.file_format)
    context = {
        "job": job,
        "finished": finished,
        "format": fmt,
        "encoding": label(job.encoding) if job.encoding else "",
    }
    if request.htmx:
        return render(request, "web/imports/_job.html", context)
    return render(request, "web/imports/job.html", context)


def _download(lines: Iterator[str], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _name(base: str, request: WorkspaceRequest, dialect: str) -> str:
    return f"{base}-{request.workspace.slug}{'-excel' if dialect == 'excel_ro' else ''}.csv"


@workspace_view(CUSTOMER_EXPORT)
def customer_export(request: WorkspaceRequest, dialect: str = "csv") -> StreamingHttpResponse:
    filters = customer_filters(CustomerFilterForm.of(request.GET))
    lines = customers_export(
        workspace=request.workspace,
        actor=request.user,
        filters=filters,
        dialect=DIALECTS[dialect],
    )
    return _download(lines, _name("customers", request, dialect))


@workspace_view(ORDER_EXPORT)
def order_export(request: WorkspaceRequest, dialect: str = "csv") -> StreamingHttpResponse:
    filters = order_filters(OrderFilterForm.of(request.GET))
    lines = orders_export(
        workspace=request.workspace, actor=request.user, filters=filters, dialect=DIALECTS[dialect]
    )
    return _download(lines, _name("orders", request, dialect))
