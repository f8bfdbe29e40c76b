"""The images of brochures, served from the shop's own address to the mail clients that
show them (no login: the file's name holds its unguessable token)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from clientela.outreach.selectors import content_image_by_name
from clientela.outreach.services.images import image_path


@require_GET
def content_image(request: HttpRequest, name: str) -> FileResponse:
    image = content_image_by_name(name)
    if image is None:
        raise Http404
    path = image_path(image)
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
