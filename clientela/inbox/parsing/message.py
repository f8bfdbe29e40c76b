"""RFC 5322 bytes to a `ParsedMessage`, with a size limit on every part."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.headerregistry import Address, BaseHeader
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from email.policy import EmailPolicy
from email.utils import getaddresses, parsedate_to_datetime
from functools import lru_cache

from clientela.inbox.parsing.html import html_to_text, sanitize_html

_MSGID = re.compile(r"<[^<>\s]{1,245}>")
_FILENAME_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
MAX_REFERENCES = 20
# Header values this long or longer are parsed on each read, not kept (they are rare).
_CACHED_HEADER_CHARS = 300


@lru_cache(maxsize=2048)
def _header(name: str, value: str) -> BaseHeader:
    return policy.default.header_fetch_parse(name, value)  # type: ignore[no-any-return]


class _ParsedOnce(EmailPolicy):
    """`policy.default`, with each short header value parsed once. The default policy parses
    a header again on every read (building a new header class each time), and walking the
    parts reads Content-Type and Content-Disposition about twenty times per message: that
    was most of the parse. The parsed headers are immutable, so sharing them is safe."""

    def header_fetch_parse(self, name: str, value: str) -> BaseHeader:
        if len(value) >= _CACHED_HEADER_CHARS or hasattr(value, "name"):
            return super().header_fetch_parse(name, value)  # type: ignore[no-any-return]
        return _header(name, value)


_POLICY = _ParsedOnce()


class MessageTooLarge(ValueError):
    """The raw message is over the limit: refused before it is parsed."""


@dataclass(frozen=True)
class Limits:
    """The most we keep of one message. A bigger attachment is dropped (named, not kept); a
    longer text is cut. The raw limit refuses the whole message."""

    raw_bytes: int = 25 * 1024 * 1024
    text_chars: int = 200_000
    html_chars: int = 500_000
    attachment_bytes: int = 10 * 1024 * 1024
    attachments: int = 20


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    size: int
    data: bytes  # b"" when it was over the limit and dropped
    dropped: bool


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str  # "<...>", or "" when the sender gave none
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    from_address: str
    from_name: str
    to_addresses: tuple[str, ...]
    subject: str
    date: datetime | None  # aware; None when missing or unreadable
    text: str  # the plain text (from the HTML when there is no text part)
    html: str  # sanitised, "" when the message had no HTML part
    attachments: tuple[ParsedAttachment, ...]
    auto_submitted: bool  # an auto-reply or bounce (RFC 3834): never starts a conversation
    size: int


def parse_message(raw: bytes, limits: Limits | None = None) -> ParsedMessage:
    limits = limits or Limits()
    if len(raw) > limits.raw_bytes:
        raise MessageTooLarge(len(raw))
    message = BytesParser(policy=_POLICY).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    # The top-level headers as sent: the default policy parses a header on every read,
    # which costs more than the rest of the message; ids and dates need no parsing.
    headers: dict[str, str] = {}
    for name, value in message.raw_items():
        headers.setdefault(name.lower(), _unfolded(str(value)))
    from_name, from_address = _sender(headers)
    text, html = _bodies(message, limits)
    return ParsedMessage(
        message_id=_first_id(headers.get("message-id", "")),
        in_reply_to=tuple(_ids(headers.get("in-reply-to", ""))),
        references=tuple(_ids(headers.get("references", ""))[-MAX_REFERENCES:]),
        from_address=from_address,
        from_name=from_name,
        to_addresses=tuple(
            address.lower() for _name, address in getaddresses([headers.get("to", "")])
        )[:50],
        subject=_decoded(headers.get("subject", ""))[:998],
        date=_date(headers.get("date", "")),
        text=text,
        html=html,
        attachments=tuple(_attachments(message, limits)),
        auto_submitted=_auto(message, headers),
        size=len(raw),
    )


def _unfolded(value: str) -> str:
    """One line; raw 8-bit bytes (UTF-8 headers of RFC 6532, sent without encoding) that the
    parser kept as surrogates are read as UTF-8."""
    text = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return " ".join(text.split())


def _decoded(value: str) -> str:
    """An RFC 2047 header value as text ("=?UTF-8?Q?...?=" -> "Î..."); raw if malformed."""
    try:
        return " ".join(str(make_header(decode_header(value))).split())
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return value


def _ids(value: str) -> list[str]:
    return _MSGID.findall(value)


def _first_id(value: str) -> str:
    found = _ids(value)
    return found[0] if found else ""


def _sender(headers: dict[str, str]) -> tuple[str, str]:
    pairs = getaddresses([headers.get("reply-to") or headers.get("from", "")])
    name, address = pairs[0] if pairs else ("", "")
    name = _decoded(name)[:200]
    if "@" not in address:
        return name, ""
    try:
        Address(addr_spec=address)
    except (ValueError, IndexError):
        return name, ""
    return name, address.strip().lower()[:254]


def _date(value: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _content(part: MIMEPart) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):  # an unknown charset, a broken encoding
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _bodies(message: EmailMessage, limits: Limits) -> tuple[str, str]:
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    raw_html = _content(html_part)[: limits.html_chars] if html_part is not None else ""
    html = sanitize_html(raw_html) if raw_html else ""
    text = _content(text_part) if text_part is not None else html_to_text(raw_html)
    return text.replace("\r\n", "\n")[: limits.text_chars], html


def _attachments(message: EmailMessage, limits: Limits) -> list[ParsedAttachment]:
    found: list[ParsedAttachment] = []
    for part in message.iter_attachments():
        if len(found) >= limits.attachments:
            break
        assert isinstance(part, EmailMessage)
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        dropped = len(data) > limits.attachment_bytes
        found.append(
            ParsedAttachment(
                filename=_filename(part.get_filename() or "", len(found) + 1),
                content_type=part.get_content_type()[:100],
                size=len(data),
                data=b"" if dropped else data,
                dropped=dropped,
            )
        )
    return found


def _filename(name: str, number: int) -> str:
    """The name without path parts or control characters, never empty."""
    cleaned = _FILENAME_UNSAFE.sub("_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(" .")
    return cleaned[:200] or f"attachment-{number}"


def _auto(message: EmailMessage, headers: dict[str, str]) -> bool:
    auto = headers.get("auto-submitted", "").lower()
    return bool(auto and auto != "no") or message.get_content_type() == "multipart/report"
