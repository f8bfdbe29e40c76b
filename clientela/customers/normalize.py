"""Pure normalisation of customer-supplied values (no Django)."""

from __future__ import annotations

import re

_EMAIL = re.compile(
    r"^[^@\s<>(),;:\"\[\]\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


class InvalidEmail(ValueError):
    pass


def normalize_email(raw: str) -> str:
    """Lower-case, trimmed address; the domain IDNA-encoded. Raise InvalidEmail otherwise.

    The local part is lower-cased too: shops treat Ana@x and ana@x as one customer, and
    almost no mail server distinguishes them.
    """
    value = raw.strip().lower()
    if "@" not in value:
        raise InvalidEmail(raw)
    local, _, domain = value.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidEmail(raw) from exc
    value = f"{local}@{domain}"
    if len(value) > 254 or not _EMAIL.match(value) or "\n" in raw or "\r" in raw:
        raise InvalidEmail(raw)
    return value
