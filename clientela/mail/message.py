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
from email import charset, policy
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr

from django.utils import timezone

from clientela.mail.verp import unsubscribe_mailto, unsubscribe_url

# Only our own header names may be stored on a row; anything else is dropped at build time.
OWN_HEADER = re.compile(r"^X-Clientela-[A-Za-z0-9-]{1,40}$")
# A reply of the inbox threads in the customer's mail client (RFC 5322 section 3.6.4) and
# asks for answers at the support address. Values are ids and addresses: ASCII, one line.
THREAD_HEADERS = frozenset({"In-Reply-To", "References", "Reply-To"})
_THREAD_VALUE = re.compile(r"^[\x21-\x7e ]{1,1900}$")
_SPACES = re.compile(r"\s+")
_WIRE = policy.compat32.clone(linesep="\r\n")
# Quoted-printable keeps mostly-Romanian text readable in the raw message and under 78 columns.
_UTF8 = charset.Charset("utf-8")
_UTF8.header_encoding = charset.QP
_UTF8.body_encoding = charset.QP


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


def _address(name: str, address: str) -> str:
    return formataddr((display_name_text(name), address), charset="utf-8")


def _header(value: str) -> Header:
    # Header objects are folded by the generator with the message's own line ending.
    return Header(value, "us-ascii" if value.isascii() else _UTF8, maxlinelen=78)


def _part(text: str, subtype: str) -> MIMEText:
    if text.isascii():
        return MIMEText(text, subtype, "us-ascii")
    # typeshed wants a str charset; an email.charset.Charset object is what MIMEText really takes.
    return MIMEText(text, subtype, _UTF8)  # type: ignore[arg-type]


def message_build(draft: Draft) -> Message:
    """The message, built with the `email` package's compat32 API (five times faster to
    generate than EmailMessage, which matters at hundreds of messages per second)."""
    body: Message = _part(draft.body_text, "plain")
    if draft.body_html:
        body = MIMEMultipart("alternative", _subparts=[body, _part(draft.body_html, "html")])
    body["From"] = _address(draft.from_name, draft.from_address)
    body["To"] = _address(draft.to_name, draft.to_address)
    # typeshed types header values as str; email.header.Header objects are valid values.
    body["Subject"] = _header(header_text(draft.subject))  # type: ignore[assignment]
    body["Date"] = format_datetime(timezone.now())
    body["Message-ID"] = draft.message_id
    if draft.marketing:
        # RFC 8058: the HTTPS link first; receivers POST "List-Unsubscribe=One-Click" to it.
        url = unsubscribe_url(draft.outbox_id)
        body["List-Unsubscribe"] = f"<{url}>, <{unsubscribe_mailto(draft.outbox_id)}>"
        body["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    for name, value in draft.headers:
        if OWN_HEADER.match(name):
            # typeshed types header values as str; email.header.Header objects are valid values.
            body[name] = _header(header_text(value, limit=200))  # type: ignore[assignment]
        elif name in THREAD_HEADERS and _THREAD_VALUE.match(value):
            body[name] = value
    return body


def message_bytes(message: Message) -> bytes:
    """CRLF line endings, as SMTP wants them. Non-ASCII addresses are refused before this."""
    return message.as_bytes(policy=_WIRE)


def needs_smtputf8(*addresses: str) -> bool:
    return not all(address.isascii() for address in addresses)
