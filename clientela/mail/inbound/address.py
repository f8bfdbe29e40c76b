"""Recipient addresses an inbound service refuses before asking any route: the relay forms.

An open relay is abused through addresses that look local but name another host: the
percent hack (`user%other.com@us`), UUCP bang paths (`other.com!user@us`), source routes
(`<@a.com,@b.com:user@c.com>`, stripped by the address parser, so caught on the raw command
in `GuardedSMTP`), quoted local parts that hide an `@` (`"user@other.com"@us`), and IP
literals (`user@[1.2.3.4]`). None of them is a mailbox of ours: each gets 550 5.7.1, as do
empty and oversized addresses (RFC 5321 4.5.3.1: 64 octets of local part, 254 in all).
Pure string code: no Django.
"""

from __future__ import annotations

import re

RELAY_FORM = "550 5.7.1 relaying denied: address form not accepted"
LOCAL_MAX = 64
ADDRESS_MAX = 254
# What a local part of ours may hold: letters, digits, and . _ + - = / (tags, SRS's base64).
_LOCAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+=/-]*\Z")
_DOMAIN = re.compile(
    r"(?=.{1,253}\Z)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\Z"
)


def split_address(address: str) -> tuple[str, str]:
    local, _, domain = address.strip().strip("<>").rpartition("@")
    return local, domain.lower()


def relay_refusal(address: str) -> str | None:
    """The 550 5.7.1 reply for a relay form or a malformed address, None for a plain one."""
    address = address.strip()
    if not address or len(address) > ADDRESS_MAX or address.count("@") != 1:
        return RELAY_FORM
    local, domain = split_address(address)
    if not local or len(local) > LOCAL_MAX or not _LOCAL.match(local):
        return RELAY_FORM  # %, !, quotes, spaces, a second @, a route's ':' or ','
    if domain.startswith("[") or not _DOMAIN.match(domain):
        return RELAY_FORM  # IP literal, or no domain of anyone's
    return None


def source_routed(raw_argument: str) -> bool:
    """Whether the raw `RCPT TO:` argument carries a source route (`<@host,...:user@dom>`)."""
    return raw_argument.strip().lstrip("<").lstrip().startswith("@")


def bare_line_ending(raw: bytes) -> bool:
    """Whether the data holds a LF not after CR or a CR not before LF."""
    return raw.count(b"\n") != raw.count(b"\r\n") or raw.count(b"\r") != raw.count(b"\r\n")
