"""The shop's look in its mail: colours checked for contrast, a logo re-encoded by us, the
postal address; `branding_set` is the one write.

Colour contrast follows WCAG 2.1, "contrast ratio" and "relative luminance"
(https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio): (L1 + 0.05) / (L2 + 0.05) of the sRGB
luminances, 4.5:1 the minimum for body text (success criterion 1.4.3).

A logo is accepted only as PNG or JPEG (an SVG can carry script and external references),
at most `LOGO_MAX_BYTES` and `LOGO_MAX_PIXELS` before decoding, and is re-encoded by Pillow
into a PNG of at most 600 x 200 pixels: what we store and serve is our own encoding, without
the upload's metadata or trailing bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import warnings

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.accounts.scoping import settings_for
from clientela.mail.models import Branding
from clientela.mail.policy import DELIVERY_BRANDING_SET
from clientela.timeline.services import event_record

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5
WHITE = "#ffffff"
INK = "#1b1b1b"
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = 4000 * 4000
LOGO_BOX = (600, 200)  # drawn at most 300 x 100 in the mail: twice that for sharp screens
ADDRESS_MAX = 400


class BrandingError(ValueError):
    """A value the shop must correct; the message is for the person who typed it."""


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: str) -> float:
    """WCAG 2.1 relative luminance of a #rrggbb colour."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(first: str, second: str) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(background: str) -> str:
    """White or near-black text, whichever contrasts more with `background`."""
    return WHITE if contrast(background, WHITE) >= contrast(background, INK) else INK


def color_clean(value: str) -> str:
    value = value.strip()
    if not HEX.fullmatch(value):
        raise BrandingError(_("Write the colour as # and six hexadecimal digits, e.g. #1f4e79."))
    return value.lower()


def link_color_clean(value: str) -> str:
    color = color_clean(value)
    ratio = contrast(color, WHITE)
    if ratio < MIN_CONTRAST:
        raise BrandingError(
            _(
                "This colour is too light for text on white (contrast %(ratio).1f:1, "
                "at least 4.5:1 is needed). Choose a darker one."
            )
            % {"ratio": ratio}
        )
    return color


def logo_clean(data: bytes) -> tuple[bytes, int, int]:
    """The upload re-encoded as PNG within LOGO_BOX: (bytes, width, height)."""
    if len(data) > LOGO_MAX_BYTES:
        raise BrandingError(_("The logo may be at most 1 MB."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in {"PNG", "JPEG"}:
                raise BrandingError(_("The logo must be a PNG or JPEG image."))
            width, height = image.size
            if width * height > LOGO_MAX_PIXELS:
                raise BrandingError(_("The logo is too large; use at most 4000 x 4000 pixels."))
            image.load()
    except BrandingError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):  # fmt: skip
        raise BrandingError(_("The logo must be a PNG or JPEG image.")) from None
    picture = image.convert("RGBA" if image.mode in {"RGBA", "LA", "P"} else "RGB")
    picture.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue(), picture.width, picture.height


def branding_for(workspace: Workspace) -> Branding:
    """The saved branding, or the defaults (an unsaved row) for a workspace that has none."""
    return settings_for(Branding, workspace)


@transaction.atomic
def branding_set(
    *,
    workspace: Workspace,
    actor: User | None,
    brand_color: str,
    link_color: str,
    postal_address: str,
    logo: bytes | None = None,
    logo_remove: bool = False,
) -> Branding:
    """Save the look of the workspace's mail. `logo` replaces the logo; `logo_remove` drops it.
    Raises BrandingError for a value the shop must correct."""
    permit(actor=actor, workspace=workspace, rule=DELIVERY_BRANDING_SET)
    new_values: dict[str, object] = {
        "brand_color": color_clean(brand_color),
        "link_color": link_color_clean(link_color),
        "postal_address": "\n".join(
            line.strip() for line in postal_address.strip().splitlines() if line.strip()
        )[:ADDRESS_MAX],
    }
    if logo is not None:
        png, width, height = logo_clean(logo)
        version = hashlib.sha256(png).hexdigest()[:12]
        new_values |= {"logo": png, "logo_width": width, "logo_height": height}
        new_values["logo_version"] = version
    elif logo_remove:
        new_values |= {"logo": b"", "logo_width": 0, "logo_height": 0, "logo_version": ""}
    current = Branding.objects.select_for_update().filter(workspace=workspace).first()
    if current is None:
        current = Branding(workspace=workspace, public_token=secrets.token_urlsafe(24))
    shown = ("brand_color", "link_color", "postal_address", "logo_version")
    old = {name: getattr(current, name) for name in shown}
    for name, value in new_values.items():
        setattr(current, name, value)
    new = {name: getattr(current, name) for name in shown}
    if current.pk is not None and old == new:
        return current
    current.updated_at = timezone.now()
    current.save()
    event_record(
        workspace=workspace,
        kind="outreach.branding_changed",
        subject=current,
        actor=actor,
        old=old,
        new=new,
    )
    return current


def logo_by_token(token: str) -> Branding | None:
    """The branding whose public logo address carries `token`, if it has a logo."""
    if not token or len(token) > 43:
        return None
    return Branding.objects.filter(public_token=token).exclude(logo_version="").first()
