"""Pure normalisation of customer-supplied values (no Django)."""

from __future__ import annotations

import re
import unicodedata

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


SEARCH_KEY_LENGTH = 255


def search_key(text: str) -> str:
    """The form in which customers are searched: case and diacritics folded, spaces collapsed.

    "Ștefan", "ȘTEFAN", "ştefan" (cedilla) and "stefan" all give "stefan", so a user who
    types without diacritics, or in capitals, finds the customer. Python folds every
    Unicode letter here, once, when the row is written: the database only compares
    stored keys and never needs to know Unicode case rules (SQLite's lower() does not).
    The key of a prefix is a prefix of the key, so a prefix search stays a prefix search.
    """
    if text.isascii():  # the same result without the Unicode tables: most keys are ASCII
        return " ".join(text.lower().split())[:SEARCH_KEY_LENGTH]
    return _search_key_unicode(text)


def _search_key_unicode(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.split())[:SEARCH_KEY_LENGTH]
