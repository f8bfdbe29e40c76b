"""Delivery settings, read once from Django settings with the defaults documented here."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings


def _setting(name: str, default: Any = "") -> Any:
    """A Django setting, else the environment variable of the same name (until settings.py
    names these), else the default."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return value


@dataclass(frozen=True)
class DeliveryConf:
    bounce_domain: str
    relay_rate: float  # messages per second for the whole install; 0 means no limit
    dkim_selector: str
    dkim_domain: str
    dkim_key_file: Path | None


def delivery_conf() -> DeliveryConf:
    from_domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    key_file = _setting("CLIENTELA_DKIM_KEY_FILE") or ""
    return DeliveryConf(
        bounce_domain=_setting("CLIENTELA_BOUNCE_DOMAIN") or from_domain,
        relay_rate=float(_setting("CLIENTELA_RELAY_RATE", 0) or 0),
        dkim_selector=_setting("CLIENTELA_DKIM_SELECTOR") or "",
        dkim_domain=_setting("CLIENTELA_DKIM_DOMAIN") or from_domain,
        dkim_key_file=Path(key_file) if key_file else None,
    )
