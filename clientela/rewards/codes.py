"""Gift certificate codes: random, readable, and known to the database only by their HMAC.

A code is 20 characters from a 31-letter alphabet without the look-alikes 0/O, 1/I/L,
written in four groups of five: 20 * log2(31) ≈ 99 random bits from `secrets`, above the
80 bits asked for, so guessing one at 10 tries an hour per address is hopeless.

The digest is HMAC-SHA256 under a key derived from SECRET_KEY (Django's `salted_hmac`, key =
SHA-256(salt + secret)): rotating SECRET_KEY makes every issued code unfindable.
"""

from __future__ import annotations

import re
import secrets

from django.utils.crypto import salted_hmac

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS, GROUP_SIZE = 4, 5
LENGTH = GROUPS * GROUP_SIZE
_SALT = "clientela.rewards.certificate-code"


def code_new() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return code_format(raw)


def code_format(raw: str) -> str:
    return "-".join(raw[i : i + GROUP_SIZE] for i in range(0, LENGTH, GROUP_SIZE))


def code_normalize(typed: str) -> str | None:
    """The code's 20 letters from what someone typed (any case, spaces or dashes), or None
    when it cannot be a code at all."""
    letters = "".join(ch for ch in typed.upper() if ch not in " -\t")
    if len(letters) != LENGTH or any(ch not in ALPHABET for ch in letters):
        return None
    return letters


# A code as printed (four groups of five): what `code_mask` looks for in a stored text.
_GROUP = f"[{ALPHABET}]{{{GROUP_SIZE}}}"
PRINTED = re.compile(rf"\b{_GROUP}(?:-{_GROUP}){{{GROUPS - 1}}}\b")


def code_mask(code: str) -> str:
    """What may be kept of a code: its last four letters, enough to tell two apart."""
    letters = code_normalize(code) or ""
    return f"XXXXX-…-{letters[-4:]}"


def code_digest(letters: str) -> str:
    return salted_hmac(_SALT, letters, algorithm="sha256").hexdigest()
