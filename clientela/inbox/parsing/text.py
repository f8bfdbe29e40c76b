"""Subject keys for threading, and what the sender wrote split from quotes and signature."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Reply and forward prefixes of the mail clients our shops' customers use (EN, RO, DE, FR,
# NL, the Nordic ones), with an optional counter ("Re[2]:", "RE(3):").
_PREFIX = re.compile(
    r"^\s*(?:re|fw|fwd|aw|wg|tr|sv|vs|antw|r|răspuns|raspuns|redirecționat|redirectionat)"
    r"\s*(?:\[\d+\]|\(\d+\))?\s*:\s*",
    re.IGNORECASE,
)
_BRACKET_TAG = re.compile(r"^\s*\[[^\]]{1,40}\]\s*")
_SPACE = re.compile(r"\s+")
SUBJECT_KEY_LENGTH = 200


def subject_key(subject: str) -> str:
    """The subject without reply/forward prefixes (repeated, in any order), a list tag in
    brackets, case and extra spaces: "Re: AW: Fwd: [Shop] Comanda 12" -> "comanda 12"."""
    text = unicodedata.normalize("NFC", subject or "")
    while True:
        stripped = _PREFIX.sub("", _BRACKET_TAG.sub("", text, count=1), count=1)
        if stripped == text:
            break
        text = stripped
    return _SPACE.sub(" ", text).strip().casefold()[:SUBJECT_KEY_LENGTH]


# A line that introduces the quoted history, in the clients' own words.
_ATTRIBUTION = re.compile(
    r"^(?:On .{4,200} wrote:|"  # Gmail, Thunderbird, Apple Mail (EN)
    r"(?:În|In) data de .{4,200} a scris:|"  # Gmail (RO)
    r".{4,200} a scris:|"  # Thunderbird (RO)
    r"Am .{4,200} schrieb .{1,200}:|"  # DE
    r"Le .{4,200} a écrit ?:|"  # FR
    r"-{2,}\s*Original Message\s*-{2,}|"  # Outlook (EN)
    r"-{2,}\s*Mesaj original\s*-{2,}|"  # Outlook (RO)
    r"-{2,}\s*Forwarded message\s*-{2,}|"
    r"_{20,})\s*$",
    re.IGNORECASE,
)
# Outlook quotes with a header block: "From: ...", then Sent/To/Subject (EN) or De la/Trimis.
_OUTLOOK_HEADER = re.compile(r"^\*?(?:From|De la|Von|De)\s*:\*?\s+\S", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(r"^\*?(?:Sent|Trimis|Gesendet|Envoyé|Date|Data)\s*:", re.IGNORECASE)
_SIGNATURE = re.compile(
    r"^(?:-- ?|Sent from my .{1,60}|Trimis de pe .{1,60}|Get Outlook for .{1,40})$"
)


@dataclass(frozen=True)
class Folded:
    """What the sender wrote now, the quoted history, and the signature (each may be "")."""

    body: str
    quoted: str
    signature: str


def fold_quoted(text: str) -> Folded:
    """Split a plain-text message: the first attribution line, Outlook header block or run of
    "> " lines that reaches the end starts the quote; a "-- " line (RFC 3676 section 4.3) or
    a mobile client's "Sent from my ..." before it starts the signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _quote_start(lines)
    body_lines, quoted = lines[:cut], "\n".join(lines[cut:]).strip("\n")
    signature = ""
    for index, line in enumerate(body_lines):
        if _SIGNATURE.match(line.rstrip("\n")):
            signature = "\n".join(body_lines[index:]).strip("\n")
            body_lines = body_lines[:index]
            break
    return Folded("\n".join(body_lines).strip("\n"), quoted, signature)


def _quote_start(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        stripped = line.strip()
        if _ATTRIBUTION.match(stripped):
            return index
        if _OUTLOOK_HEADER.match(stripped) and any(
            _OUTLOOK_NEXT.match(following.strip()) for following in lines[index + 1 : index + 4]
        ):
            return index
        if stripped.startswith(">") and all(
            not rest.strip() or rest.lstrip().startswith(">") for rest in lines[index:]
        ):
            return index
    return len(lines)
