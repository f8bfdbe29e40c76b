"""The keyed digest an erased address is kept as, computed the same in Python and in SQL.

The digest is SHA-256 over a secret prefix (derived from SECRET_KEY) and the normalised
address. It must be computable inside a query, so that the contact checks of a campaign
(`contactable`, one query for every recipient) can compare each customer's address with
the erased ones; HMAC cannot be written in portable SQL, a secret-prefixed hash can. The
prefix is what keeps a list of candidate addresses from being hashed and matched by
anyone holding only the database; length extension gives nothing here, since the digest
authenticates nothing. Rotating SECRET_KEY forgets the erased addresses (documented).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.db.models import CharField, Func, Value
from django.db.models.functions import Concat


def _prefix() -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"clientela.mail.erased-address", hashlib.sha256).hexdigest()


def address_digest(address: str) -> str:
    return hashlib.sha256((_prefix() + address).encode()).hexdigest()


class _Sha256Hex(Func):
    """Lower-case hex SHA-256 of a text: SQLite's SHA256 (Django registers it on every
    connection), PostgreSQL's built-in sha256 (no pgcrypto needed)."""

    function = "SHA256"
    arity = 1
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="ENCODE(SHA256(CONVERT_TO(%(expressions)s, 'UTF8')), 'hex')",
            **extra,
        )


def digest_sql(address: Any) -> Func:
    """`address_digest` of an expression (e.g. `OuterRef("email")`), in SQL."""
    return _Sha256Hex(Concat(Value(_prefix()), address, output_field=CharField()))
