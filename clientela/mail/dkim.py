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


def dkim_aligned(from_address: str) -> bool | None:
    """Whether mail from `from_address` is signed for its own domain or a parent of it
    (DMARC's relaxed alignment, RFC 7489 section 3.1.1), which Gmail's and Yahoo's
    bulk-sender rules ask for; None when no key is configured."""
    conf = delivery_conf()
    if not (conf.dkim_key_file and conf.dkim_selector and conf.dkim_domain):
        return None
    domain = from_address.rpartition("@")[2].lower().rstrip(".")
    signing = conf.dkim_domain.lower().rstrip(".")
    return domain == signing or domain.endswith("." + signing)
