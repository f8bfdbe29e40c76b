"""Signed tokens in bounce addresses and unsubscribe links.

A bounce comes back to `bounces+<token>@<bounce domain>`, where the token signs the outbox id:
a bounce is matched to its row without parsing the remote server's prose, and nobody can forge
a bounce for a row they did not receive. Django's default `:` separator is not allowed in an
e-mail local part, so the separator is `.`; the id is written in base 36 so the local part stays
within RFC 5321's 64 characters (8 + 12 + 1 + 43 = 64 for every id below 36**12).
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.utils.http import base36_to_int, int_to_base36

from clientela.mail.conf import delivery_conf

BOUNCE_PREFIX = "bounces+"
UNSUBSCRIBE_PREFIX = "unsubscribe+"
LOCAL_PART_MAX = 64

# The salts keep the name of the app that first issued them (outreach): the bounce addresses
# and unsubscribe links in mail already sent must still verify.
_BOUNCE = signing.Signer(sep=".", salt="clientela.outreach.bounce", algorithm="sha256")
_UNSUBSCRIBE = signing.Signer(sep=".", salt="clientela.outreach.unsubscribe", algorithm="sha256")


def _token(signer: signing.Signer, outbox_id: int) -> str:
    return signer.sign(int_to_base36(outbox_id))


def _unsign(signer: signing.Signer, token: str) -> int | None:
    try:
        return base36_to_int(signer.unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def bounce_address(outbox_id: int) -> str:
    """The envelope sender (Return-Path) of one outbox row; stable across retries."""
    local = BOUNCE_PREFIX + _token(_BOUNCE, outbox_id)
    if len(local) > LOCAL_PART_MAX:
        raise ValueError(f"outbox id {outbox_id} is too large for a bounce address")
    return f"{local}@{delivery_conf().bounce_domain}"


def outbox_id_from_bounce_address(address: str) -> int | None:
    """The outbox id a bounce address was issued for, or None if it is not one of ours."""
    local, _, domain = address.strip().strip("<>").rpartition("@")
    if not local.startswith(BOUNCE_PREFIX):
        return None
    if domain.lower() != delivery_conf().bounce_domain.lower():
        return None
    return _unsign(_BOUNCE, local[len(BOUNCE_PREFIX) :])


def unsubscribe_token(outbox_id: int) -> str:
    return _token(_UNSUBSCRIBE, outbox_id)


def outbox_id_from_unsubscribe_token(token: str) -> int | None:
    return _unsign(_UNSUBSCRIBE, token)


def outbox_id_from_unsubscribe_address(address: str) -> int | None:
    """The outbox id of a List-Unsubscribe mailto: address, or None if it is not one of ours."""
    local, _, domain = address.strip().strip("<>").rpartition("@")
    if not local.startswith(UNSUBSCRIBE_PREFIX):
        return None
    if domain.lower() != delivery_conf().bounce_domain.lower():
        return None
    return _unsign(_UNSUBSCRIBE, local[len(UNSUBSCRIBE_PREFIX) :])


def unsubscribe_url(outbox_id: int) -> str:
    """The one-click (RFC 8058) link; its page (/u/<token>/) is served by the web app."""
    return f"{settings.SITE_URL}/u/{quote(unsubscribe_token(outbox_id))}/"


def unsubscribe_mailto(outbox_id: int) -> str:
    local = UNSUBSCRIBE_PREFIX + unsubscribe_token(outbox_id)
    return f"mailto:{local}@{delivery_conf().bounce_domain}?subject=unsubscribe"
