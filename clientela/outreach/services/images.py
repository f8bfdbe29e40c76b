"""Images uploaded for a brochure's blocks: checked, stored under the data directory, and
served from the shop's own address (`clientela.outreach.content.image_url`).

The file is recognised by its first bytes, not by the name or the browser's word, and opened
with Pillow to read its size (a file that is not the image it claims is refused). The name on
disk is the row's unguessable token, so an address cannot be guessed from another one and a
mail client's copy stays valid as long as the image is kept.
"""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.outreach.models import ContentImage
from clientela.outreach.policy import CAMPAIGN_UPDATE
from clientela.timeline.services import event_record

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4000
# The first bytes of each accepted format, its extension and its MIME type.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"GIF87a", "gif", "image/gif"),
    (b"GIF89a", "gif", "image/gif"),
)
TYPES = {ext: mime for _magic, ext, mime in _MAGIC}


class ImageInvalid(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def image_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "outreach-images"


def image_path(image: ContentImage) -> Path:
    return image_dir() / f"{image.token}.{_ext(image.content_type)}"


def _ext(content_type: str) -> str:
    return next(ext for ext, mime in TYPES.items() if mime == content_type)


def _kind(data: bytes) -> tuple[str, str]:
    for magic, ext, mime in _MAGIC:
        if data.startswith(magic):
            return ext, mime
    raise ImageInvalid(_("Upload a PNG, JPEG or GIF image."))


@transaction.atomic
def content_image_save(
    *, workspace: Workspace, actor: User | None, data: bytes, name: str = ""
) -> ContentImage:
    """Store an uploaded image; return its row (its `block_ref` goes in a block)."""
    permit(actor=actor, workspace=workspace, rule=CAMPAIGN_UPDATE)
    if len(data) > MAX_BYTES:
        raise ImageInvalid(_("An image may be at most 2 MB."))
    if not data:
        raise ImageInvalid(_("The file is empty."))
    _ext_name, mime = _kind(data)
    from PIL import Image, UnidentifiedImageError  # imported late: only uploads need it

    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.verify()
            width, height = picture.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageInvalid(_("The file is not a readable image.")) from exc
    if width > MAX_SIDE or height > MAX_SIDE:
        raise ImageInvalid(_("An image may be at most 4000 pixels on a side."))
    image = ContentImage.objects.create(
        workspace=workspace,
        token=secrets.token_urlsafe(24),
        content_type=mime,
        size=len(data),
        width=width,
        height=height,
        name=name[:200],
    )
    path = image_path(image)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    event_record(
        workspace=workspace, actor=actor, kind="image.uploaded", subject=image, summary=image.name
    )
    return image


def block_ref(image: ContentImage) -> str:
    """What a block's `image` field holds: the file's name, "<token>.<ext>"."""
    return f"{image.token}.{_ext(image.content_type)}"
