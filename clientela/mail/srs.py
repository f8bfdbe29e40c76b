"""The Sender Rewriting Scheme: forwarded mail leaves with an envelope sender of our domain.

A forwarder that kept the original envelope sender would fail the sender's SPF check at the
final receiver. SRS rewrites it to an address of the forwarding domain that carries the
original, so that a bounce can find its way back, and signs it, so that nobody can use the
forwarder as a relay for bounces. The format is the one of Shevek's paper ("The Sender
Rewriting Scheme", 2004, http://www.libsrs2.org/srs/srs.pdf) as libsrs2 and postsrsd write it:

    SRS0=HHHH=TT=orig-domain=orig-local@forwarder
    SRS1=HHHH=first-forwarder==HHHH=TT=orig-domain=orig-local@forwarder

TT is the day number modulo 1024 in two base32 characters; HHHH the first four characters of
the base64 HMAC-SHA1 of the timestamp, domain and local part (SRS0), or of the first
forwarder and its opaque part (SRS1), compared without regard to case because some hosts
lowercase local parts. An address already rewritten (SRS0) by a forwarder before us becomes
SRS1 pointing at that forwarder; an SRS1 keeps its first forwarder. Addresses older than
`MAX_AGE_DAYS` no longer reverse.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
HASH_LENGTH = 4
MAX_AGE_DAYS = 21
DAY = 24 * 60 * 60
_TIME_SLOTS = 1024  # 2 base32 characters


class SrsError(ValueError):
    """Not an SRS address of ours, forged, or too old."""


@dataclass(frozen=True)
class Srs:
    secret: bytes
    domain: str  # the forwarding domain the rewritten addresses are at

    def _hash(self, *parts: str) -> str:
        digest = hmac.new(self.secret, "".join(parts).lower().encode(), hashlib.sha1).digest()
        return base64.b64encode(digest).decode()[:HASH_LENGTH]

    def forward(self, sender: str, *, now: float | None = None) -> str:
        """The envelope sender to use when forwarding mail from `sender` ("" stays "")."""
        if not sender:
            return ""  # a bounce is forwarded with the null sender: nothing to send back to
        local, _, domain = sender.rpartition("@")
        if not local or not domain:
            raise SrsError(f"not an address: {sender!r}")
        if domain.lower() == self.domain.lower() and local[:4].upper() in {"SRS0", "SRS1"}:
            return sender  # already ours
        head = local[:5].upper()
        if head[:4] == "SRS1" and head[4:5] in "=+-" and len(local) > 5:
            _hash, first, opaque = self._srs1_parts(local)
            return f"SRS1={self._hash(first, opaque)}={first}={opaque}@{self.domain}"
        if head[:4] == "SRS0" and head[4:5] in "=+-" and len(local) > 5:
            opaque = local[4:]  # keeps its separator: "=HHHH=TT=..." and SRS1 adds one "="
            return f"SRS1={self._hash(domain, opaque)}={domain}={opaque}@{self.domain}"
        stamp = _timestamp(now)
        return f"SRS0={self._hash(stamp, domain, local)}={stamp}={domain}={local}@{self.domain}"

    def reverse(self, address: str, *, now: float | None = None) -> str:
        """Where a bounce to one of our SRS addresses goes back to; SrsError if forged."""
        local, _, domain = address.rpartition("@")
        if domain.lower() != self.domain.lower():
            raise SrsError("not our domain")
        head = local[:5].upper()
        if head in {"SRS0=", "SRS0+", "SRS0-"}:
            parts = local[5:].split("=", 3)
            if len(parts) != 4:
                raise SrsError("malformed SRS0 address")
            given, stamp, orig_domain, orig_local = parts
            if not hmac.compare_digest(
                given.lower(), self._hash(stamp, orig_domain, orig_local).lower()
            ):
                raise SrsError("bad SRS0 hash")
            if _age_days(stamp, now) > MAX_AGE_DAYS:
                raise SrsError("SRS0 address too old")
            return f"{orig_local}@{orig_domain}"
        if head in {"SRS1=", "SRS1+", "SRS1-"}:
            given, first, opaque = self._srs1_parts(local)
            if not hmac.compare_digest(given.lower(), self._hash(first, opaque).lower()):
                raise SrsError("bad SRS1 hash")
            return f"SRS0{opaque}@{first}"
        raise SrsError("not an SRS address")

    @staticmethod
    def _srs1_parts(local: str) -> tuple[str, str, str]:
        """(hash, first forwarder, opaque with its leading separator) of an SRS1 local part."""
        rest = local[5:]
        given, _, rest = rest.partition("=")
        first, sep, opaque = rest.partition("=")
        if not given or not first or not sep or not opaque:
            raise SrsError("malformed SRS1 address")
        return given, first, opaque


def _timestamp(now: float | None) -> str:
    day = int((time.time() if now is None else now) // DAY) % _TIME_SLOTS
    return BASE32[day >> 5] + BASE32[day & 31]


def _age_days(stamp: str, now: float | None) -> int:
    if len(stamp) != 2 or any(char.upper() not in BASE32 for char in stamp):
        raise SrsError("bad SRS timestamp")
    then = (BASE32.index(stamp[0].upper()) << 5) | BASE32.index(stamp[1].upper())
    today = int((time.time() if now is None else now) // DAY) % _TIME_SLOTS
    return (today - then) % _TIME_SLOTS
