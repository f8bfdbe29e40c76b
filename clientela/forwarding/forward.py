"""One message to aliases, passed on to the customers' own addresses through the outbox.

The body and every header of the message stay byte for byte as they came, so the sender's
DKIM signature still verifies at the customer's mailbox; we only prepend a Received line,
our loop marker and the opt-out link (headers no signer covers, above the signed ones). The
envelope sender is rewritten with SRS so that the customer's server sees an SPF pass for the
forwarding domain. No ARC seal: see the README ("Forwarding addresses").

The reply is 250 only after the outbox rows are committed; on any refusal nothing is stored.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from email import policy
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.utils import format_datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from clientela.accounts.scoping import settings_for
from clientela.forwarding.models import Alias, AliasStatus, ForwardingSettings
from clientela.forwarding.services import opt_out_token
from clientela.mail.contact import ContactPurpose, contact_allowed
from clientela.mail.inbound.address import split_address
from clientela.mail.inbound.routes import Inbound
from clientela.mail.models import OutboxKind
from clientela.mail.services import OutboxDraft, outbox_enqueue
from clientela.mail.srs import Srs
from clientela.mail.tasks import outbox_wake
from clientela.timeline.services import event_record

MARKER = "X-Clientela-Forwarded"
OPT_OUT = "X-Clientela-Opt-Out"
# Loops show as a growing trace: RFC 5321 6.3 suggests counting Received lines, with a
# limit of at least 100 for mail that passed many hops; forwarded mail needs far fewer.
MAX_RECEIVED = 30
HOUR = timedelta(hours=1)

LOOP = "554 5.4.6 mail loop detected"
TOO_BIG = "552 5.3.4 message too big for this address"
RATE = "452 4.2.1 too much mail for this address now, try later"
NOT_FORWARDED = "550 5.2.1 mailbox unavailable"
FORWARDED = "250 2.0.0 forwarded"


class _Refused(Exception):
    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply


def srs_for(domain: str) -> Srs:
    key = hmac.new(settings.SECRET_KEY.encode(), b"clientela.forwarding.srs", hashlib.sha256)
    return Srs(secret=key.digest(), domain=domain)


def active_alias(address: str) -> Alias | None:
    local, domain = split_address(address)
    return (
        Alias.objects.select_related("domain", "workspace", "customer")
        .filter(domain__domain=domain, local_part=local.lower(), status=AliasStatus.ACTIVE)
        .first()
    )


def rate_exhausted(alias: Alias, limit: int) -> bool:
    return alias.window_start >= timezone.now() - HOUR and alias.window_count >= limit


def _take(alias: Alias, limit: int) -> bool:
    """One message of the alias's hourly allowance, as a conditional UPDATE (two servers at
    once never pass the limit)."""
    now = timezone.now()
    counted = {"forwarded_count": F("forwarded_count") + 1, "last_forwarded_at": now}
    rows = Alias.objects.filter(pk=alias.pk, status=AliasStatus.ACTIVE)
    if rows.filter(window_start__lt=now - HOUR).update(window_start=now, window_count=1, **counted):
        return True
    fresh = Q(window_start__gte=now - HOUR, window_count__lt=limit)
    return bool(rows.filter(fresh).update(window_count=F("window_count") + 1, **counted))


def _header_block(raw: bytes) -> bytes:
    end = raw.find(b"\r\n\r\n")
    return raw if end < 0 else raw[: end + 2]


def _subject(value: str | None) -> str:
    try:
        return str(make_header(decode_header(value or "")))[:998]
    except (ValueError, LookupError):
        return (value or "")[:998]


def _prefix(message: Inbound, alias: Alias, now_text: str, link: str) -> bytes:
    helo = "".join(ch for ch in message.helo if ch.isalnum() or ch in ".-[]:")[:100]
    lines = [
        f"Received: from {helo or 'unknown'} ([{message.peer_ip}])\r\n"
        f"\tby {alias.domain.domain} (Clientela forwarding) with ESMTP\r\n"
        f"\tfor <{alias.address}>; {now_text}",
        f"{MARKER}: {alias.address}",
        f"{OPT_OUT}: <{link}>",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("ascii", "replace")


def forward_message(message: Inbound) -> str:
    """Store one outbox row per alias recipient; return the SMTP reply to DATA."""
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(_header_block(message.raw))
    if len(headers.get_all("Received") or []) > MAX_RECEIVED:
        return LOOP
    markers = {value.strip().lower() for value in headers.get_all(MARKER) or []}
    aliases = [alias for alias in map(active_alias, message.recipients) if alias is not None]
    if not aliases:
        return NOT_FORWARDED  # revoked between RCPT and DATA
    if any(alias.address.lower() in markers for alias in aliases):
        return LOOP
    limits = {alias.pk: settings_for(ForwardingSettings, alias.workspace) for alias in aliases}
    if any(len(message.raw) > limits[a.pk].max_message_kb * 1024 for a in aliases):
        return TOO_BIG
    now = timezone.now()
    digest = hashlib.sha256(message.raw).hexdigest()[:32]
    try:
        with transaction.atomic():
            stored = 0
            for alias in aliases:
                if not _take(alias, limits[alias.pk].rate_per_hour):
                    raise _Refused(RATE)
                if not contact_allowed(alias.customer, ContactPurpose.FORWARDING).allowed:
                    continue  # their address bounced or complained: keep nothing for them
                link = f"{settings.SITE_URL}/f/{opt_out_token(alias)}/"
                raw = _prefix(message, alias, format_datetime(now), link) + message.raw
                row = outbox_enqueue(
                    workspace=alias.workspace,
                    draft=OutboxDraft(
                        to_address=alias.customer.email,
                        subject=_subject(headers.get("Subject")),
                        body_text="",
                        kind=OutboxKind.TRANSACTIONAL,
                        source_type="alias",
                        source_id=alias.pk,
                        dedup_key=f"alias:{alias.pk}:{now.timestamp():.6f}:{digest}",
                        customer=alias.customer,
                        raw_message=raw,
                        envelope_sender=srs_for(alias.domain.domain).forward(message.mail_from),
                    ),
                )
                if row is None:
                    continue  # the same bytes in the same microsecond: already stored
                event_record(
                    workspace=alias.workspace,
                    kind="alias.forwarded",
                    subject=alias,
                    customer_id=alias.customer_id,
                    summary=alias.address,
                    new={"outbox_id": row.pk, "bytes": len(raw)},
                )
                stored += 1
            if not stored:
                raise _Refused(NOT_FORWARDED)
    except _Refused as refused:
        return refused.reply
    outbox_wake()
    return FORWARDED
