"""Turning an outbox row into the bytes we hand to SMTP.

Every customer-supplied value (name, subject) passes through `header_text` first: control
characters, CR/LF and the Unicode line and paragraph separators become spaces, "=?" is
spaced out so it cannot pass for an encoded word, so no value can
start a header line or a second message. The `email` package then folds and encodes
(RFC 2047) what remains. Addresses were normalised when the row was written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from django.utils import timezone

from clientela.outreach.delivery.verp import unsubscribe_mailto, unsubscribe_url

# Only our own header names may be stored on a row; anything else is dropped at build time.
OWN_HEADER = re.compile(r"^X-Clientela-[A-Za-z0-9-]{1,40}$")
_SPACES = re.compile(r"\s+")


def header_text(value: str, *, limit: int = 900) -> str:
    """One line of printable text: separators and control characters become single spaces."""
    cleaned = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp", "Cs"} else ch for ch in value
    )
    # A literal "=?...?=" would be decoded by readers as an RFC 2047 word: keep it literal.
    return _SPACES.sub(" ", cleaned.replace("=?", "= ?")).strip()[:limit]


def display_name_text(value: str) -> str:
    """A recipient or sender name reduced to letters, digits, spaces and . - '.

    Names need nothing else, and the `email` package folds long quoted names with specials
    ("(", "@", quotes) in ways its own parser reads back differently; this keeps the name a
    person sees exactly the one we stored.
    """
    kept = "".join(
        ch if unicodedata.category(ch)[0] in "LMN" or ch in " .-'" else " "
        for ch in header_text(value)
    )
    # No real name has a 17-letter word; a longer one would be split across encoded words,
    # which the stdlib reads back with a space in the middle.
    words = [word[i : i + 16] for word in kept.split() for i in range(0, len(word), 16)]
    return " ".join(words)[:64].strip()


@dataclass(frozen=True)
class Envelope:
    """What SMTP needs besides the bytes: the VERP sender and the one recipient."""

    sender: str
    recipient: str
    data: bytes
    smtputf8: bool


@dataclass(frozen=True)
class Draft:
    """The parts of a message, independent of the ORM (so it can be tested on its own)."""

    outbox_id: int
    message_id: str
    from_name: str
    from_address: str
    to_name: str
    to_address: str
    subject: str
    body_text: str
    body_html: str
    marketing: bool
    headers: tuple[tuple[str, str], ...] = ()


def _address(name: str, address: str) -> Address:
    return Address(display_name=display_name_text(name), addr_spec=address)


def message_build(draft: Draft) -> EmailMessage:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = _address(draft.from_name, draft.from_address)
    message["To"] = _address(draft.to_name, draft.to_address)
    message["Subject"] = header_text(draft.subject)
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = draft.message_id
    if draft.marketing:
        # RFC 8058: the HTTPS link first; receivers POST "List-Unsubscribe=One-Click" to it.
        url = unsubscribe_url(draft.outbox_id)
        message["List-Unsubscribe"] = f"<{url}>, <{unsubscribe_mailto(draft.outbox_id)}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    for name, value in draft.headers:
        if OWN_HEADER.match(name):
            message[name] = header_text(value, limit=200)
    message.set_content(draft.body_text)
    if draft.body_html:
        message.add_alternative(draft.body_html, subtype="html")
    return message


def message_bytes(message: EmailMessage, *, smtputf8: bool) -> bytes:
    return message.as_bytes(policy=policy.SMTPUTF8 if smtputf8 else policy.SMTP)


def needs_smtputf8(*addresses: str) -> bool:
    return not all(address.isascii() for address in addresses)
