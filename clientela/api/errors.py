"""Error bodies and handlers: every error the API returns is JSON and documented.

Shapes: `{"detail": "message"}` for 400, 401, 403, 404, 413 and 500, and Ninja's validation
shape `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}` for 422, which service
errors (`CustomerError`, `CommerceError`) are mapped onto so a client reads one shape. A
403 is a policy's NotPermitted, raised by `require` or by the service itself.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from clientela.accounts.policy import NotPermitted

logger = logging.getLogger(__name__)


class ErrorOut(Schema):
    detail: str


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[ErrorItem]


def responses(*codes: int) -> dict[int, Any]:
    """The documented error responses of an operation, to merge into its `response=`."""
    return {code: ValidationErrorOut if code == 422 else ErrorOut for code in codes}


# Every operation: the token may be missing (401), the role too low (403).
READ = responses(401, 403, 422)
OBJECT_READ = responses(401, 403, 404, 422)
WRITE = responses(400, 401, 403, 422)
OBJECT_WRITE = responses(400, 401, 403, 404, 422)


def unprocessable(field: str, message: str, source: str = "body") -> ValidationError:
    """A 422 in Ninja's shape, for a value the schema allows but the domain refuses."""
    # Ninja names the body parameter in its locations ("body", "payload", field): so do we.
    loc = ["body", "payload", field] if source == "body" else [source, field]
    return ValidationError([{"loc": loc, "msg": message, "type": "value_error"}])


def install(api: NinjaAPI) -> None:
    """Replace Ninja's English-only, partly HTML error replies with translated JSON ones."""

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        detail = _("Missing, invalid or revoked API token.")
        response = api.create_response(request, {"detail": detail}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    @api.exception_handler(NotPermitted)
    def not_permitted(request: HttpRequest, exc: NotPermitted) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc)}, status=403)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        detail = _("The request body is not valid JSON.") if exc.status_code == 400 else str(exc)
        return api.create_response(request, {"detail": detail}, status=exc.status_code)

    def unreadable(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        # Django refused the body before Ninja could parse it: too large (413), or a form
        # body it cannot split (a multipart without its boundary): the client's fault (400).
        if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
            detail = _("The request is larger than this server accepts.")
            return api.create_response(request, {"detail": detail}, status=413)
        detail = _("The request body could not be read.")
        return api.create_response(request, {"detail": detail}, status=400)

    for refused in (SuspiciousOperation, MultiPartParserError, BadRequest):
        api.add_exception_handler(refused, unreadable)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged with its traceback for the operator; the client learns nothing internal.
        logger.exception("API error on %s %s", request.method, request.path)
        detail = _("Internal error; it has been logged.")
        return api.create_response(request, {"detail": detail}, status=500)
