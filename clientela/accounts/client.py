"""What a request tells about its client, in one place for every view and endpoint."""

from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, as recorded with consents and subscriptions.

    REMOTE_ADDR only: a forwarded-for header is the client's own claim unless a trusted
    proxy sets it, and none is configured.
    """
    return request.META.get("REMOTE_ADDR") or None
