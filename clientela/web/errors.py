"""Error pages: plain, translated, never a stack trace."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

# Bodies past one of Django's limits (DATA_UPLOAD_MAX_MEMORY_SIZE, the number of fields or
# files): Django raises them as a 400's SuspiciousOperation, but the request is well formed,
# only too large, and a client should be told so (413) rather than that it spoke nonsense.
TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def too_large_message() -> str:
    return _("The request is larger than this server accepts.")


def _render(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        # A body the API never got to parse (refused by Django first) still answers in JSON.
        return JsonResponse({"detail": message}, status=status)
    try:
        body: str = loader.render_to_string(
            "web/error.html",
            {
                "status": status,
                "title": title,
                "message": message,
                "home_label": _("Back to the start page"),
            },
            request,
        )
    except Exception:  # the error page itself must never fail
        body = f"<!doctype html><title>{status}</title><h1>{status}</h1>"
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, TOO_LARGE):
        return _render(request, 413, _("Request too large"), too_large_message())
    return _render(request, 400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 403, _("Not allowed"), _("You do not have access to this page."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 404, _("Not found"), _("There is nothing at this address."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _render(
        request,
        500,
        _("Something went wrong"),
        _("The error has been logged. Please try again in a moment."),
    )


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
