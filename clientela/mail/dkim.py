"""DKIM signing with dkimpy, when a key is configured (CLIENTELA_DKIM_* settings)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import cast

import dkim as dkimpy

from clientela.mail.conf import delivery_conf

SIGNED_HEADERS = (
    b"From",
    b"To",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"MIME-Version",
    b"Content-Type",
    b"List-Unsubscribe",
    b"List-Unsubscribe-Post",
)


@lru_cache(maxsize=4)
def _key(path: Path) -> bytes:
    return path.read_bytes()


def dkim_sign(data: bytes, *, selector: str, domain: str, private_key: bytes) -> bytes:
    """`data` with a DKIM-Signature header in front (relaxed/relaxed, rsa-sha256)."""
    signature = dkimpy.sign(
        data,
        selector.encode(),
        domain.encode(),
        private_key,
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=list(SIGNED_HEADERS),
    )
    return cast("bytes", signature + data)


def dkim_sign_configured(data: bytes) -> bytes:
    """Sign with the install's key, or return `data` unchanged when none is configured."""
    conf = delivery_conf()
    if not (conf.dkim_key_file and conf.dkim_selector and conf.dkim_domain):
        return data
    return dkim_sign(
        data,
        selector=conf.dkim_selector,
        domain=conf.dkim_domain,
        private_key=_key(conf.dkim_key_file),
    )
