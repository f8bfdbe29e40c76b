"""Headers every response carries: a Content-Security-Policy, no caching of personal data,
and Secure cookies whenever the request came over HTTPS.

The policy allows scripts and styles from our own origin only: no page has an inline
script, event handler or style attribute (htmx's own indicator style is switched off in
base.html and lives in clientela.css). The one exception is a page that previews a
letter's HTML in a sandboxed `srcdoc` frame (`mail_preview`): such a frame inherits the
page's policy, and letters carry their styles inline because mail readers ignore style
sheets, so that page alone allows inline styles. Scripts stay refused there as well, and
the frame is sandboxed without scripts in any case.

Every dynamic response is `no-store`: pages and API answers hold customers' names and
addresses, which must not outlive the session in a shared browser's or a proxy's cache.
Static files (served by WhiteNoise before this middleware) keep their long cache.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
MAIL_PREVIEW = {**POLICY, "style-src": "'self' 'unsafe-inline'"}


def _header(policy: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def mail_preview(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a page that shows a letter's HTML in a frame: its inline styles may apply."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.headers["Content-Security-Policy"] = _header(MAIL_PREVIEW)
        return response

    return wrapped


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", _header(POLICY))
        response.headers["Cache-Control"] = "no-store"
        if request.is_secure():
            # Whatever set it (session, CSRF, language, messages), a cookie sent over HTTPS
            # must never travel back over plain HTTP.
            for morsel in response.cookies.values():
                morsel["secure"] = True
        return response
